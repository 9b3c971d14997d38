// Faults of the engine and the registry, each with the real build-affected
// CLI in a throw-away workspace that registers our plugin: no engine on
// PATH, the engine daemon stopped mid-build, a registry that refuses the
// push, and the builder's disk full while it exports. The engines a test
// breaks are its own (private-engine.ts); the shared ones stay up.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAffected,
  imageWorkspace,
  TOOLS_BASE,
} from '../../../libs/nx-container-images/src/fixtures/image-workspace';
import { mustRun, runCommand } from './commands.js';
import {
  pathWithoutDocker,
  startBuildkitd,
  startDockerd,
  startRegistry,
  type Stoppable,
} from './private-engine.js';

interface Report {
  results: Array<{
    image: string;
    action: string;
    digest?: string;
    error?: string;
  }>;
  indexes: Array<{ image: string; tags: string[]; error?: string }>;
}

const dockerfile = (step: string) =>
  [
    'ARG TOOLS_IMAGE',
    'FROM ${TOOLS_IMAGE} AS runtime',
    'ARG TARGETARCH',
    'COPY dist/payload/linux-${TARGETARCH}/payload.txt /payload.txt',
    step,
    'USER 65532:65532',
    'CMD ["cat", "/payload.txt"]',
    '',
  ].join('\n');

let root = '';
const scratch = mkdtempSync(join(tmpdir(), 'e2e-engine-faults-'));
const started: Stoppable[] = [];

beforeAll(() => {
  mustRun('tools/docker/airgap/build-bases.sh', ['--only', 'tools']);
  root = imageWorkspace({
    'engine-good': { dockerfile: dockerfile('RUN test -s /payload.txt') },
    // A distinctive sleep, so the test can find and clean up its process.
    'engine-slow': { dockerfile: dockerfile('RUN sleep 151') },
    // 100 MB that do not compress: the layer must be written twice when
    // exported (snapshot, then compressed blob).
    'engine-big': {
      dockerfile: dockerfile(
        'RUN head -c 100000000 /dev/urandom > /incompressible.bin',
      ),
    },
  });
}, 10 * 60_000);

afterAll(async () => {
  for (const engine of started.reverse()) await engine.stop();
  runCommand('pkill', ['-f', 'sleep 151']);
  rmSync(root, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

function readReport(file: string): Report {
  return JSON.parse(readFileSync(file, 'utf8')) as Report;
}

function actions(report: Report): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.image, r.action]));
}

