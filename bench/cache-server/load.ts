// load.ts: a bounded load test of the cache server on loopback.
//
//   npx nx run cache-server:build
//   npx tsx bench/cache-server/load.ts [--clients 50] [--requests 5000]
//     [--seconds 120] [--write-results]
//
// It starts dist/apps/cache-server/main.js with the filesystem backend in
// a temporary directory, then runs `clients` concurrent clients, each on
// its own keep-alive connection, until `requests` requests or `seconds`
// have passed. Every client mixes GET and PUT over a small pool of hashes
// that all clients share (racing writers of one hash) and hashes of its
// own. A hash's body is derived from the hash, so any 200 GET can be
// checked byte for byte; at the end every stored entry is read and checked
// again. Prints p50/p99 latency per method; --write-results also writes
// bench/cache-server/RESULTS.md.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const workspaceRoot = resolve(__dirname, '../..');
const token = 'bench-read-write-token';
const sharedHashes = 40;

interface Sample {
  method: 'GET' | 'PUT';
  status: number;
  ms: number;
}

interface Tally {
  samples: Sample[];
  corrupt: string[];
  unexpected: string[];
  stored: Set<string>;
}

const bodies = new Map<string, { body: Buffer; digest: string }>();

// Bodies are memoised: building one costs more CPU than serving it, and
// the clients share this machine with the server.
function expectedFor(hash: string): { body: Buffer; digest: string } {
  let expected = bodies.get(hash);
  if (!expected) {
    const body = derive(hash);
    expected = { body, digest: sha256(body) };
    bodies.set(hash, expected);
  }
  return expected;
}

function bodyFor(hash: string): Buffer {
  return expectedFor(hash).body;
}

function derive(hash: string): Buffer {
  // 1 KiB to 256 KiB, from the hash, filled with a stream of its digests.
  const seed = createHash('sha256').update(hash).digest();
  const size = 1024 + (seed.readUInt32BE(0) % (255 * 1024));
  const body = Buffer.alloc(size);
  let block = seed;
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(body, offset);
    block = createHash('sha256').update(block).digest();
  }
  return body;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function exchange(
  agent: Agent,
  port: number,
  method: 'GET' | 'PUT',
  hash: string,
  body?: Buffer,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((done, fail) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method,
        agent,
        path: `/v1/cache/${hash}`,
        headers: { authorization: `Bearer ${token}` },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          done({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', fail);
      },
    );
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

async function runClient(
  client: number,
  port: number,
  budget: { left: number; deadline: number },
  tally: Tally,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let own = 0;
  while (budget.left > 0 && Date.now() < budget.deadline) {
    budget.left -= 1;
    const shared = Math.random() < 0.5;
    const hash = shared
      ? `9${Math.floor(Math.random() * sharedHashes)}`
      : `${client + 1}0${Math.floor(Math.random() * (own + 1))}`;
    const method = Math.random() < 0.5 ? 'GET' : 'PUT';
    if (!shared && method === 'PUT') own += 1;

    const started = process.hrtime.bigint();
    const reply = await exchange(
      agent,
      port,
      method,
      hash,
      method === 'PUT' ? bodyFor(hash) : undefined,
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    tally.samples.push({ method, status: reply.status, ms });

    const allowed = method === 'PUT' ? [200, 409] : [200, 404];
    if (!allowed.includes(reply.status)) {
      tally.unexpected.push(`${method} ${hash}: ${reply.status}`);
    }
    if (method === 'PUT' && reply.status === 200) tally.stored.add(hash);
    if (method === 'GET' && reply.status === 200) {
      if (sha256(reply.body) !== expectedFor(hash).digest) {
        tally.corrupt.push(hash);
      }
    }
  }
  agent.destroy();
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.ceil(fraction * sorted.length) - 1,
  );
  return Math.round(sorted[Math.max(0, index)] * 100) / 100;
}

async function startServer(directory: string) {
  const child = spawn(
    process.execPath,
    [join(workspaceRoot, 'dist/apps/cache-server/main.js')],
    {
      env: {
        ...process.env,
        CACHE_SERVER_LISTEN: '127.0.0.1:0',
        CACHE_SERVER_STORAGE: `fs:${directory}`,
        CACHE_SERVER_READ_WRITE_TOKENS: token,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let requests = 0;
  const port = await new Promise<number>((done, fail) => {
    child.on('exit', (code) =>
      fail(new Error(`cache server exited with ${code}`)),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const entry = JSON.parse(line);
        if (entry.event === 'listening') done(Number(new URL(entry.url).port));
        if (entry.event === 'request') requests += 1;
      }
    });
  });
  return { child, port, requests: () => requests };
}

async function main() {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '50' },
      requests: { type: 'string', default: '5000' },
      seconds: { type: 'string', default: '120' },
      'write-results': { type: 'boolean', default: false },
    },
  });
  const clients = Number(values.clients);
  const directory = mkdtempSync(join(tmpdir(), 'cache-server-bench-'));
  const server = await startServer(directory);
  const tally: Tally = {
    samples: [],
    corrupt: [],
    unexpected: [],
    stored: new Set(),
  };
  const budget = {
    left: Number(values.requests),
    deadline: Date.now() + Number(values.seconds) * 1000,
  };

  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, (_, client) =>
      runClient(client, server.port, budget, tally),
    ),
  );
  const seconds = (Date.now() - started) / 1000;

  // Read back every entry the run stored and check it once more.
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  for (const hash of tally.stored) {
    const reply = await exchange(agent, server.port, 'GET', hash);
    if (reply.status !== 200 || !reply.body.equals(bodyFor(hash))) {
      tally.corrupt.push(`${hash} (final read)`);
    }
  }
  agent.destroy();
  server.child.kill('SIGTERM');
  rmSync(directory, { recursive: true, force: true });

  const report = summarise(tally, clients, seconds);
  process.stdout.write(`${report}\n`);
  if (values['write-results']) {
    writeResults(report, process.argv.slice(2));
  }
  if (tally.corrupt.length > 0 || tally.unexpected.length > 0) {
    process.exitCode = 1;
  }
}

