import { spawn } from 'node:child_process';

/** CommandResult is a finished child process and its output. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** timedOut: the command ran past its timeout and was killed */
  timedOut?: boolean;
}

/** CommandOptions: where and how a command runs. */
export interface CommandOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  echo?: boolean;
  /** timeoutMs: after this, the command's whole process group gets
   * SIGTERM, and SIGKILL killGraceMs later if it is still there. */
  timeoutMs?: number;
  killGraceMs?: number;
}

/**
 * runCommand runs a command in the workspace. With echo the child's output
 * goes to this process's stderr as it comes (build logs), and is kept too.
 * With a timeout the child leads its own process group, so that killing
 * it also stops what it started (Nx, its task workers, docker buildx).
 */
export function runCommand(
  command: string,
  args: string[],
  options: CommandOptions,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.timeoutMs !== undefined,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timers: NodeJS.Timeout[] = [];
    if (options.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          signalGroup(child.pid, 'SIGTERM');
          timers.push(
            setTimeout(
              () => signalGroup(child.pid, 'SIGKILL'),
              options.killGraceMs ?? 10_000,
            ),
          );
        }, options.timeoutMs),
      );
    }
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.on('error', (error) => {
      timers.forEach(clearTimeout);
      reject(error);
    });
    child.on('close', (code) => {
      timers.forEach(clearTimeout);
      if (timedOut) signalGroup(child.pid, 'SIGKILL');
      resolve({ code: code ?? 1, stdout, stderr, timedOut });
    });
  });
}

// The group may be gone already; that is the outcome we wanted.
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * affectedImages asks Nx which projects with the target are affected
 * between base and head: the candidates, found through the project graph
 * the plugin derives from the Dockerfiles and nothing else.
 */
export async function affectedImages(
  workspaceRoot: string,
  target: string,
  base: string,
  head: string | undefined,
): Promise<string[]> {
  const args = ['nx', 'show', 'projects', '--affected', '-t', target];
  args.push(`--base=${base}`, ...(head ? [`--head=${head}`] : []), '--json');
  const result = await runCommand('npx', args, { cwd: workspaceRoot });
  if (result.code !== 0) {
    throw new Error(
      `listing affected images: npx ${args.join(' ')} exited with ` +
        `${result.code}: ${tail(result.stderr || result.stdout)} (check ` +
        'that --base names a commit of this clone; CI needs fetch-depth: 0)',
    );
  }
  const jsonStart = result.stdout.indexOf('[');
  return (JSON.parse(result.stdout.slice(jsonStart)) as string[]).sort();
}

/** tail keeps the last lines of a command's output for an error message. */
export function tail(text: string, lines = 8): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
