import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from './throwaway-workspace';

const WORKFLOWS = join(WORKSPACE_ROOT, '.github/workflows');
const PUBLISH = join(WORKFLOWS, 'docker-publish.yml');

describe('the GitHub workflows', () => {
  const files = readdirSync(WORKFLOWS)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => join(WORKFLOWS, file));

  it.each(files)('actionlint passes on %s', (file) => {
    const result = execFileSync('actionlint', ['-no-color', file], {
      cwd: WORKSPACE_ROOT,
      encoding: 'utf8',
    });
    expect(result).toBe('');
  });

  it('pins every third-party action by commit SHA with a version comment', () => {
    for (const file of files) {
      const uses = readFileSync(file, 'utf8').match(/uses: .+/g) ?? [];
      for (const line of uses) {
        if (line.startsWith('uses: ./')) continue;
        expect(line, file).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
  });
});

describe('docker-publish.yml', () => {
  const workflow = readFileSync(PUBLISH, 'utf8');
  const job = (name: string) => {
    const start = workflow.indexOf(`\n  ${name}:\n`);
    const rest = workflow.slice(start + 1);
    const next = rest.slice(1).search(/\n {2}[a-z-]+:\n/);
    return next < 0 ? rest : rest.slice(0, next + 1);
  };

  it('reads the repository only, unless a job pushes', () => {
    expect(workflow).toMatch(/^permissions:\n {2}contents: read\n/m);
    expect(job('pull-request')).not.toMatch(/packages: write|login-action/);
    expect(job('publish')).toMatch(/packages: write/);
    expect(job('publish')).toMatch(/docker\/login-action@/);
  });

  it('cancels older runs of a ref and bounds every job', () => {
    expect(workflow).toMatch(/cancel-in-progress: true/);
    for (const name of ['plan', 'pull-request', 'publish']) {
      expect(job(name), name).toMatch(/timeout-minutes: \d+/);
    }
    expect(job('pull-request')).toMatch(/timeout-minutes: 60\b/);
    expect(job('publish')).toMatch(/timeout-minutes: 90\b/);
    expect(job('pull-request')).toMatch(/CARGO_BUILD_JOBS: 8\b/);
    expect(job('publish')).toMatch(/CARGO_BUILD_JOBS: 20\b/);
  });

  it('runs only scripts that exist and that the tests run too', () => {
    const scripts = workflow.match(/tools\/ci\/[a-z-]+\.sh/g) ?? [];
    expect(new Set(scripts)).toEqual(
      new Set([
        'tools/ci/affected-images.sh',
        'tools/ci/setup-runner.sh',
        'tools/ci/build-image.sh',
      ]),
    );
    for (const script of scripts) {
      expect(existsSync(join(WORKSPACE_ROOT, script)), script).toBe(true);
    }
  });

  it('sets up the gha cache for run: steps with a non-docker driver', () => {
    for (const name of ['pull-request', 'publish']) {
      expect(job(name)).toMatch(/crazy-max\/ghaction-github-runtime@/);
      expect(job(name)).toMatch(/docker\/setup-buildx-action@/);
      expect(job(name)).not.toMatch(/driver: docker\b/);
      expect(job(name)).not.toMatch(/setup-qemu-action/);
    }
  });
});
