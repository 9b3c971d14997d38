import { analyseDockerfile, type ContextSource } from './dockerfile';
import { findDockerfileProblems } from './dockerfile-problems';
import { IMAGES_FILE, type ImageDefinition, type Platform } from './images';
import type { OwnershipIndex } from './ownership';
import {
  resolveContextSource,
  type SourceUse,
  type WorkspaceFiles,
} from './sources';

/** ImageDependency is one dependsOn entry: a target of some projects. */
export interface ImageDependency {
  projects: string[];
  target: string;
}

/**
 * ImagePlan is everything the graph needs to know about one image, derived
 * only from its Dockerfiles and the workspace's ownership index.
 */
export interface ImagePlan {
  image: ImageDefinition;
  dockerfiles: string[];
  /** fileInputs are workspace-relative files and globs read from context */
  fileInputs: string[];
  /** outputFiles are globs over the dependency targets' outputs */
  outputFiles: string[];
  dependsOn: ImageDependency[];
  /** declaredArgs maps each Dockerfile to the ARG names it declares */
  declaredArgs: Record<string, string[]>;
  /** edges are the projects each Dockerfile reads from */
  edges: Array<{ dockerfile: string; project: string }>;
  problems: string[];
}

interface Build {
  dockerfile: string;
  platform: Platform;
  buildArgs: Record<string, string>;
}

/**
 * imageBuilds lists the Dockerfile, platform and build arguments of every
 * build an image's configurations can run. The host build may be either
 * platform, so the main Dockerfile is analysed for all of them.
 */
export function imageBuilds(image: ImageDefinition): Build[] {
  const airgapArgs = { ...image.buildArgs, ...image.airgapBuildArgs };
  const builds: Build[] = [];
  for (const platform of image.platforms) {
    for (const buildArgs of [image.buildArgs, airgapArgs]) {
      builds.push({ dockerfile: image.dockerfile, platform, buildArgs });
    }
    if (image.crossDockerfile) {
      const dockerfile = image.crossDockerfile;
      for (const buildArgs of [image.buildArgs, airgapArgs]) {
        builds.push({ dockerfile, platform, buildArgs });
      }
    }
  }
  return builds;
}

/** imageDockerfiles lists an image's Dockerfiles, the main one first. */
export function imageDockerfiles(image: ImageDefinition): string[] {
  return [image.dockerfile, image.crossDockerfile].filter(
    (file): file is string => Boolean(file),
  );
}

/** planImage analyses every build of an image and merges what they read. */
export async function planImage(
  image: ImageDefinition,
  index: OwnershipIndex,
  files: WorkspaceFiles,
): Promise<ImagePlan> {
  const problems = new Map<string, string>();
  const uses: Array<{ dockerfile: string; use: SourceUse }> = [];
  const declaredArgs = new Map<string, string[]>();

  const broken = new Set<string>();
  for (const dockerfile of imageDockerfiles(image)) {
    const syntax = findDockerfileProblems(dockerfile, files.read(dockerfile));
    syntax.forEach((problem) => problems.set(problem, problem));
    if (syntax.length > 0) {
      broken.add(dockerfile);
    }
  }

  for (const build of imageBuilds(image)) {
    if (broken.has(build.dockerfile)) {
      continue;
    }
    const analysis = analyseDockerfile(files.read(build.dockerfile), build);
    declaredArgs.set(build.dockerfile, analysis.declaredArgs);
    for (const source of analysis.sources) {
      const origin = { ...build, context: image.context };
      const found = await resolveContextSource(source, origin, index, files);
      const key = problemKey(build.dockerfile, source);
      if (found.problem && !problems.has(key)) {
        problems.set(key, found.problem);
      }
      found.uses?.forEach((use) =>
        uses.push({ dockerfile: build.dockerfile, use }),
      );
    }
  }

  const unusedArgs =
    broken.size > 0 ? [] : findUnusedBuildArgs(image, declaredArgs);
  const plan = assemblePlan(image, uses, [...problems.values(), ...unusedArgs]);
  return { ...plan, declaredArgs: Object.fromEntries(declaredArgs) };
}

