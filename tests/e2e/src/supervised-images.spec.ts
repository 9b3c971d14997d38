// The supervised app images, stack and vllm-sr: each is built with Nx from
// the artifacts Nx built, run with --network=host on free loopback ports,
// and asked what a person would ask of it: the router's health and a
// classification, the dashboard page in a real headless Chromium showing
// the classification the test just sent, Prometheus reporting the router
// target up (stack), a crashed process restarted, and a clean stop on
// SIGTERM. Both are then built for linux/amd64 and linux/arm64 into the
// local registry, and each arm64 image smoke-runs under QEMU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { mustRun, runCommand } from './commands.js';
import { freePort } from './process.js';

const registry = '127.0.0.1:5000';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const buildTimeoutMs = 20 * 60_000;

interface Ports {
  router: number;
  grpc: number;
  dashboard: number;
  prometheus: number;
  envoy: number;
  envoyAdmin: number;
}

interface RunningStack {
  name: string;
  ports: Ports;
  router: string;
  dashboard: string;
}

async function freePorts(): Promise<Ports> {
  return {
    router: await freePort(),
    grpc: await freePort(),
    dashboard: await freePort(),
    prometheus: await freePort(),
    envoy: await freePort(),
    envoyAdmin: await freePort(),
  };
}

async function runSupervised(
  image: string,
  platform?: string,
): Promise<RunningStack> {
  const ports = await freePorts();
  const name = `e2e-supervised-${ports.router}`;
  const env = {
    LISTEN_HOST: '127.0.0.1',
    ROUTER_HTTP_PORT: ports.router,
    ROUTER_GRPC_PORT: ports.grpc,
    DASHBOARD_PORT: ports.dashboard,
    PROMETHEUS_PORT: ports.prometheus,
    PROMETHEUS_SCRAPE_INTERVAL: '1s',
    ENVOY_PORT: ports.envoy,
    ENVOY_ADMIN_PORT: ports.envoyAdmin,
  };
  mustRun('docker', [
    'run',
    '-d',
    '--name',
    name,
    '--network=host',
    ...(platform ? ['--platform', platform] : []),
    ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    image,
  ]);
  const running = {
    name,
    ports,
    router: `http://127.0.0.1:${ports.router}`,
    dashboard: `http://127.0.0.1:${ports.dashboard}`,
  };
  try {
    await waitFor(running, `${running.router}/health`);
    await waitFor(running, `${running.dashboard}/api/health`);
  } catch (error) {
    // The caller never gets the handle its afterAll would remove.
    removeContainer(running);
    throw error;
  }
  return running;
}