describe('no container engine installed', () => {
  it('builds nothing, names the missing docker and the fix, and exits 1', async () => {
    const noDocker = pathWithoutDocker();
    const reportFile = join(scratch, 'no-engine.json');
    try {
      const run = await buildAffected(
        root,
        [
          ...[
            '--images',
            'engine-good,engine-slow',
            '--configuration',
            'airgap',
          ],
          ...['--receipts', 'none', '--report', reportFile],
        ],
        { PATH: noDocker.PATH },
      );

      expect(run.code, run.output.slice(-3000)).toBe(1);
      const report = readReport(reportFile);
      expect(actions(report)).toEqual({
        'engine-good': 'failed',
        'engine-slow': 'failed',
      });
      for (const result of report.results) {
        expect(result.error).toMatch(
          /^not built: no container engine: docker is not on PATH \(install Docker Engine/,
        );
      }
      // No build was started: nx-container never ran.
      expect(run.output).not.toMatch(/Building engine-/);
      expect(run.output).not.toMatch(/at [\w/.-]+\.ts:\d+/);
    } finally {
      noDocker.remove();
    }
  });
});

describe('the engine daemon stopped mid-run', () => {
  it('fails the build in flight and the next image, each saying the engine is gone', async () => {
    const dockerd = await startDockerd();
    started.push(dockerd);
    const reportFile = join(scratch, 'engine-stopped.json');
    const run = buildAffected(
      root,
      [
        ...['--images', 'engine-slow,engine-good', '--configuration', 'airgap'],
        ...['--receipts', 'none', '--report', reportFile],
      ],
      dockerd.env,
    );
    // Stop the daemon once the slow step runs.
    const deadline = Date.now() + 90_000;
    while (runCommand('pgrep', ['-f', 'sleep 151']).status !== 0) {
      if (Date.now() > deadline) throw new Error('the slow step never started');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const stoppedAt = Date.now();
    await dockerd.stop();
    const finished = await run;
    const seconds = (Date.now() - stoppedAt) / 1000;

    expect(finished.code, finished.output.slice(-3000)).toBe(1);
    const report = readReport(reportFile);
    expect(actions(report)).toEqual({
      'engine-slow': 'failed',
      'engine-good': 'failed',
    });
    const [slow, good] = report.results;
    // The build in flight: buildx's own reason, then what it means.
    expect(slow.error).toMatch(
      /exited with 1 after \d+m \d+s: .*error reading from server: EOF/,
    );
    expect(slow.error).toMatch(
      /the container engine does not answer \(docker version: Cannot connect to the Docker daemon at unix:\/\/\/tmp\/e2e-dockerd-.*\); start it/,
    );
    // The next image is not attempted against a missing daemon.
    expect(good.error).toMatch(
      /^not built: the container engine does not answer/,
    );
    // Neither waited for the sleeping step: the run ends once the engine is gone.
    expect(seconds).toBeLessThan(60);
  });
});

describe('a registry that refuses the push', () => {
  it('reports the refusal and the registry, records no receipt and joins no index', async () => {
    const registry = await startRegistry({ readOnly: true });
    started.push(registry);
    const builder = await startBuildkitd({
      httpRegistries: ['127.0.0.1:5000', registry.host],
    });
    started.push(builder);
    const reportFile = join(scratch, 'push-refused.json');
    const cache = join(scratch, 'layer-cache');
    // The publish path of CI: one platform pushed by digest, receipts in
    // the registry, then the index under a tag.
    const run = await buildAffected(
      root,
      [
        ...['--images', 'engine-good', '--configuration', 'ci-linux-amd64'],
        ...['--repository-prefix', `${registry.host}/refused`],
        ...['--builder', builder.name, '--index', '--tag', 'refused-1'],
        ...['--report', reportFile],
      ],
      {
        ...builder.env,
        INPUT_BUILD_ARGS: `TOOLS_IMAGE=${TOOLS_BASE}`,
        INPUT_CACHE_FROM: `type=local,src=${cache}`,
        INPUT_CACHE_TO: `type=local,dest=${cache},mode=max`,
      },
    );

    expect(run.code, run.output.slice(-3000)).toBe(1);
    const report = readReport(reportFile);
    expect(actions(report)).toEqual({ 'engine-good': 'failed' });
    expect(report.results[0].error).toMatch(
      // The image push and the layer-cache export race to the registry;
      // either may be refused first.
      new RegExp(
        'step "(exporting to image|exporting cache to client directory)" ' +
          'failed: .*unexpected status from POST request to ' +
          `http://${registry.host}/v2/refused/engine-good/blobs/uploads/: ` +
          '405 Method Not Allowed',
      ),
    );
    expect(report.indexes).toEqual([
      {
        image: 'engine-good',
        tags: [`${registry.host}/refused/engine-good:refused-1`],
        error: 'joining the index of engine-good: no digest for ci-linux-amd64',
      },
    ]);
    // Nothing half pushed: the registry holds no repository at all.
    const catalog = await fetch(`http://${registry.host}/v2/_catalog`);
    expect(await catalog.json()).toEqual({ repositories: [] });
  });
});

describe("the builder's disk full while exporting", () => {
  it('fails that image with the export step and ENOSPC, loads nothing, and still builds the other', async () => {
    // Measured here: the base and the 100 MB layer take about 160 MB, their
    // export 100 MB more; 210 MB leaves room for the first only.
    const builder = await startBuildkitd({ diskMb: 210 });
    started.push(builder);
    runCommand('docker', [
      'rmi',
      '-f',
      'engine-good:local',
      'engine-big:local',
    ]);
    const reportFile = join(scratch, 'disk-full.json');
    const run = await buildAffected(
      root,
      [
        ...['--images', 'engine-good,engine-big', '--configuration', 'airgap'],
        ...['--builder', builder.name, '--receipts', 'none'],
        ...['--report', reportFile],
      ],
      builder.env,
    );

    expect(run.code, run.output.slice(-3000)).toBe(1);
    const report = readReport(reportFile);
    expect(actions(report)).toEqual({
      'engine-good': 'built',
      'engine-big': 'failed',
    });
    expect(report.results[1].error).toMatch(
      /step "exporting to docker image format" failed: .*no space left on device/,
    );
    // The good image is in the engine and runs; the big one is not there
    // at all, not even as a partial load.
    expect(
      mustRun('docker', ['run', '--rm', '--network=none', 'engine-good:local']),
    ).toBe('payload for linux-amd64\n');
    expect(
      runCommand('docker', ['image', 'inspect', 'engine-big:local']).status,
    ).not.toBe(0);
    runCommand('docker', ['rmi', '-f', 'engine-good:local']);
  });
});
