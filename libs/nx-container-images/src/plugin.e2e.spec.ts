import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePluginWorkspace } from './fixtures/image-workspace';
import {
  extprocWorkspace,
  removeWorkspace,
  writeFiles,
} from './fixtures/workspace';

// The check runs the real Nx CLI of this repository against a throw-away
// workspace that registers the plugin the way nx.json does.

function runNx(root: string, args: string[]) {
  return spawnSync(
    process.execPath,
    [join(root, 'node_modules/nx/dist/bin/nx.js'), ...args],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    },
  );
}

function fixtureWorkspace(): string {
  return writePluginWorkspace(extprocWorkspace());
}

describe('the plugin in a real Nx workspace', () => {
  let root: string;

  beforeAll(() => {
    root = fixtureWorkspace();
  });

  afterAll(() => removeWorkspace(root));

  it('shows extproc with its inputs and dependsOn', () => {
    const shown = runNx(root, ['show', 'project', 'extproc', '--json']);
    expect(shown.stderr).toBe('');
    const project = JSON.parse(shown.stdout);
    const container = project.targets.container;
    expect(container.dependsOn).toEqual([
      {
        projects: ['candle-binding', 'ml-binding', 'semantic-router'],
        target: 'build-linux-amd64',
      },
      {
        projects: ['candle-binding', 'ml-binding', 'semantic-router'],
        target: 'build-linux-arm64',
      },
    ]);
    expect(container.inputs).toEqual(
      expect.arrayContaining([
        '{workspaceRoot}/apps/semantic-router/config/**/*',
        '{workspaceRoot}/tools/docker/Dockerfile.extproc',
        '{workspaceRoot}/tools/docker/entrypoint.sh',
        '{workspaceRoot}/tools/docker/images.json',
        {
          dependentTasksOutputFiles:
            'dist/apps/semantic-router/linux-arm64/semantic-router',
        },
      ]),
    );
    expect(container.cache).toBe(false);
  });

  it('writes static edges from extproc to what it copies into the graph', () => {
    const file = join(root, 'graph.json');
    const graph = runNx(root, ['graph', `--file=${file}`]);
    expect(graph.status).toBe(0);
    const { dependencies } = JSON.parse(readFileSync(file, 'utf8')).graph;
    expect(dependencies.extproc).toEqual(
      expect.arrayContaining(
        ['semantic-router', 'candle-binding', 'ml-binding'].map((target) => ({
          source: 'extproc',
          target,
          type: 'static',
        })),
      ),
    );
  });

  // A fresh workspace: Nx 23.2.1 keeps cached edges of a Dockerfile whose
  // image project has vanished and then fails with "Cannot read properties
  // of undefined (reading 'push')" before it prints the plugin's error.
  it('fails graph creation with the file, field and fix of a bad entry', () => {
    const root = fixtureWorkspace();
    writeFiles(root, {
      'tools/docker/images.json': {
        images: {
          extproc: {
            dockerfile: 'Dockerfile.extproc',
            platforms: ['linux/arm'],
            budgetMinutes: 60,
            registryName: 'ghcr.io/semrouter/extproc',
          },
        },
      },
    });
    const shown = runNx(root, ['show', 'project', 'extproc', '--json']);
    expect(shown.status).not.toBe(0);
    expect(shown.stderr + shown.stdout).toContain(
      'reading tools/docker/images.json: images.extproc.platforms[0]: "linux/arm" is not a supported platform (use linux/amd64 or linux/arm64)',
    );
    removeWorkspace(root);
  });
});
