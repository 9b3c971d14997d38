// Two fresh clones of this repository on one machine with the cache server
// between them. Clone A builds cold with a read-write token (as CI on main
// does) and fills the remote cache; clone B, with a read-only token (as a
// pull request gets), must take every build task from the remote cache,
// read from Nx's own run record, and the extproc image it then builds from
// those artifacts must still run and answer.
//
// "Cold" is meant at the Nx level: clone A has an empty local Nx cache and
// an empty remote cache, so Nx misses and runs every task. Each clone's
// crate target folders are links to this workspace's, so cargo reuses the
// compiled dependencies instead of compiling candle-core for two
// architectures again (it still recompiles the crates themselves, whose
// paths differ); that saves CI minutes and changes nothing about what Nx
// caches or restores.
//
// Run alone: npx nx run cache-e2e:test (about 20-40 minutes when cold).
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const workspaceRoot = resolve(__dirname, '../..');
const readWriteToken = 'e2e-main-writes-0f4c';
const readOnlyToken = 'e2e-pull-request-reads-77a1';
const scratch = mkdtempSync(join(tmpdir(), 'cache-two-clones-'));

interface RunRecord {
  tasks: Array<{ taskId: string; cacheStatus: string; status: number }>;
}

let serverUrl = '';
let serverLog = '';
let stopServer = () => {};

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): string {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 60 * 60_000,
  });
  if (result.status !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.split('\n').slice(-60);
    throw new Error(
      `${command} ${args.join(' ')} in ${cwd} exited with ${result.status}:\n${tail.join('\n')}`,
    );
  }
  return result.stdout;
}

function cloneWorkspace(name: string): string {
  const clone = join(scratch, name);
  run(
    'git',
    ['clone', '--quiet', '--no-hardlinks', workspaceRoot, clone],
    scratch,
  );
  // npm ci in each clone would cost minutes and test npm, not the cache.
  symlinkSync(join(workspaceRoot, 'node_modules'), join(clone, 'node_modules'));
  for (const crate of ['libs/candle-binding', 'libs/ml-binding']) {
    mkdirSync(join(workspaceRoot, crate, 'target'), { recursive: true });
    symlinkSync(
      join(workspaceRoot, crate, 'target'),
      join(clone, crate, 'target'),
    );
  }
  return clone;
}

