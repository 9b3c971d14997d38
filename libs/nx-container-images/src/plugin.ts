import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import {
  createNodesFromFiles,
  DependencyType,
  type CreateDependencies,
  type CreateNodes,
  type CreateNodesContext,
  type CreateNodesResult,
  type PostTasksExecution,
  type RawProjectGraphDependency,
} from '@nx/devkit';
import { planImage, type ImagePlan } from './image-plan';
import { DOCKER_DIRECTORY, IMAGES_FILE, readImages } from './images';
import {
  createOwnershipIndex,
  readProjectJsonFiles,
  type OwnedProject,
} from './ownership';
import { workspaceFiles } from './sources';
import { recordContainerRun } from './metrics/hook';
import { imageProject } from './targets';

/** ContainerImagesPluginOptions are set in nx.json under "options". */
export interface ContainerImagesPluginOptions {
  /** targetName names the inferred target; "container" by default */
  targetName?: string;
  /** localRegistry receives airgap-multiarch pushes; 127.0.0.1:5000 */
  localRegistry?: string;
}

interface NormalisedOptions {
  targetName: string;
  localRegistry: string;
}

/** IMAGES_GLOB matches the one file that declares every image. */
export const IMAGES_GLOB = IMAGES_FILE;

/**
 * createNodes infers one project per image in tools/docker/images.json, named
 * after the image, at the virtual root tools/docker/<image>.
 */
export const createNodes: CreateNodes<ContainerImagesPluginOptions> = [
  IMAGES_GLOB,
  async (files, options, context) =>
    createNodesFromFiles(createImageNodes, files, options ?? {}, context),
];

async function createImageNodes(
  _imagesFile: string,
  options: ContainerImagesPluginOptions | undefined,
  context: CreateNodesContext,
): Promise<CreateNodesResult> {
  const { targetName, localRegistry } = normaliseOptions(options ?? {});
  const projects = await readProjectJsonFiles(context.workspaceRoot);
  const plans = await planImages(context.workspaceRoot, projects);

  const problems = plans.flatMap((plan) => plan.problems);
  if (problems.length > 0) {
    throw imageProblemsError(problems);
  }

  const inferred: CreateNodesResult['projects'] = {};
  for (const plan of plans) {
    const root = imageRoot(plan.image.name);
    inferred[root] = imageProject(plan, root, targetName, localRegistry);
  }
  return { projects: inferred };
}

/**
 * createDependencies adds a static edge from each image to every project its
 * Dockerfiles copy from, with the Dockerfile as the source file. Problems in
 * the images are left to createNodes, which fails graph creation with them.
 */
export const createDependencies: CreateDependencies<
  ContainerImagesPluginOptions
> = async (_options, context) => {
  if (!existsSync(join(context.workspaceRoot, IMAGES_FILE))) {
    return [];
  }
  const projects = Object.fromEntries(
    Object.entries(context.projects).filter(
      ([name, project]) => project.root !== imageRoot(name),
    ),
  );
  const plans = await planImages(context.workspaceRoot, projects);
  const nonProjectFiles = new Set(
    context.fileMap.nonProjectFiles.map(({ file }) => file),
  );

  return plans.flatMap((plan) =>
    plan.edges
      .filter(({ project }) => context.projects[project])
      .map(({ dockerfile, project }) =>
        imageDependency(plan.image.name, project, dockerfile, nonProjectFiles),
      ),
  );
};

// A Dockerfile that lies inside some project cannot be the source file of
// another project's static edge (Nx rejects it), so the edge becomes implicit.
function imageDependency(
  image: string,
  project: string,
  dockerfile: string,
  nonProjectFiles: Set<string>,
): RawProjectGraphDependency {
  if (nonProjectFiles.has(dockerfile)) {
    return {
      source: image,
      target: project,
      sourceFile: dockerfile,
      type: DependencyType.static,
    };
  }
  return { source: image, target: project, type: DependencyType.implicit };
}

/**
 * postTasksExecution measures every container task of a finished run and
 * reports it: terminal, history file, GitHub step summary and annotations
 * (src/metrics, README "Build metrics").
 */
export const postTasksExecution: PostTasksExecution<
  ContainerImagesPluginOptions
> = (options, context) =>
  recordContainerRun(normaliseOptions(options ?? {}).targetName, context);

/**
 * planImages loads the image metadata and plans every image against the
 * given projects. It reads images.json errors eagerly (they throw) and
 * collects Dockerfile problems per image, so every bad Dockerfile is named.
 */
export async function planImages(
  workspaceRoot: string,
  projects: Record<string, OwnedProject>,
): Promise<ImagePlan[]> {
  const images = readImages(workspaceRoot);
  const index = createOwnershipIndex(projects);
  const files = workspaceFiles(workspaceRoot);

  const plans: ImagePlan[] = [];
  for (const image of images) {
    const plan = await planImage(image, index, files);
    const clash = projects[image.name];
    if (clash && clash.root !== imageRoot(image.name)) {
      plan.problems.unshift(
        `${IMAGES_FILE}: images.${image.name}: the name is already taken ` +
          `by the project at ${clash.root} (rename the image)`,
      );
    }
    plans.push(plan);
  }
  return plans;
}

/** imageRoot is the virtual project root of an image; it need not exist. */
export function imageRoot(image: string): string {
  return posix.join(DOCKER_DIRECTORY, image);
}

function imageProblemsError(problems: string[]): Error {
  const count =
    problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new Error(
    `inferring container image projects: ${count}\n` +
      problems.map((problem) => `  - ${problem}`).join('\n'),
  );
}

function normaliseOptions(
  options: ContainerImagesPluginOptions,
): NormalisedOptions {
  return {
    targetName: options.targetName ?? 'container',
    localRegistry: options.localRegistry ?? '127.0.0.1:5000',
  };
}
