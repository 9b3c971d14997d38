import { readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { globWithWorkspaceContext } from '@nx/devkit/internal';
import type { ContextSource } from './dockerfile';
import { isGlob } from './glob';
import {
  findOutputOwners,
  findProjectOwner,
  findProjectsInside,
  isInside,
  type OwnershipIndex,
} from './ownership';

/** WorkspaceFiles is the file system as the analysis sees it. */
export interface WorkspaceFiles {
  kind(path: string): 'file' | 'directory' | undefined;
  /** glob lists files (not directories) that match a workspace pattern */
  glob(pattern: string): Promise<string[]>;
  read(path: string): string;
}

/** workspaceFiles reads the real workspace; globs skip git-ignored files. */
export function workspaceFiles(workspaceRoot: string): WorkspaceFiles {
  return {
    kind(path) {
      const stats = statSync(join(workspaceRoot, path), {
        throwIfNoEntry: false,
      });
      if (!stats) {
        return undefined;
      }
      return stats.isDirectory() ? 'directory' : 'file';
    },
    glob: (pattern) => globWithWorkspaceContext(workspaceRoot, [pattern]),
    read: (path) => readFileSync(join(workspaceRoot, path), 'utf8'),
  };
}

/**
 * SourceUse is what one context path means for the graph: an artifact of a
 * target (dependsOn plus an output input), files of a project (an input plus
 * an edge), or files no project owns (an input only).
 */
export type SourceUse =
  | { kind: 'output'; project: string; target: string; files: string }
  | { kind: 'project'; project: string; files: string }
  | { kind: 'workspace'; files: string };

/** SourceOrigin says where a source was found, for error messages. */
export interface SourceOrigin {
  dockerfile: string;
  context: string;
  platform: string;
}

export type SourceResolution =
  | { uses: SourceUse[]; problem?: undefined }
  | { uses?: undefined; problem: string };

/** resolveContextSource maps one COPY/ADD source to its owners. */
export async function resolveContextSource(
  source: ContextSource,
  origin: SourceOrigin,
  index: OwnershipIndex,
  files: WorkspaceFiles,
): Promise<SourceResolution> {
  const path = posix.normalize(posix.join(origin.context, source.path));
  if (path.startsWith('..')) {
    return { problem: sourceProblem(source, origin, path, 'outside') };
  }

  const outputs = findOutputOwners(index, path);
  if (outputs.length > 0) {
    const uses = outputs.map(({ project, target, path: output }) => {
      const inside = path !== output && isInside(path, output);
      const files = inside || isGlob(path) ? path : directoryFiles(path);
      return { kind: 'output' as const, project, target, files };
    });
    return { uses };
  }

  const matched = await matchSourceFiles(path, files);
  if (matched === undefined) {
    return { problem: sourceProblem(source, origin, path, 'missing') };
  }
  if (matched.untracked) {
    return { problem: sourceProblem(source, origin, path, 'ignored') };
  }
  return { uses: sourceFileUses(matched, index) };
}

interface MatchedFiles {
  /** files is the input pattern that covers what the source copies */
  files: string;
  /** owners are the paths whose project owners the source reads from */
  owners: string[];
  directory?: string;
  /** untracked is set when the path exists but git ignores all of it */
  untracked?: boolean;
}

async function matchSourceFiles(
  path: string,
  files: WorkspaceFiles,
): Promise<MatchedFiles | undefined> {
  if (isGlob(path)) {
    const found = [
      ...(await files.glob(path)),
      ...(await files.glob(`${path}/**`)),
    ];
    return found.length > 0 ? { files: path, owners: found } : undefined;
  }
  const kind = path === '.' ? 'directory' : files.kind(path);
  if (kind === undefined) {
    return undefined;
  }
  // Nx hashes only files git does not ignore, and a fresh checkout (CI)
  // has none of the ignored ones: copying them would build from local state.
  const tracked = await files.glob(kind === 'file' ? path : `${path}/**`);
  const untracked = tracked.length === 0;
  if (kind === 'directory') {
    const pattern = directoryFiles(path);
    return { files: pattern, owners: [path], directory: path, untracked };
  }
  return { files: path, owners: [path], untracked };
}

function sourceFileUses(
  matched: MatchedFiles,
  index: OwnershipIndex,
): SourceUse[] {
  const projects = new Set<string>();
  let unowned = false;
  for (const owned of matched.owners) {
    const project = findProjectOwner(index, owned);
    if (project) {
      projects.add(project);
    } else {
      unowned = true;
    }
  }
  if (matched.directory) {
    findProjectsInside(index, matched.directory).forEach((project) =>
      projects.add(project),
    );
  }

  const uses: SourceUse[] = [...projects].sort().map((project) => ({
    kind: 'project' as const,
    project,
    files: matched.files,
  }));
  if (unowned || uses.length === 0) {
    uses.push({ kind: 'workspace', files: matched.files });
  }
  return uses;
}

function directoryFiles(path: string): string {
  return path === '.' ? '**/*' : `${path}/**/*`;
}

function sourceProblem(
  source: ContextSource,
  origin: SourceOrigin,
  path: string,
  reason: 'missing' | 'outside' | 'ignored',
): string {
  const where = `${origin.dockerfile}:${source.line}`;
  const what = `${source.instruction} source "${source.path}"`;
  if (reason === 'ignored') {
    return (
      `${where}: ${what} (${path} in the workspace) is ignored by git or ` +
      'holds no tracked file, so a fresh checkout lacks it and Nx does ' +
      'not hash it (commit it, or build it with an Nx target that ' +
      'declares it as an output)'
    );
  }
  if (reason === 'outside') {
    return (
      `${where}: ${what} is outside the build context "${origin.context}" ` +
      '(copy only paths inside the context)'
    );
  }
  const unset = source.unsetVariables.map((name) => `$${name}`).join(', ');
  const hint = unset
    ? `; ${unset} had no value in stage "${source.stage}" when building ` +
      `for ${origin.platform} (declare ARG ${source.unsetVariables[0]} in ` +
      'that stage or give it a default)'
    : ' (fix the path, or declare it as an output of the target that ' +
      'builds it)';
  return (
    `${where}: ${what} (${path} in the workspace) does not exist and no ` +
    `target declares it as an output${hint}`
  );
}
