// Engines of the tests' own, for faults the shared engine must not suffer:
// a dockerd that a test stops mid-build, a buildkitd whose disk fills up,
// a registry that refuses pushes, and a PATH without docker. Each lives in
// its own temporary folder (short, for unix socket paths) and is gone
// after stop(); the shared dockerd, buildkitd and registry are untouched.
import { spawnSync } from 'node:child_process';
import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { freePort, startProcess, waitForHttp } from './process.js';
import { mustRun, runCommand } from './commands.js';

/** Stoppable is something a test started and must take down. */
export interface Stoppable {
  stop: () => Promise<void>;
}

/** PrivateDockerd is a second dockerd on its own socket and data root. */
export interface PrivateDockerd extends Stoppable {
  /** env points the docker CLI (and buildx's default builder) at it */
  env: { DOCKER_HOST: string };
}

async function waitFor(
  what: string,
  check: () => boolean,
  log: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms:\n${log()}`);
}

/**
 * startDockerd runs a dockerd of the test's own, without bridge or
 * iptables like the shared one (tools/scripts/engine.sh). It pulls what it
 * needs from the loopback registry, which dockerd treats as plain HTTP.
 */
export async function startDockerd(): Promise<PrivateDockerd> {
  const dir = mkdtempSync('/tmp/e2e-dockerd-');
  const host = `unix://${dir}/docker.sock`;
  const daemon = startProcess('dockerd', [
    ...['-H', host, '--data-root', join(dir, 'data')],
    ...['--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'pid')],
    ...['--bridge=none', '--iptables=false', '--ip6tables=false'],
  ]);
  const answers = () =>
    runCommand('docker', ['version'], { DOCKER_HOST: host }, 10_000).status ===
    0;
  await waitFor('the private dockerd', answers, daemon.output);
  return {
    env: { DOCKER_HOST: host },
    stop: async () => {
      // SIGTERM as `systemctl stop docker` sends it; dockerd stops its
      // containerd and cancels builds (their RUN processes may outlive it,
      // which the tests that stop it mid-build clean up).
      await daemon.stop();
      removeWithMounts(dir);
    },
  };
}

// A RUN process that outlived its daemon keeps its root file system
// mounted under the daemon's folders: detach those mounts (lazily, the
// process may still run until the test kills it) before removing.
function removeWithMounts(dir: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((point) => point?.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) runCommand('umount', ['-l', point]);
  rmSync(dir, { recursive: true, force: true });
}

/** PrivateBuilder is a buildkitd reachable as a buildx builder. */
export interface PrivateBuilder extends Stoppable {
  name: string;
  /** env selects a buildx configuration folder that holds the builder */
  env: { BUILDX_CONFIG: string };
}

/**
 * startBuildkitd runs a buildkitd of the test's own behind buildx's remote
 * driver, registered in a buildx configuration folder of its own (so the
 * shared one gains no builder). With diskMb its state lives on a tmpfs of
 * that size; httpRegistries are reached over plain HTTP.
 */
export async function startBuildkitd(options: {
  diskMb?: number;
  httpRegistries?: string[];
}): Promise<PrivateBuilder> {
  const dir = mkdtempSync('/tmp/e2e-buildkitd-');
  const root = join(dir, 'root');
  mkdirSync(root);
  if (options.diskMb) {
    mustRun('mount', [
      '-t',
      'tmpfs',
      '-o',
      `size=${options.diskMb}m`,
      'tmpfs',
      root,
    ]);
  }
  const registries = options.httpRegistries ?? ['127.0.0.1:5000'];
  writeFileSync(
    join(dir, 'buildkitd.toml'),
    [
      ...registries.map((host) => `[registry."${host}"]\n  http = true`),
      '[worker.oci]\n  enabled = true\n  gc = false',
      '[worker.containerd]\n  enabled = false',
      '',
    ].join('\n'),
  );
  const socket = `unix://${dir}/buildkitd.sock`;
  const daemon = startProcess('buildkitd', [
    ...['--config', join(dir, 'buildkitd.toml'), '--root', root],
    ...['--addr', socket, '--oci-worker-net=host'],
  ]);
  const name = basename(dir)
    .replace(/[^a-z0-9]/gi, '-')
    .toLowerCase();
  const env = { BUILDX_CONFIG: join(dir, 'buildx') };
  mustRun(
    'docker',
    ['buildx', 'create', '--name', name, '--driver', 'remote', socket],
    env,
  );
  const running = () =>
    /Status:\s+running/.test(
      runCommand('docker', ['buildx', 'inspect', name], env, 10_000).stdout,
    );
  await waitFor(`buildkitd for builder ${name}`, running, daemon.output);
  return {
    name,
    env,
    stop: async () => {
      await daemon.stop();
      removeWithMounts(dir);
    },
  };
}

/** PrivateRegistry is a docker-registry on a loopback port of its own. */
export interface PrivateRegistry extends Stoppable {
  host: string;
}

/**
 * startRegistry runs Debian's docker-registry (the same program as the
 * shared one) on a free loopback port; readOnly puts it in the
 * distribution's maintenance mode, in which it refuses every push.
 */
export async function startRegistry(options: {
  readOnly: boolean;
}): Promise<PrivateRegistry> {
  const dir = mkdtempSync('/tmp/e2e-registry-');
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  maintenance:',
      '    readonly:',
      `      enabled: ${options.readOnly}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const registry = startProcess('docker-registry', ['serve', config]);
  await waitForHttp(`http://127.0.0.1:${port}/v2/`, registry);
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * pathWithoutDocker makes a folder that stands for a machine without a
 * container engine: links to every program in /usr/bin and /usr/local/bin
 * except the engine's own, and a hard link (or copy) of node, because npm
 * puts the folder of node's real path in front of PATH.
 */
export function pathWithoutDocker(): { PATH: string; remove: () => void } {
  const dir = mkdtempSync('/tmp/e2e-no-docker-');
  const engine = /^(docker|dockerd|containerd|buildkit|runc|ctr)/;
  for (const folder of ['/usr/local/bin', '/usr/bin']) {
    for (const name of readdirSync(folder)) {
      if (engine.test(name) || name === 'node') continue;
      try {
        symlinkSync(join(folder, name), join(dir, name));
      } catch {
        // The same name in both folders: the first, as on PATH, wins.
      }
    }
  }
  try {
    linkSync('/usr/bin/node', join(dir, 'node'));
  } catch {
    copyFileSync('/usr/bin/node', join(dir, 'node'));
  }
  spawnSync('chmod', ['+x', join(dir, 'node')]);
  const goBin = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' });
  const extra = goBin.status === 0 ? [`${goBin.stdout.trim()}/bin`] : [];
  return {
    PATH: [dir, ...extra].join(':'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