// One bad line is reported once even though it is analysed per platform.
function problemKey(dockerfile: string, source: ContextSource): string {
  return `${dockerfile}:${source.line}:${source.path}`;
}

function assemblePlan(
  image: ImageDefinition,
  uses: Array<{ dockerfile: string; use: SourceUse }>,
  problems: string[],
): Omit<ImagePlan, 'declaredArgs'> {
  const dockerfiles = imageDockerfiles(image);
  const fileInputs = new Set([
    IMAGES_FILE,
    ...dockerfiles,
    ...airgapRecipeInputs(image),
  ]);
  const outputFiles = new Set<string>();
  const targets = new Map<string, Set<string>>();
  const edges = new Map<string, { dockerfile: string; project: string }>();

  for (const { dockerfile, use } of uses) {
    if (use.kind === 'output') {
      outputFiles.add(use.files);
      const projects = targets.get(use.target) ?? new Set<string>();
      targets.set(use.target, projects.add(use.project));
    } else {
      fileInputs.add(use.files);
    }
    if (use.kind !== 'workspace' && use.project !== image.name) {
      const edge = { dockerfile, project: use.project };
      edges.set(`${dockerfile}\0${use.project}`, edge);
    }
  }

  const dependsOn = [...targets.entries()]
    .map(([target, projects]) => ({ projects: [...projects].sort(), target }))
    .sort((a, b) => a.target.localeCompare(b.target));
  return {
    image,
    dockerfiles,
    fileInputs: [...fileInputs].sort(),
    outputFiles: [...outputFiles].sort(),
    dependsOn,
    edges: [...edges.values()],
    problems,
  };
}

/** AIRGAP_RECIPE_DIRECTORY holds the recipe of every air-gapped base. */
export const AIRGAP_RECIPE_DIRECTORY = 'tools/docker/airgap';

// build-bases.sh pushes each base as <registry>/semrouter-airgap/<base>.
export const AIRGAP_NAMESPACE = '/semrouter-airgap/';

/**
 * airgapRecipeInputs lists the base recipe as an input when the image's
 * airgap build arguments name a base it makes: the airgap configurations
 * build on that base, so a recipe change can alter the image. The other
 * configurations use upstream bases, but Nx inputs are per target, not per
 * configuration, so the recipe counts for all of them.
 */
export function airgapRecipeInputs(image: ImageDefinition): string[] {
  const namesBase = Object.values(image.airgapBuildArgs).some((value) =>
    value.includes(AIRGAP_NAMESPACE),
  );
  return namesBase ? [`${AIRGAP_RECIPE_DIRECTORY}/**/*`] : [];
}

/**
 * findUnusedBuildArgs reports build arguments that none of the image's
 * Dockerfiles declares: BuildKit ignores them, so the setting would silently
 * do nothing. An argument declared by only one Dockerfile is fine; each
 * configuration passes just the arguments its own Dockerfile declares.
 */
export function findUnusedBuildArgs(
  image: ImageDefinition,
  declaredArgs: Map<string, string[]>,
): string[] {
  const dockerfiles = imageDockerfiles(image);
  const problems: string[] = [];
  const check = (field: string, args: object) => {
    for (const name of Object.keys(args)) {
      const declared = dockerfiles.some((file) =>
        declaredArgs.get(file)?.includes(name),
      );
      if (!declared) {
        problems.push(
          `${IMAGES_FILE}: images.${image.name}.${field}.${name}: ` +
            `${dockerfiles.join(' and ')} declares no ARG ${name}, so the ` +
            `value is ignored (declare ARG ${name} where it is used, or ` +
            'remove it)',
        );
      }
    }
  };

  check('buildArgs', image.buildArgs);
  check('airgapBuildArgs', image.airgapBuildArgs);
  return problems;
}
