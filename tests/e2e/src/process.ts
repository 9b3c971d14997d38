import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** RunningProcess is a child process with its captured output. */
export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** kernelPort asks the kernel for a loopback TCP port unused right now. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

// Ports freePort has handed out in this process. A port is free again once
// the probe closes it, so the kernel may give the same one to the next
// call: a test asking for six ports once got one twice (the router's gRPC
// and the dashboard both on it).
const handedOut = new Set<number>();

/**
 * freePort asks the kernel for an unused loopback TCP port, never one it
 * has already returned in this process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await kernelPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(
    'freePort: the kernel kept returning ports already handed out',
  );
}

/** startProcess spawns a command and keeps its stdout and stderr. */
export function startProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): RunningProcess {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );

  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** waitForHttp polls a URL until it answers 200 or the process exits. */
export async function waitForHttp(
  url: string,
  proc: RunningProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(
        `process exited with ${proc.child.exitCode} before ${url} answered:\n${proc.output()}`,
      );
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet; poll again below.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `${url} did not answer within ${timeoutMs} ms:\n${proc.output()}`,
  );
}
