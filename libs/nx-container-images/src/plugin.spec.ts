import type {
  CreateDependenciesContext,
  ProjectConfiguration,
  TargetConfiguration,
} from '@nx/devkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  extprocWorkspace,
  platformProject,
  removeWorkspace,
  writeWorkspace,
  type FixtureFiles,
} from './fixtures/workspace';
import { createDependencies, createNodes } from './plugin';

let root: string | undefined;

afterEach(() => {
  if (root) {
    removeWorkspace(root);
    root = undefined;
  }
});

async function inferProjects(files: FixtureFiles) {
  root = writeWorkspace(files);
  const context = { workspaceRoot: root, nxJsonConfiguration: {} };
  const results = await createNodes[1]([createNodes[0]], {}, context);
  return results[0][1].projects ?? {};
}

async function containerOf(files: FixtureFiles): Promise<TargetConfiguration> {
  const projects = await inferProjects(files);
  return projects['tools/docker/extproc'].targets!.container;
}

// withDockerfile replaces the extproc Dockerfile and drops the airgap build
// argument, which the replacement does not declare.
function withDockerfile(dockerfile: string): FixtureFiles {
  const files = extprocWorkspace();
  const images = files['tools/docker/images.json'] as {
    images: { extproc: Record<string, unknown> };
  };
  images.images.extproc.airgapBuildArgs = {};
  files['tools/docker/Dockerfile.extproc'] = dockerfile;
  return files;
}

// inferError returns the message Nx shows: createNodesFromFiles wraps each
// file's error in an AggregateCreateNodesError.
async function inferError(files: FixtureFiles): Promise<string> {
  try {
    await inferProjects(files);
  } catch (error) {
    const { errors } = error as { errors: Array<[string, Error]> };
    return errors.map(([, inner]) => inner.message).join('\n');
  }
  throw new Error('expected inference to fail');
}

async function inferEdges(files: FixtureFiles) {
  const inferred = await inferProjects(files);
  const projects: Record<string, ProjectConfiguration> = {};
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith('/project.json')) {
      const project = content as ProjectConfiguration & { name: string };
      projects[project.name] = project;
    }
  }
  for (const [projectRoot, project] of Object.entries(inferred)) {
    projects[project.name!] = { ...project, root: projectRoot };
  }
  const nonProjectFiles = Object.keys(files)
    .filter((file) => file.startsWith('tools/'))
    .map((file) => ({ file, hash: '0' }));
  const context = {
    workspaceRoot: root!,
    projects,
    nxJsonConfiguration: {},
    externalNodes: {},
    fileMap: { nonProjectFiles, projectFileMap: {} },
    filesToProcess: { nonProjectFiles: [], projectFileMap: {} },
  } as CreateDependenciesContext;
  return createDependencies({}, context);
}

describe('project inference', () => {
  it('infers one application project per image at a virtual root', async () => {
    const projects = await inferProjects(extprocWorkspace());
    expect(Object.keys(projects)).toEqual(['tools/docker/extproc']);
    expect(projects['tools/docker/extproc']).toMatchObject({
      name: 'extproc',
      projectType: 'application',
      tags: ['type:image'],
    });
  });

  it('infers a lint-dockerfile target beside the container target', async () => {
    const projects = await inferProjects(extprocWorkspace());
    const { targets } = projects['tools/docker/extproc'];
    expect(Object.keys(targets ?? {})).toEqual([
      'container',
      'lint-dockerfile',
    ]);
    expect(targets?.['lint-dockerfile']).toMatchObject({
      executor: 'nx:run-commands',
      options: {
        command: expect.stringContaining('lint-dockerfile.ts --image extproc'),
      },
    });
  });

  it('rejects an image named like an existing project', async () => {
    const files = extprocWorkspace();
    files['libs/extproc/project.json'] = platformProject(
      'extproc',
      'libs/extproc',
    );
    expect(await inferError(files)).toContain(
      'images.extproc: the name is already taken by the project at libs/extproc (rename the image)',
    );
  });
});

describe('artifacts under dist', () => {
  it("depends on each library's build for every platform of the image", async () => {
    const target = await containerOf(extprocWorkspace());
    expect(target.dependsOn).toEqual([
      {
        projects: ['candle-binding', 'ml-binding', 'semantic-router'],
        target: 'build-linux-amd64',
      },
      {
        projects: ['candle-binding', 'ml-binding', 'semantic-router'],
        target: 'build-linux-arm64',
      },
    ]);
  });

  it('depends only on the platforms the image is built for', async () => {
    const files = extprocWorkspace();
    const images = files['tools/docker/images.json'] as {
      images: { extproc: { platforms: string[] } };
    };
    images.images.extproc.platforms = ['linux/arm64'];
    const target = await containerOf(files);
    expect(target.dependsOn).toEqual([
      {
        projects: ['candle-binding', 'ml-binding', 'semantic-router'],
        target: 'build-linux-arm64',
      },
    ]);
  });

  it('names the copied artifacts as dependent task output files', async () => {
    const target = await containerOf(extprocWorkspace());
    expect(target.inputs).toContainEqual({
      dependentTasksOutputFiles:
        'dist/libs/candle-binding/linux-arm64/libcandle_binding.so',
    });
  });

  it('covers a whole output directory with a glob', async () => {
    const target = await containerOf(
      withDockerfile(
        'FROM scratch\nARG TARGETARCH\nCOPY dist/libs/ml-binding/linux-${TARGETARCH}/ /lib/\n',
      ),
    );
    expect(target.inputs).toContainEqual({
      dependentTasksOutputFiles: 'dist/libs/ml-binding/linux-amd64/**/*',
    });
  });
});