function summarise(tally: Tally, clients: number, seconds: number): string {
  const rows = (['GET', 'PUT'] as const).map((method) => {
    const samples = tally.samples.filter((s) => s.method === method);
    const statuses = new Map<number, number>();
    for (const { status } of samples) {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    const counts = [...statuses].sort().map(([s, n]) => `${s}: ${n}`);
    const ms = samples.map((s) => s.ms);
    return `| ${method} | ${samples.length} | ${percentile(ms, 0.5)} | ${percentile(ms, 0.99)} | ${counts.join(', ')} |`;
  });
  const all = tally.samples.map((s) => s.ms);
  return [
    `${tally.samples.length} requests from ${clients} clients in ${seconds.toFixed(1)} s ` +
      `(${(tally.samples.length / seconds).toFixed(0)} requests/s); ` +
      `p50 ${percentile(all, 0.5)} ms, p99 ${percentile(all, 0.99)} ms`,
    '',
    '| method | requests | p50 ms | p99 ms | statuses |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `entries stored: ${tally.stored.size}; corrupt entries: ${tally.corrupt.length}; ` +
      `unexpected statuses: ${tally.unexpected.length}`,
  ].join('\n');
}

function writeResults(report: string, args: string[]): void {
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;
  const text = [
    '# cache-server load test',
    '',
    `Run on ${new Date().toISOString().slice(0, 10)} on ${machine}, shared with other work:`,
    '',
    '```sh',
    'npx nx run cache-server:build',
    `npx tsx bench/cache-server/load.ts ${args.join(' ')}`.trim(),
    '```',
    '',
    'Filesystem backend in a temporary directory, server and clients on 127.0.0.1,',
    'bodies of 1 KiB to 256 KiB. Half of the requests go to 40 hashes all clients',
    'share (racing writers: one 200, the rest 409), half to hashes of each client.',
    'Every 200 GET is checked against the body derived from its hash, and every',
    'stored entry is read back once more at the end.',
    '',
    report,
    '',
  ].join('\n');
  writeFileSync(join(__dirname, 'RESULTS.md'), text);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `load: ${error instanceof Error ? error.stack : error}\n`,
  );
  process.exit(1);
});
