import { describe, expect, it } from 'vitest';
import type { ImagePlan } from './image-plan';
import type { ImageDefinition } from './images';
import { containerTarget, imageProject, lintDockerfileTarget } from './targets';

const image: ImageDefinition = {
  name: 'extproc',
  dockerfile: 'tools/docker/Dockerfile.extproc',
  crossDockerfile: 'tools/docker/Dockerfile.extproc.cross',
  context: '.',
  platforms: ['linux/amd64', 'linux/arm64'],
  buildArgs: { RUST_VERSION: '1.96' },
  airgapBuildArgs: { RUNTIME_IMAGE: 'localhost:5000/airgap/debian:bookworm' },
  budgetMinutes: 60,
  registryName: 'ghcr.io/semrouter/extproc',
};

const plan: ImagePlan = {
  image,
  dockerfiles: [image.dockerfile, image.crossDockerfile!],
  fileInputs: ['tools/docker/images.json', 'apps/router/config/**/*'],
  outputFiles: ['dist/apps/router/linux-amd64/router'],
  dependsOn: [{ projects: ['router'], target: 'build-linux-amd64' }],
  edges: [],
  problems: [],
  declaredArgs: {
    'tools/docker/Dockerfile.extproc': ['RUNTIME_IMAGE', 'RUST_VERSION'],
    'tools/docker/Dockerfile.extproc.cross': ['RUST_VERSION'],
  },
};

describe('containerTarget', () => {
  const target = containerTarget(plan, '127.0.0.1:5000');

  it('runs nx-container without Nx caching and with no outputs', () => {
    expect(target).toMatchObject({
      executor: '@nx-tools/nx-container:build',
      cache: false,
      outputs: [],
      dependsOn: [{ projects: ['router'], target: 'build-linux-amd64' }],
    });
    expect(target.metadata?.description).toMatch(/^Build the extproc image/);
  });

  it('names workspace files and dependency outputs as inputs', () => {
    expect(target.inputs).toEqual([
      '{workspaceRoot}/tools/docker/images.json',
      '{workspaceRoot}/apps/router/config/**/*',
      { dependentTasksOutputFiles: 'dist/apps/router/linux-amd64/router' },
    ]);
  });

  it('builds the host platform into the local engine by default', () => {
    expect(target.options).toEqual({
      engine: 'docker',
      file: 'tools/docker/Dockerfile.extproc',
      context: '.',
      load: true,
      push: false,
      'build-args': ['RUST_VERSION=1.96'],
      tags: ['extproc:local'],
    });
  });

  it('pushes every platform with one gha cache scope per architecture in ci', () => {
    expect(target.configurations?.ci).toMatchObject({
      file: 'tools/docker/Dockerfile.extproc.cross',
      platforms: ['linux/amd64', 'linux/arm64'],
      load: false,
      push: true,
      'cache-from': [
        'type=gha,scope=extproc-amd64',
        'type=gha,scope=extproc-arm64',
      ],
      'cache-to': ['type=gha,scope=extproc-amd64,mode=max'],
      metadata: { images: ['ghcr.io/semrouter/extproc'] },
    });
  });

  it.each(['amd64', 'arm64'])(
    'pushes linux/%s by digest with its own cache scope',
    (arch) => {
      const options = target.configurations?.[`ci-linux-${arch}`];
      expect(options).toMatchObject({
        platforms: [`linux/${arch}`],
        push: false,
        'cache-from': [`type=gha,scope=extproc-${arch}`],
        'cache-to': [`type=gha,scope=extproc-${arch},mode=max`],
        outputs: [expect.stringContaining('push-by-digest=true')],
      });
      expect(options).not.toHaveProperty('metadata');
    },
  );

  it('selects local base images through build args in airgap', () => {
    expect(target.configurations?.airgap).toMatchObject({
      file: 'tools/docker/Dockerfile.extproc',
      load: true,
      push: false,
      'build-args': [
        'RUNTIME_IMAGE=localhost:5000/airgap/debian:bookworm',
        'RUST_VERSION=1.96',
      ],
    });
    expect(target.configurations?.airgap).toMatchObject({ network: 'none' });
  });

  it('gives RUN steps the host network in airgap when the image downloads', () => {
    const downloading = containerTarget(
      { ...plan, image: { ...image, airgapNetwork: 'host' } },
      '127.0.0.1:5000',
    );

    expect(downloading.configurations?.airgap).toMatchObject({
      network: 'host',
    });
    expect(downloading.options).not.toHaveProperty('network');
    expect(downloading.configurations?.ci).not.toHaveProperty('network');
  });
});

describe('imageProject', () => {
  it('tags the project as an image application under its virtual root', () => {
    const project = imageProject(
      plan,
      'tools/docker/extproc',
      'image',
      '127.0.0.1:5000',
    );
    expect(project).toMatchObject({
      root: 'tools/docker/extproc',
      name: 'extproc',
      projectType: 'application',
      tags: ['type:image'],
      metadata: { image: { budgetMinutes: 60 } },
    });
    expect(Object.keys(project.targets ?? {})).toEqual([
      'image',
      'lint-dockerfile',
    ]);
  });
});

describe('lintDockerfileTarget', () => {
  const target = lintDockerfileTarget(plan, '127.0.0.1:5000');

  it('runs the policy linter for the one image as a cached command', () => {
    expect(target).toMatchObject({
      executor: 'nx:run-commands',
      cache: true,
      outputs: [],
      options: {
        command:
          'npx tsx libs/nx-container-images/src/cli/lint-dockerfile.ts ' +
          '--image extproc --local-registry 127.0.0.1:5000',
      },
    });
    expect(target.metadata?.description).toMatch(
      /^Check the extproc image's Dockerfiles against the Dockerfile policy/,
    );
  });

  it('depends on the Dockerfiles, images.json and the linter, not on artifacts', () => {
    expect(target.inputs).toEqual([
      '{workspaceRoot}/tools/docker/Dockerfile.extproc',
      '{workspaceRoot}/tools/docker/Dockerfile.extproc.cross',
      '{workspaceRoot}/tools/docker/images.json',
      '{workspaceRoot}/libs/nx-container-images/src/**/*.ts',
      '!{workspaceRoot}/libs/nx-container-images/src/**/*.spec.ts',
      { externalDependencies: ['dockerfile-ast', 'tsx', 'zod'] },
    ]);
    expect(target).not.toHaveProperty('dependsOn');
  });

  it("passes the plugin's local registry, which decides the air-gapped exception", () => {
    const other = lintDockerfileTarget(plan, 'registry.lan:5000');
    expect(other.options.command).toMatch(
      / --local-registry registry\.lan:5000$/,
    );
  });
});

describe('airgap configurations', () => {
  const target = containerTarget(plan, '127.0.0.1:5000');

  it('pushes every platform to the local registry from the cross Dockerfile', () => {
    expect(target.configurations?.['airgap-multiarch']).toMatchObject({
      file: 'tools/docker/Dockerfile.extproc.cross',
      platforms: ['linux/amd64', 'linux/arm64'],
      push: true,
      load: false,
      tags: ['127.0.0.1:5000/extproc:local'],
    });
  });

  it.each([
    [
      'airgap',
      [
        'RUNTIME_IMAGE=localhost:5000/airgap/debian:bookworm',
        'RUST_VERSION=1.96',
      ],
    ],
    ['airgap-multiarch', ['RUST_VERSION=1.96']],
  ])(
    'passes %s only the build arguments its Dockerfile declares',
    (name, args) => {
      expect(target.configurations?.[name]?.['build-args']).toEqual(args);
    },
  );
});