async function waitFor(
  running: RunningStack,
  url: string,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet; poll again.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} never answered 200:\n${containerLogs(running)}`);
}

function containerLogs(running: RunningStack): string {
  const logs = runCommand('docker', ['logs', '--tail', '40', running.name]);
  return `${logs.stdout}${logs.stderr}`;
}

function removeContainer(running?: RunningStack): void {
  if (running) runCommand('docker', ['rm', '-f', running.name]);
}

async function classify(base: string, text: string) {
  const response = await fetch(`${base}/api/v1/classify`, {
    method: 'POST',
    body: JSON.stringify({ text }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { category?: string; model?: string };
}

function buildImage(project: string, configuration: string, env = {}): void {
  mustRun(
    'npx',
    [
      'nx',
      'run',
      `${project}:container:${configuration}`,
      '--outputStyle=stream',
    ],
    env,
    buildTimeoutMs,
  );
}

// The page fetches /api/overview every few seconds; the test waits for
// the row of the text it classified through the page itself.
async function classifyThroughPage(dashboard: string, text: string) {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(dashboard);
    await page.locator('#router-status[data-status="ok"]').waitFor();
    await page.fill('#classify-text', text);
    await page.click('#classify-form button[type="submit"]');
    await page.locator('#classify-result', { hasText: 'math' }).waitFor();
    await page.locator('#recent-table', { hasText: text }).waitFor();
    return {
      result: await page.locator('#classify-result').innerText(),
      recent: await page.locator('#recent-table').innerText(),
      models: await page.locator('#models-table').innerText(),
    };
  } finally {
    await browser.close();
  }
}

interface PrometheusTargets {
  data: {
    activeTargets: Array<{ labels: { job: string }; health: string }>;
  };
}

async function routerTargetHealth(prometheus: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  let health = 'unknown';
  while (Date.now() < deadline) {
    try {
      const answer = (await (
        await fetch(`${prometheus}/api/v1/targets`)
      ).json()) as PrometheusTargets;
      const target = answer.data.activeTargets.find(
        (candidate) => candidate.labels.job === 'semantic-router',
      );
      health = target?.health ?? 'absent';
      if (health === 'up') return health;
    } catch {
      // Prometheus is still starting.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return health;
}

// The supervisor is PID 1; its children are the router, the dashboard and
// (stack) Prometheus. Killing the router from outside is a crash.
function processIds(running: RunningStack, program: string): string[] {
  const top = mustRun('docker', ['top', running.name, '-eo', 'pid,args']);
  return top
    .split('\n')
    .slice(1)
    .filter((line) => line.includes(program))
    .map((line) => line.trim().split(/\s+/)[0]);
}

function stopAndTime(running: RunningStack): {
  seconds: number;
  exitCode: number;
} {
  const started = Date.now();
  mustRun('docker', ['stop', '--time', '20', running.name]);
  const seconds = (Date.now() - started) / 1000;
  const exitCode = Number(
    mustRun('docker', [
      'inspect',
      '--format',
      '{{.State.ExitCode}}',
      running.name,
    ]).trim(),
  );
  return { seconds, exitCode };
}

describe.each([
  { image: 'stack', prometheus: true },
  { image: 'vllm-sr', prometheus: false },
])('$image image for the host platform (airgap)', ({ image, prometheus }) => {
  let running: RunningStack | undefined;

  beforeAll(async () => {
    mustRun('tools/docker/airgap/build-bases.sh', []);
    buildImage(image, 'airgap');
    running = await runSupervised(`${image}:local`);
  }, buildTimeoutMs);
  afterAll(() => removeContainer(running));

  it('runs as a non-root user with a health check', () => {
    const [inspected] = JSON.parse(
      mustRun('docker', ['image', 'inspect', `${image}:local`]),
    );
    expect(inspected.Config.User).toBe('65532:65532');
    expect(inspected.Config.Healthcheck.Test[0]).toBe('CMD');
  });

  it('answers router health and a classification', async () => {
    const health = await fetch(`${running!.router}/health`);
    const answer = await classify(
      running!.router,
      'Who was the first emperor of Rome?',
    );

    expect(health.status).toBe(200);
    expect(answer.category).toBe('history');
  });

  it('serves the dashboard page, which shows a classification just sent', async () => {
    const text = `What is the integral of ${Date.now() % 97} times x?`;
    const page = await classifyThroughPage(running!.dashboard, text);

    expect(page.result).toMatch(/math/);
    expect(page.recent).toContain(text);
    expect(page.models).toMatch(/\S/);
  });

  it.runIf(prometheus)(
    'has Prometheus reporting the router target up',
    async () => {
      const base = `http://127.0.0.1:${running!.ports.prometheus}`;
      expect(await routerTargetHealth(base)).toBe('up');
    },
  );

  it.runIf(!prometheus)('says plainly that Envoy was left out', () => {
    const label = mustRun('docker', [
      'image',
      'inspect',
      '--format',
      '{{index .Config.Labels "org.semrouter.envoy"}}',
      `${image}:local`,
    ]).trim();

    expect(label).toBe('not included (build arg ENVOY_IMAGE unset)');
    expect(containerLogs(running!)).toMatch(
      /envoy: not included \(build arg ENVOY_IMAGE unset\)/,
    );
  });

  it('restarts the router after it crashes', async () => {
    const [before] = processIds(running!, '/app/bin/semantic-router');
    expect(before).toBeDefined();
    mustRun('kill', ['-9', before]);

    const deadline = Date.now() + 30_000;
    let after: string | undefined;
    while (Date.now() < deadline) {
      after = processIds(running!, '/app/bin/semantic-router')[0];
      if (after && after !== before) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    await waitFor(running!, `${running!.router}/health`);
    expect(containerLogs(running!)).toMatch(/router: exited .* restarting/);
  });

  it('stops cleanly on SIGTERM, well within the grace period', () => {
    const stopped = stopAndTime(running!);

    expect(stopped.exitCode).toBe(0);
    expect(stopped.seconds).toBeLessThan(15);
  });
});

describe('stack and vllm-sr for linux/amd64 and linux/arm64 (airgap-multiarch)', () => {
  const multiarch = { INPUT_BUILDER: 'semrouter-multiarch' };

  it.each(['stack', 'vllm-sr'])(
    'pushes %s as one index with both platforms, and its arm64 image answers under QEMU',
    async (image) => {
      const ref = `${registry}/${image}:local`;
      buildImage(image, 'airgap-multiarch', multiarch);

      const index = JSON.parse(
        mustRun('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref]),
      ) as {
        manifests: Array<{ platform?: { architecture: string; os: string } }>;
      };
      const platforms = index.manifests
        .filter((manifest) => manifest.platform?.os === 'linux')
        .map((manifest) => `linux/${manifest.platform!.architecture}`)
        .sort();
      expect(platforms).toEqual(['linux/amd64', 'linux/arm64']);

      mustRun('docker', ['pull', '--platform', 'linux/arm64', ref]);
      let running: RunningStack | undefined;
      try {
        running = await runSupervised(ref, 'linux/arm64');
        const answer = await classify(
          running.router,
          'What is the derivative of x squared?',
        );
        expect(answer.category).toBe('math');
      } finally {
        removeContainer(running);
      }
    },
    buildTimeoutMs,
  );
});
