import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createThrowawayWorkspace,
  WORKSPACE_ROOT,
} from './throwaway-workspace';

const CLI = 'libs/nx-container-images/src/cli/graph-mermaid.ts';

function check(root: string) {
  return spawnSync('npx', ['tsx', join(root, CLI), '--check'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
}

describe('the graph picture in tools/docker/README.md', () => {
  it('matches the graph Nx derives now', () => {
    const result = check(WORKSPACE_ROOT);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('is reported stale when an image gains an input it does not show', () => {
    const workspace = createThrowawayWorkspace((root) => {
      const dockerfile = join(root, 'tools/docker/Dockerfile.extproc');
      const text = readFileSync(dockerfile, 'utf8');
      writeFileSync(
        dockerfile,
        text.replace('USER 65532', 'COPY go.mod /app/go.mod\nUSER 65532'),
      );
    });
    try {
      const result = check(workspace.root);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/is stale \(run npx tsx .*--write\)/);
    } finally {
      workspace.remove();
    }
  });
});
