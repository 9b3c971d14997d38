import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import type { ImagePlan } from './image-plan';
import type { ImageDefinition, Platform } from './images';

type InputDefinition = NonNullable<TargetConfiguration['inputs']>[number];

export const CONTAINER_EXECUTOR = '@nx-tools/nx-container:build';

/** ContainerTargetOptions are the executor options this plugin sets. */
export interface ContainerTargetOptions {
  engine?: string;
  file?: string;
  context?: string;
  load?: boolean;
  push?: boolean;
  platforms?: string[];
  'build-args'?: string[];
  'cache-from'?: string[];
  'cache-to'?: string[];
  outputs?: string[];
  tags?: string[];
  metadata?: { images: string[]; tags: string[] };
}

/** imageProject builds the project configuration of one image. */
export function imageProject(
  plan: ImagePlan,
  root: string,
  targetName: string,
  localRegistry: string,
): ProjectConfiguration {
  const { image } = plan;
  return {
    root,
    name: image.name,
    projectType: 'application',
    tags: ['type:image'],
    metadata: {
      description: `Container image ${image.registryName}`,
      image: {
        registryName: image.registryName,
        platforms: image.platforms,
        budgetMinutes: image.budgetMinutes,
        dockerfiles: plan.dockerfiles,
      },
    },
    targets: { [targetName]: containerTarget(plan, localRegistry) },
  };
}

/**
 * containerTarget runs nx-container for an image. dependsOn is the union over
 * the image's platforms because Nx resolves dependsOn per target, not per
 * configuration: even a host-only build waits for the other platform's
 * artifacts. The target is never cached: its result lives in an engine or a
 * registry, and a cache hit would report an image that is not there.
 */
export function containerTarget(
  plan: ImagePlan,
  localRegistry: string,
): TargetConfiguration {
  const { image } = plan;
  const airgapArgs = { ...image.buildArgs, ...image.airgapBuildArgs };
  return {
    executor: CONTAINER_EXECUTOR,
    cache: false,
    inputs: containerInputs(plan),
    outputs: [],
    dependsOn: plan.dependsOn.map((dependency) => ({ ...dependency })),
    options: hostOptions(plan, image.buildArgs),
    configurations: {
      ci: multiPlatformOptions(plan),
      ...Object.fromEntries(
        image.platforms.map((platform) => [
          `ci-${platformSlug(platform)}`,
          singlePlatformOptions(plan, platform),
        ]),
      ),
      airgap: hostOptions(plan, airgapArgs),
      'airgap-multiarch': localRegistryOptions(plan, airgapArgs, localRegistry),
    },
    metadata: {
      description:
        `Build the ${image.name} image for the host platform and load it ` +
        `into the local engine (ci: ${image.platforms.join(', ')}, push)`,
      technologies: ['docker'],
      budgetMinutes: image.budgetMinutes,
    },
  };
}

/** containerInputs lists every file the image reads, and nothing else. */
export function containerInputs(plan: ImagePlan): InputDefinition[] {
  return [
    ...plan.fileInputs.map((files) => `{workspaceRoot}/${files}`),
    ...plan.outputFiles.map((files) => ({ dependentTasksOutputFiles: files })),
  ];
}

function hostOptions(
  plan: ImagePlan,
  buildArgs: Record<string, string>,
): ContainerTargetOptions {
  const { image } = plan;
  return {
    engine: 'docker',
    file: image.dockerfile,
    context: image.context,
    load: true,
    push: false,
    'build-args': formatBuildArgs(plan, image.dockerfile, buildArgs),
    tags: [`${image.name}:local`],
  };
}

// Every platform at once into the registry on loopback, from the local
// bases: the air-gapped counterpart of "ci", without the gha cache that
// only exists on GitHub.
function localRegistryOptions(
  plan: ImagePlan,
  buildArgs: Record<string, string>,
  localRegistry: string,
): ContainerTargetOptions {
  const { image } = plan;
  const file = image.crossDockerfile ?? image.dockerfile;
  return {
    engine: 'docker',
    file,
    context: image.context,
    load: false,
    push: true,
    platforms: [...image.platforms],
    'build-args': formatBuildArgs(plan, file, buildArgs),
    tags: [`${localRegistry}/${image.name}:local`],
  };
}

// A multi-platform build exports its layer cache once, to one scope; it
// holds both platforms' layers. The per-platform configurations keep one
// scope per architecture fresh and are what CI should run.
function multiPlatformOptions(plan: ImagePlan): ContainerTargetOptions {
  const { image } = plan;
  return {
    ...registryOptions(plan),
    metadata: {
      images: [image.registryName],
      tags: ['type=ref,event=branch', 'type=ref,event=pr', 'type=sha'],
    },
    platforms: [...image.platforms],
    'cache-from': image.platforms.map((platform) => gha(image, platform)),
    'cache-to': [`${gha(image, image.platforms[0])},mode=max`],
  };
}

// One platform per CI job, pushed by digest and without tags; a later job
// joins the digests into one manifest list under the image's tags.
function singlePlatformOptions(
  plan: ImagePlan,
  platform: Platform,
): ContainerTargetOptions {
  const { image } = plan;
  return {
    ...registryOptions(plan),
    platforms: [platform],
    push: false,
    'cache-from': [gha(image, platform)],
    'cache-to': [`${gha(image, platform)},mode=max`],
    outputs: [
      `type=image,name=${image.registryName},push-by-digest=true,` +
        'name-canonical=true,push=true',
    ],
  };
}

function registryOptions(plan: ImagePlan): ContainerTargetOptions {
  const { image } = plan;
  const file = image.crossDockerfile ?? image.dockerfile;
  return {
    file,
    load: false,
    push: true,
    'build-args': formatBuildArgs(plan, file, image.buildArgs),
    tags: [],
  };
}

function gha(image: ImageDefinition, platform: Platform): string {
  return `type=gha,scope=${image.name}-${platform.split('/')[1]}`;
}

/** platformSlug turns linux/arm64 into linux-arm64 for target names. */
export function platformSlug(platform: Platform): string {
  return platform.replace('/', '-');
}

// Only the arguments the chosen Dockerfile declares are passed: the others
// belong to the image's other Dockerfile and BuildKit would warn about them.
function formatBuildArgs(
  plan: ImagePlan,
  dockerfile: string,
  buildArgs: Record<string, string>,
): string[] {
  const declared = plan.declaredArgs[dockerfile];
  return Object.entries(buildArgs)
    .filter(([name]) => !declared || declared.includes(name))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`);
}
