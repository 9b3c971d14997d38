import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { globWithWorkspaceContext } from '@nx/devkit/internal';
import { matchesGlob, staticPrefix } from './glob';

/** OwnedProject is the part of a project configuration ownership needs. */
export interface OwnedProject {
  root: string;
  targets?: Record<string, { outputs?: string[] }>;
}

/** TargetOutput is one declared output of one target, workspace-relative. */
export interface TargetOutput {
  project: string;
  target: string;
  /** path may be a glob; it never starts with {workspaceRoot} */
  path: string;
}

/**
 * OwnershipIndex answers "which project owns this path" for source files
 * (by project root) and for build artifacts (by declared target outputs).
 */
export interface OwnershipIndex {
  /** roots sorted longest first, so the first match is the nearest owner */
  roots: Array<{ project: string; root: string }>;
  outputs: TargetOutput[];
}

/**
 * readProjectJsonFiles reads every project.json in the workspace. Files that
 * git or .nxignore ignore are skipped, as Nx itself skips them.
 */
export async function readProjectJsonFiles(
  workspaceRoot: string,
): Promise<Record<string, OwnedProject>> {
  const files = await globWithWorkspaceContext(workspaceRoot, [
    '**/project.json',
  ]);

  const projects: Record<string, OwnedProject> = {};
  for (const file of files.sort()) {
    const json = JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8'));
    const root = posix.dirname(file);
    const name: string = json.name ?? posix.basename(root);
    projects[name] = { root, targets: json.targets ?? {} };
  }
  return projects;
}

/** createOwnershipIndex indexes project roots and target outputs. */
export function createOwnershipIndex(
  projects: Record<string, OwnedProject>,
): OwnershipIndex {
  const roots = Object.entries(projects)
    .map(([project, { root }]) => ({ project, root: normaliseRoot(root) }))
    .sort((a, b) => b.root.length - a.root.length);

  const outputs: TargetOutput[] = [];
  for (const [project, config] of Object.entries(projects)) {
    for (const [target, { outputs: declared = [] }] of Object.entries(
      config.targets ?? {},
    )) {
      for (const output of declared) {
        const path = resolveOutput(output, project, config.root);
        if (path !== undefined) {
          outputs.push({ project, target, path });
        }
      }
    }
  }
  return { roots, outputs };
}

function normaliseRoot(root: string): string {
  return root === '' || root === '.' ? '.' : posix.normalize(root);
}

// Outputs that name executor options ({options.outputPath}) depend on values
// this index does not evaluate, so they cannot own a path and are left out.
function resolveOutput(
  output: string,
  project: string,
  root: string,
): string | undefined {
  const path = output
    .replace('{workspaceRoot}', '')
    .replace('{projectRoot}', root)
    .replace('{projectName}', project)
    .replace(/^\.?\/+/, '');
  return path.includes('{') ? undefined : posix.normalize(path);
}

/** findProjectOwner returns the project whose root contains path. */
export function findProjectOwner(
  index: OwnershipIndex,
  path: string,
): string | undefined {
  return index.roots.find(({ root }) => isInside(path, root))?.project;
}

/** findProjectsInside returns projects whose root lies inside directory. */
export function findProjectsInside(
  index: OwnershipIndex,
  directory: string,
): string[] {
  return index.roots
    .filter(({ root }) => root !== directory && isInside(root, directory))
    .map(({ project }) => project);
}

/**
 * findOutputOwners returns the target outputs that contain path, or that a
 * glob path matches. Artifacts under dist/ exist only after a build, so this
 * is how a COPY of one is proven to exist.
 */
export function findOutputOwners(
  index: OwnershipIndex,
  path: string,
): TargetOutput[] {
  const prefix = staticPrefix(path);
  return index.outputs.filter((output) => {
    const outputPrefix = staticPrefix(output.path);
    if (outputPrefix === output.path) {
      return (
        isInside(prefix, output.path) ||
        isInside(output.path, prefix) ||
        matchesGlob(output.path, path)
      );
    }
    return matchesGlob(path, output.path) || isInside(outputPrefix, prefix);
  });
}

/** isInside tells whether path is directory or lies below it. */
export function isInside(path: string, directory: string): boolean {
  if (directory === '.') {
    return true;
  }
  return path === directory || path.startsWith(`${directory}/`);
}