describe('sources in the workspace', () => {
  it('adds an edge from extproc to candle-binding when the Dockerfile copies its library', async () => {
    const edges = await inferEdges(extprocWorkspace());
    expect(edges).toContainEqual({
      source: 'extproc',
      target: 'candle-binding',
      sourceFile: 'tools/docker/Dockerfile.extproc',
      type: 'static',
    });
    expect(edges.map(({ target }) => target).sort()).toEqual([
      'candle-binding',
      'ml-binding',
      'semantic-router',
    ]);
  });

  it('adds project sources as inputs without a dependsOn', async () => {
    const target = await containerOf(
      withDockerfile('FROM scratch\nCOPY apps/semantic-router/config/ /c/\n'),
    );
    expect(target.inputs).toContain(
      '{workspaceRoot}/apps/semantic-router/config/**/*',
    );
    expect(target.dependsOn).toEqual([]);
  });

  it('adds files owned by no project as direct inputs, with the Dockerfile and images.json', async () => {
    const target = await containerOf(extprocWorkspace());
    expect(target.inputs).toEqual(
      expect.arrayContaining([
        '{workspaceRoot}/tools/docker/entrypoint.sh',
        '{workspaceRoot}/tools/docker/Dockerfile.extproc',
        '{workspaceRoot}/tools/docker/images.json',
      ]),
    );
  });

  it('matches glob sources against the workspace files', async () => {
    const files = withDockerfile(
      'FROM scratch\nCOPY apps/*/config/*.yaml tools/docker/*.sh /x/\n',
    );
    const target = await containerOf(files);
    expect(target.inputs).toEqual(
      expect.arrayContaining([
        '{workspaceRoot}/apps/*/config/*.yaml',
        '{workspaceRoot}/tools/docker/*.sh',
      ]),
    );
    const edges = await inferEdges(files);
    expect(edges.map(({ target }) => target)).toEqual(['semantic-router']);
  });

  it('draws edges from the cross Dockerfile with that file as the source', async () => {
    const files = withDockerfile('FROM scratch\n');
    const images = files['tools/docker/images.json'] as {
      images: { extproc: Record<string, unknown> };
    };
    images.images.extproc.crossDockerfile = 'Dockerfile.extproc.cross';
    files['tools/docker/Dockerfile.extproc.cross'] =
      'FROM scratch\nCOPY libs/ml-binding/src /src\n';
    const edges = await inferEdges(files);
    expect(edges).toEqual([
      {
        source: 'extproc',
        target: 'ml-binding',
        sourceFile: 'tools/docker/Dockerfile.extproc.cross',
        type: 'static',
      },
    ]);
  });
});

describe('errors', () => {
  it('reports a COPY of a missing path with file:line', async () => {
    const files = withDockerfile(
      'FROM scratch\n\nCOPY apps/semantic-router/confg/ /c/\n',
    );
    expect(await inferError(files)).toContain(
      'tools/docker/Dockerfile.extproc:3: COPY source "apps/semantic-router/confg" (apps/semantic-router/confg in the workspace) does not exist',
    );
  });

  it('explains an artifact path broken by an undeclared TARGETARCH', async () => {
    const files = withDockerfile(
      'FROM scratch\nCOPY dist/libs/candle-binding/linux-${TARGETARCH}/x.so /\n',
    );
    expect(await inferError(files)).toContain(
      '$TARGETARCH had no value in stage "0" when building for linux/amd64 (declare ARG TARGETARCH in that stage or give it a default)',
    );
  });

  it('reports every bad Dockerfile in one error', async () => {
    const files = withDockerfile('FROM scratch\nCOPY missing-one /\n');
    const images = files['tools/docker/images.json'] as {
      images: Record<string, object>;
    };
    images.images.router = {
      dockerfile: 'Dockerfile.router',
      platforms: ['linux/amd64'],
      budgetMinutes: 30,
      registryName: 'ghcr.io/semrouter/router',
    };
    files['tools/docker/Dockerfile.router'] =
      'FROM scratch\nCOPY ok-not /\nCOPY ../outside /\n';
    const message = await inferError(files);
    expect(message).toContain('3 problems');
    expect(message).toContain('tools/docker/Dockerfile.extproc:2:');
    expect(message).toContain('tools/docker/Dockerfile.router:2:');
    expect(message).toContain(
      'tools/docker/Dockerfile.router:3: COPY source "../outside" is outside the build context "."',
    );
  });

  it('rejects a build argument that no Dockerfile declares', async () => {
    const files = extprocWorkspace();
    const images = files['tools/docker/images.json'] as {
      images: { extproc: Record<string, unknown> };
    };
    images.images.extproc.buildArgs = { CARGO_BUILD_JOBS: '4' };
    expect(await inferError(files)).toContain(
      'images.extproc.buildArgs.CARGO_BUILD_JOBS: tools/docker/Dockerfile.extproc declares no ARG CARGO_BUILD_JOBS, so the value is ignored',
    );
  });

  it('fails graph creation on an invalid images.json', async () => {
    const files = extprocWorkspace();
    files['tools/docker/images.json'] = { images: { extproc: {} } };
    expect(await inferError(files)).toContain(
      'reading tools/docker/images.json: images.extproc.dockerfile: is required (add it)',
    );
  });
});
