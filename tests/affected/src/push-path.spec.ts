import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from './throwaway-workspace';

// The workflow's publish step, run against the local engine and registry:
// the same script and CLI, with only what GitHub provides swapped for its
// local counterpart (builder, bases, layer cache, registry).
const REGISTRY = '127.0.0.1:5000';
const BUILDER = 'semrouter-multiarch';
const LABEL = 'org.semrouter.nx.container-hash';

interface Report {
  results: Array<{
    configuration: string;
    action: string;
    hash: string;
    digest: string;
    error?: string;
  }>;
  indexes: Array<{ tags: string[]; error?: string }>;
}

describe('the publish path, dry run on the local registry', () => {
  const work = mkdtempSync(join(tmpdir(), 'push-path-'));
  // A fresh repository per run, so the first run finds no receipt.
  const prefix = `${REGISTRY}/ci-dry-run-${Date.now()}`;
  const repository = `${prefix}/extproc`;

  beforeAll(() => {
    const builder = spawnSync('docker', ['buildx', 'inspect', BUILDER]);
    if (builder.status !== 0) {
      throw new Error(
        `buildx builder ${BUILDER} is not there (run tools/scripts/engine.sh start)`,
      );
    }
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function publish(tag: string): { status: number | null; report: Report } {
    const reportFile = join(work, `${tag}.json`);
    const result = spawnSync(
      'tools/ci/build-image.sh',
      ['publish', 'extproc'],
      {
        cwd: WORKSPACE_ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          NX_DAEMON: 'false',
          NX_NO_CLOUD: 'true',
          NX_TUI: 'false',
          BUILDX_BUILDER: BUILDER,
          REPOSITORY_PREFIX: prefix,
          IMAGE_TAGS: tag,
          REPORT_FILE: reportFile,
          INPUT_BUILD_ARGS: [
            `RUNTIME_IMAGE=${REGISTRY}/semrouter-airgap/cc-runtime:bookworm`,
            `TOOLS_IMAGE=${REGISTRY}/semrouter-airgap/tools:bookworm`,
          ].join('\n'),
          INPUT_CACHE_FROM: `type=local,src=${join(work, 'cache')}`,
          INPUT_CACHE_TO: `type=local,dest=${join(work, 'cache')},mode=max`,
        },
      },
    );
    if (result.status !== 0) {
      console.error(result.stderr.split('\n').slice(-40).join('\n'));
    }
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    return { status: result.status, report };
  }

  function inspect(reference: string, format: string): any {
    const text = execFileSync(
      'docker',
      ['buildx', 'imagetools', 'inspect', reference, '--format', format],
      { encoding: 'utf8' },
    );
    return JSON.parse(text);
  }

  let first: Report;

  it('builds each platform, pushes it by digest and publishes one index', () => {
    const run = publish('run1');
    first = run.report;
    expect(run.status, JSON.stringify(run.report)).toBe(0);
    expect(first.results.map((r) => [r.configuration, r.action])).toEqual([
      ['ci-linux-amd64', 'built'],
      ['ci-linux-arm64', 'built'],
    ]);

    // BuildKit adds a provenance attestation per platform (platform
    // unknown/unknown); the images are the other entries.
    const index = inspect(`${repository}:run1`, '{{json .Manifest}}');
    const entries: Array<{
      digest: string;
      platform: { architecture: string };
    }> = index.manifests;
    const images = entries.filter((m) => m.platform.architecture !== 'unknown');
    expect(images.map((m) => m.platform.architecture).sort()).toEqual([
      'amd64',
      'arm64',
    ]);
    const indexed = new Set(entries.map((m) => m.digest));
    for (const result of first.results) {
      const pushed = inspect(
        `${repository}@${result.digest}`,
        '{{json .Manifest}}',
      );
      const parts: string[] = pushed.manifests?.map(
        (m: { digest: string }) => m.digest,
      ) ?? [result.digest];
      expect(
        parts.every((digest) => indexed.has(digest)),
        result.digest,
      ).toBe(true);
    }
  });

  it('records the container task hash as a label and a receipt tag', () => {
    for (const result of first.results) {
      const image = inspect(
        `${repository}@${result.digest}`,
        '{{json .Image}}',
      );
      expect(image.config.Labels[LABEL]).toBe(result.hash);
      const receipt = inspect(
        `${repository}:nxhash-${result.hash}`,
        '{{json .Manifest}}',
      );
      expect(receipt.digest).toBe(result.digest);
    }
  });

  it('re-tags instead of rebuilding when the receipts match', () => {
    const run = publish('run2');
    expect(run.status, JSON.stringify(run.report)).toBe(0);
    expect(run.report.results.map((r) => r.action)).toEqual([
      'reused',
      'reused',
    ]);
    const before = inspect(`${repository}:run1`, '{{json .Manifest}}');
    const after = inspect(`${repository}:run2`, '{{json .Manifest}}');
    expect(after.manifests.map((m: { digest: string }) => m.digest)).toEqual(
      before.manifests.map((m: { digest: string }) => m.digest),
    );
  });
});