// Nx 23 shares one local cache between all clones of a repository (a
// per-user directory keyed by the git remote), so without a directory of
// its own clone B would hit clone A's local cache, not the remote one.
function nxEnvironment(clone: string, token: string): NodeJS.ProcessEnv {
  return {
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: serverUrl,
    NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token,
    NX_CACHE_DIRECTORY: join(clone, '.nx/cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(clone, '.nx/workspace-data'),
    NX_DAEMON: 'false',
    NX_TUI: 'false',
    NX_NO_CLOUD: 'true',
    // An outer `nx run ... --skip-nx-cache` passes NX_SKIP_NX_CACHE=true to
    // this test; inherited, it would make both clones skip every cache.
    NX_SKIP_NX_CACHE: 'false',
  };
}

// run.json is what Nx itself records about the last run: one row per task
// with cacheStatus "remote-cache-hit", "local-cache-hit" or "cache-miss".
function readRunRecord(clone: string): RunRecord {
  return JSON.parse(readFileSync(join(clone, '.nx/cache/run.json'), 'utf8'));
}

beforeAll(async () => {
  const server = spawn(
    process.execPath,
    [join(workspaceRoot, 'dist/apps/cache-server/main.js')],
    {
      env: {
        ...process.env,
        CACHE_SERVER_LISTEN: '127.0.0.1:0',
        CACHE_SERVER_STORAGE: `fs:${join(scratch, 'cache')}`,
        CACHE_SERVER_READ_WRITE_TOKENS: readWriteToken,
        CACHE_SERVER_READ_ONLY_TOKENS: readOnlyToken,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout.on('data', (chunk) => (serverLog += chunk));
  server.stderr.on('data', (chunk) => (serverLog += chunk));
  stopServer = () => server.kill('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (!serverUrl && Date.now() < deadline) {
    const listening = /"event":"listening","url":"([^"]+)"/.exec(serverLog);
    if (listening) serverUrl = listening[1];
    await new Promise((done) => setTimeout(done, 50));
  }
  if (!serverUrl) throw new Error(`cache server did not start:\n${serverLog}`);
});

afterAll(() => {
  stopServer();
  spawnSync('docker', ['rm', '-f', 'cache-e2e-extproc']);
  rmSync(scratch, { recursive: true, force: true });
});

describe('two clones sharing the remote cache', () => {
  const build = [
    'nx',
    'run-many',
    '-t',
    'build',
    'build-host',
    '--outputStyle=stream',
  ];
  let cloneB = '';

  it('clone A builds every task cold and fills the cache with a read-write token', async () => {
    const cloneA = cloneWorkspace('a');
    run('npx', build, cloneA, nxEnvironment(cloneA, readWriteToken));
    await settleServerLog();

    const tasks = readRunRecord(cloneA).tasks;
    expect(tasks.length).toBeGreaterThan(5);
    expect(tasks.filter((t) => t.cacheStatus !== 'cache-miss')).toEqual([]);
    const stored = serverLog.match(
      /"method":"PUT","path":"[^"]+","status":200/g,
    );
    expect(stored?.length).toBeGreaterThan(5);
  });

  it('clone B takes every build task from the remote cache with a read-only token', async () => {
    cloneB = cloneWorkspace('b');
    const before = serverLog.length;
    run('npx', build, cloneB, nxEnvironment(cloneB, readOnlyToken));
    await settleServerLog();

    const tasks = readRunRecord(cloneB).tasks;
    const notRemote = tasks
      .filter((t) => t.cacheStatus !== 'remote-cache-hit')
      .map((t) => `${t.taskId}: ${t.cacheStatus}`);
    expect(tasks.length).toBeGreaterThan(5);
    expect(notRemote).toEqual([]);
    const hits = serverLog
      .slice(before)
      .match(/"method":"GET","path":"[^"]+","status":200,"role":"read-only"/g);
    expect(hits?.length ?? 0).toBeGreaterThanOrEqual(
      tasks.length - noopTasks(tasks),
    );
    expect(serverLog.slice(before)).not.toMatch(
      /"method":"PUT","path":"[^"]+","status":200/,
    );
  });

  it("builds clone B's extproc image from the restored artifacts, and it answers", async () => {
    run(
      'npx',
      ['nx', 'run', 'extproc:container:airgap', '--outputStyle=stream'],
      cloneB,
      nxEnvironment(cloneB, readOnlyToken),
    );
    const port = 18000 + Math.floor(Math.random() * 1000);
    run(
      'docker',
      [
        'run',
        '-d',
        '--name',
        'cache-e2e-extproc',
        '--network=host',
        'extproc:local',
        '--config=/app/config/config.yaml',
        `--http-addr=127.0.0.1:${port}`,
        `--grpc-addr=127.0.0.1:${port + 1000}`,
      ],
      cloneB,
    );

    const answer = await classifyWhenReady(`http://127.0.0.1:${port}`);
    expect(answer.category).toBe('math');
  });
});

// spawnSync blocks this process, so the server's log lines of a build
// arrive only after it returns: wait until no new line has come for 500 ms.
async function settleServerLog(): Promise<void> {
  let length = -1;
  while (serverLog.length !== length) {
    length = serverLog.length;
    await new Promise((done) => setTimeout(done, 500));
  }
}

// Tasks whose executor is nx:noop (the "build" targets that only group
// the platforms) have no outputs; Nx need not fetch anything for them.
function noopTasks(tasks: RunRecord['tasks']): number {
  return tasks.filter((task) => /:build$/.test(task.taskId)).length;
}

async function classifyWhenReady(base: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const response = await fetch(`${base}/api/v1/classify`, {
        method: 'POST',
        body: JSON.stringify({ text: 'What is the derivative of x squared?' }),
      });
      return (await response.json()) as { category?: string };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 500));
    }
  }
}
