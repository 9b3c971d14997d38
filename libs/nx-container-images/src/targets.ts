import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import type { ImagePlan } from './image-plan';
import { IMAGES_FILE, type ImageDefinition, type Platform } from './images';

type InputDefinition = NonNullable<TargetConfiguration['inputs']>[number];

export const CONTAINER_EXECUTOR = '@nx-tools/nx-container:build';

/** LINT_TARGET names the inferred Dockerfile policy check of each image. */
export const LINT_TARGET = 'lint-dockerfile';

// The linter runs from the plugin's sources with tsx; its result depends on
// them, on tsx and on the two packages it parses with (dockerfile-ast, zod),
// nothing else installed.
const PLUGIN_SOURCES = 'libs/nx-container-images/src';
const LINT_CLI = `${PLUGIN_SOURCES}/cli/lint-dockerfile.ts`;

/** ContainerTargetOptions are the executor options this plugin sets. */
export interface ContainerTargetOptions {
  engine?: string;
  file?: string;
  context?: string;
  load?: boolean;
  push?: boolean;
  platforms?: string[];
  'build-args'?: string[];
  'secret-files'?: string[];
  network?: string;
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
    targets: {
      [targetName]: containerTarget(plan, localRegistry),
      [LINT_TARGET]: lintDockerfileTarget(plan, localRegistry),
    },
  };
}

/**
 * lintDockerfileTarget checks an image's Dockerfiles against the policy
 * (src/policy). It reads only the Dockerfiles and images.json, so unlike
 * the container target it is cached: the same inputs give the same
 * findings.
 */
export function lintDockerfileTarget(
  plan: ImagePlan,
  localRegistry: string,
): TargetConfiguration {
  const { image } = plan;
  return {
    executor: 'nx:run-commands',
    cache: true,
    inputs: [
      ...plan.dockerfiles.map((file) => `{workspaceRoot}/${file}`),
      `{workspaceRoot}/${IMAGES_FILE}`,
      `{workspaceRoot}/${PLUGIN_SOURCES}/**/*.ts`,
      `!{workspaceRoot}/${PLUGIN_SOURCES}/**/*.spec.ts`,
      { externalDependencies: ['dockerfile-ast', 'tsx', 'zod'] },
    ],
    outputs: [],
    options: {
      command:
        `npx tsx ${LINT_CLI} --image ${image.name} ` +
        `--local-registry ${localRegistry}`,
    },
    metadata: {
      description:
        `Check the ${image.name} image's Dockerfiles against the ` +
        'Dockerfile policy (file:line, rule and fix for each finding)',
      technologies: ['docker'],
    },
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
  const secrets = secretFiles(image);
  const withSecrets = (options: ContainerTargetOptions) => ({
    ...options,
    ...secrets,
  });
  return {
    executor: CONTAINER_EXECUTOR,
    cache: false,
    inputs: containerInputs(plan),
    outputs: [],
    dependsOn: plan.dependsOn.map((dependency) => ({ ...dependency })),
    options: withSecrets(hostOptions(plan, image.buildArgs)),
    configurations: {
      ci: withSecrets(multiPlatformOptions(plan)),
      ...Object.fromEntries(
        image.platforms.map((platform) => [
          `ci-${platformSlug(platform)}`,
          withSecrets(singlePlatformOptions(plan, platform)),
        ]),
      ),
      airgap: {
        ...withSecrets(hostOptions(plan, airgapArgs)),
        ...airgapNetwork(image),
      },
      'airgap-multiarch': withSecrets(
        localRegistryOptions(plan, airgapArgs, localRegistry),
      ),
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

// dockerd runs here without a bridge, so a RUN step of its BuildKit must
// be given a network: none (the default), or the host's for builds whose
// RUN steps download (dev, precommit). airgap-multiarch needs no option:
// engine.sh starts buildkitd with --oci-worker-net=host.
function airgapNetwork(image: ImageDefinition): ContainerTargetOptions {
  return { network: image.airgapNetwork ?? 'none' };
}

// A secret reaches the build as a file: nx-container copies the file named
// by $<id>_FILE into its temporary folder, passes `--secret id=<id>,src=`
// that copy, and deletes it after the build. The value never enters the
// project graph, a build argument or the image. When $<id>_FILE is unset or
// names no file, nx-container warns and builds without the secret, so the
// Dockerfile sees no /run/secrets/<id>.
function secretFiles(image: ImageDefinition): ContainerTargetOptions {
  const ids = image.secrets ?? [];
  if (ids.length === 0) return {};
  return { 'secret-files': ids.map((id) => `${id}=\${${id}_FILE}`) };
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
