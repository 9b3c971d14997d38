import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mustRun, runCommand, workspaceRoot } from './commands.js';
import { freePort } from './process.js';

const registry = '127.0.0.1:5000';
const multiarchRef = `${registry}/extproc:local`;
const binfmtEntry = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
const hostRouter = join(
  workspaceRoot,
  'dist/apps/semantic-router/host/semantic-router',
);
const hostLibraries = ['candle-binding', 'ml-binding']
  .map((crate) => join(workspaceRoot, 'dist/libs', crate, 'host'))
  .join(':');

interface RunningImage {
  name: string;
  base: string;
  grpc: string;
}

async function runImage(
  image: string,
  platform?: string,
): Promise<RunningImage> {
  const http = await freePort();
  const grpc = await freePort();
  const name = `e2e-extproc-${http}`;
  const platformArgs = platform ? ['--platform', platform] : [];
  mustRun('docker', [
    'run',
    '-d',
    '--name',
    name,
    '--network=host',
    ...platformArgs,
    image,
    '--config=/app/config/config.yaml',
    `--http-addr=127.0.0.1:${http}`,
    `--grpc-addr=127.0.0.1:${grpc}`,
  ]);
  const running = {
    name,
    base: `http://127.0.0.1:${http}`,
    grpc: `127.0.0.1:${grpc}`,
  };
  await waitForHealth(running);
  return running;
}

async function waitForHealth(image: RunningImage): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${image.base}/health`)).ok) return;
    } catch {
      // The container is still starting; poll again.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const logs = runCommand('docker', ['logs', '--tail', '30', image.name]);
  throw new Error(
    `${image.name} never answered /health:\n${logs.stdout}${logs.stderr}`,
  );
}

function removeContainer(image?: RunningImage): void {
  if (image) runCommand('docker', ['rm', '-f', image.name]);
}

async function classify(image: RunningImage, text: string) {
  const response = await fetch(`${image.base}/api/v1/classify`, {
    method: 'POST',
    body: JSON.stringify({ text }),
  });
  return (await response.json()) as { category?: string; model?: string };
}

function inspectImage(ref: string) {
  const [inspected] = JSON.parse(mustRun('docker', ['image', 'inspect', ref]));
  return inspected as {
    Architecture: string;
    Config: {
      User: string;
      ExposedPorts: Record<string, object>;
      Healthcheck?: { Test: string[] };
    };
  };
}

beforeAll(() => {
  mustRun('tools/docker/airgap/build-bases.sh', []);
});

describe('extproc image for the host platform (airgap configuration)', () => {
  let image: RunningImage | undefined;

  beforeAll(async () => {
    mustRun('npx', [
      'nx',
      'run',
      'extproc:container:airgap',
      '--outputStyle=stream',
    ]);
    image = await runImage('extproc:local');
  });
  afterAll(() => removeContainer(image));

  it('is loaded into the engine as a non-root image with both ports and a health check', () => {
    const inspected = inspectImage('extproc:local');

    expect(inspected.Architecture).toBe('amd64');
    expect(inspected.Config.User).toBe('65532:65532');
    expect(Object.keys(inspected.Config.ExposedPorts).sort()).toEqual([
      '50051/tcp',
      '8080/tcp',
    ]);
    expect(inspected.Config.Healthcheck?.Test).toContain('healthcheck');
  });

  it('classifies a math question over HTTP', async () => {
    const answer = await classify(
      image!,
      'What is the derivative of x squared?',
    );

    expect(answer.category).toBe('math');
    expect(answer.model).toBeTruthy();
  });

  it('rewrites the model of a chat completion over Envoy ext_proc gRPC', () => {
    const body = JSON.stringify({
      model: 'auto',
      messages: [
        { role: 'user', content: 'How do I reverse a linked list in Python?' },
      ],
    });
    const printed = mustRun(
      hostRouter,
      ['extproc-request', `--grpc-addr=${image!.grpc}`, '--body', body],
      { LD_LIBRARY_PATH: hostLibraries },
    );
    const answer = JSON.parse(printed);

    expect(answer.status).toBe(200);
    expect(answer.set_headers['x-semantic-category']).toBe('code');
    expect(answer.body.model).toBe(answer.set_headers['x-selected-model']);
    expect(answer.removed_headers).toContain('content-length');
  });
});

describe('extproc image for linux/amd64 and linux/arm64 (airgap-multiarch)', () => {
  const multiarch = { INPUT_BUILDER: 'semrouter-multiarch' };

  beforeAll(() => {
    mustRun(
      'npx',
      [
        'nx',
        'run',
        'extproc:container:airgap-multiarch',
        '--outputStyle=stream',
      ],
      multiarch,
    );
  });

  it('pushes one index holding both platforms to the local registry', () => {
    const index = JSON.parse(
      mustRun('docker', [
        'buildx',
        'imagetools',
        'inspect',
        '--raw',
        multiarchRef,
      ]),
    ) as {
      manifests: Array<{ platform?: { architecture: string; os: string } }>;
    };
    const platforms = index.manifests
      .map((manifest) => manifest.platform)
      .filter((platform) => platform && platform.os === 'linux')
      .map((platform) => `linux/${platform!.architecture}`)
      .sort();

    expect(platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('runs the arm64 image under QEMU and classifies a question', async () => {
    expect(
      existsSync(binfmtEntry),
      'binfmt_misc has no qemu-aarch64 entry; run tools/scripts/setup.sh',
    ).toBe(true);
    mustRun('docker', ['pull', '--platform', 'linux/arm64', multiarchRef]);
    expect(inspectImage(multiarchRef).Architecture).toBe('arm64');
    let image: RunningImage | undefined;
    try {
      image = await runImage(multiarchRef, 'linux/arm64');
      const answer = await classify(
        image,
        'Who was the first emperor of Rome?',
      );

      expect(answer.category).toBe('history');
    } finally {
      removeContainer(image);
    }
  });

  it('builds the arm64 image with binfmt_misc disabled, so nothing ran under emulation', () => {
    const enabled = readFileSync(binfmtEntry, 'utf8').startsWith('enabled');
    writeFileSync(binfmtEntry, '0');
    try {
      // With the interpreter off, an arm64 program cannot start at all.
      const blocked = runCommand('docker', [
        'run',
        '--rm',
        '--network=none',
        '--platform',
        'linux/arm64',
        '--entrypoint',
        '/app/bin/semantic-router',
        multiarchRef,
        '--help',
      ]);
      expect(blocked.status).not.toBe(0);

      mustRun(
        'npx',
        [
          'nx',
          'run',
          'extproc:container:airgap-multiarch',
          '--outputStyle=stream',
        ],
        {
          ...multiarch,
          INPUT_PLATFORMS: 'linux/arm64',
          INPUT_TAGS: `${registry}/extproc:arm64-without-binfmt`,
          INPUT_NO_CACHE: 'true',
        },
      );
    } finally {
      if (enabled) writeFileSync(binfmtEntry, '1');
    }
    const manifest = mustRun('docker', [
      'buildx',
      'imagetools',
      'inspect',
      `${registry}/extproc:arm64-without-binfmt`,
    ]);
    expect(manifest).toMatch(/Platform:\s+linux\/arm64/);
  });
});
