import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** workspaceRoot is the repository root, three levels above this file. */
export const workspaceRoot = resolve(__dirname, '../../..');

/** CommandResult is a finished command's exit status and output. */
export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * runCommand runs a command to completion in the workspace root and keeps
 * its output, so a failing assertion can show what the command printed.
 */
export function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 30 * 60_000,
): CommandResult {
  const result = spawnSync(command, args, {
    cwd: workspaceRoot,
    // NX_SKIP_NX_CACHE: an outer `nx run e2e:test --skip-nx-cache` would
    // otherwise make every nx command a test starts rebuild from nothing.
    env: {
      ...process.env,
      NX_DAEMON: 'false',
      NX_TUI: 'false',
      NX_SKIP_NX_CACHE: 'false',
      ...env,
    },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
  });
  if (result.error) throw result.error;
  return {
    status: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** mustRun runs a command and throws with its output tail when it fails. */
export function mustRun(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs?: number,
): string {
  const result = runCommand(command, args, env, timeoutMs);
  if (result.status !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.split('\n').slice(-40);
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status}:\n${tail.join('\n')}`,
    );
  }
  return result.stdout;
}
