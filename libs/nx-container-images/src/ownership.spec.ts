import { afterEach, describe, expect, it } from 'vitest';
import { removeWorkspace, writeWorkspace } from './fixtures/workspace';
import {
  createOwnershipIndex,
  findOutputOwners,
  findProjectOwner,
  findProjectsInside,
  readProjectJsonFiles,
} from './ownership';

const index = createOwnershipIndex({
  router: {
    root: 'apps/router',
    targets: {
      'build-linux-amd64': {
        outputs: ['{workspaceRoot}/dist/{projectRoot}/linux-amd64'],
      },
      lint: { outputs: ['{options.outputFile}'] },
    },
  },
  'router-plugin': { root: 'apps/router/plugin' },
  crate: {
    root: 'libs/crate',
    targets: {
      'build-linux-arm64': {
        outputs: ['{workspaceRoot}/dist/libs/crate/linux-arm64/*.so'],
      },
    },
  },
});

describe('findProjectOwner', () => {
  it.each([
    ['apps/router/config/a.yaml', 'router'],
    ['apps/router/plugin/main.go', 'router-plugin'],
    ['apps/routers/x', undefined],
    ['tools/docker/entrypoint.sh', undefined],
  ])('finds the nearest project root of %s', (path, owner) => {
    expect(findProjectOwner(index, path)).toBe(owner);
  });

  it('finds projects nested inside a copied directory', () => {
    expect(findProjectsInside(index, 'apps')).toEqual([
      'router-plugin',
      'router',
    ]);
  });
});

describe('findOutputOwners', () => {
  it.each([
    ['dist/apps/router/linux-amd64/router', 'router:build-linux-amd64'],
    ['dist/apps/router/linux-amd64', 'router:build-linux-amd64'],
    ['dist/apps', 'router:build-linux-amd64'],
    ['dist/apps/*/linux-amd64', 'router:build-linux-amd64'],
    ['dist/libs/crate/linux-arm64/libcrate.so', 'crate:build-linux-arm64'],
    ['dist/libs/crate/linux-arm64', 'crate:build-linux-arm64'],
    ['dist/libs/crate/linux-arm64/notes.txt', ''],
    ['dist/apps/router/linux-arm64/router', ''],
  ])('maps %s to %s', (path, expected) => {
    const owners = findOutputOwners(index, path).map(
      ({ project, target }) => `${project}:${target}`,
    );
    expect(owners.join(',')).toBe(expected);
  });

  it('leaves out outputs that name executor options', () => {
    expect(index.outputs.map(({ target }) => target)).not.toContain('lint');
  });
});

describe('readProjectJsonFiles', () => {
  let root: string | undefined;
  afterEach(() => root && removeWorkspace(root));

  it('reads names, roots and targets, skipping git-ignored folders', async () => {
    root = writeWorkspace({
      '.gitignore': 'ignored/\n',
      'apps/a/project.json': { name: 'a', targets: { build: {} } },
      'libs/b/project.json': {},
      'ignored/c/project.json': { name: 'c' },
    });
    expect(await readProjectJsonFiles(root)).toEqual({
      a: { root: 'apps/a', targets: { build: {} } },
      b: { root: 'libs/b', targets: {} },
    });
  });
});
