import type { EngineCommand } from '../metrics/engine';

/**
 * engineProblem asks the engine for its version and says, as one sentence
 * with the fix, why no image can be built: docker missing from PATH, or a
 * daemon that does not answer. It returns undefined when the engine
 * answers. build-affected asks before each image, so an engine that stops
 * mid-run fails the remaining images at once, each with this reason,
 * instead of each waiting for buildx to find out.
 */
export async function engineProblem(
  docker: EngineCommand,
): Promise<string | undefined> {
  const result = await docker(['version', '--format', '{{.Server.Version}}']);
  if (!result.failure) return undefined;
  const { kind, reason } = result.failure;
  if (kind === 'missing') {
    return (
      'no container engine: docker is not on PATH (install Docker Engine ' +
      "and its buildx plugin; tools/scripts/setup.sh installs Debian's " +
      'docker.io, or add the folder holding docker to PATH)'
    );
  }
  return (
    `the container engine does not answer (docker version: ${reason}); ` +
    'start it (tools/scripts/engine.sh start) or point DOCKER_HOST at a ' +
    'running one'
  );
}

// BuildKit's progress output, as buildx prints it in plain mode: "#7
// pushing layer ...", "#7 ERROR: ...", and a closing "ERROR: ..." line.
// Nx's stream output puts "<project>: " in front of each line.
const STEP_LINE = /(?:^|\s)#(\d+) (.+)$/;
const STEP_ERROR = /(?:^|\s)#(\d+) ERROR: (.+)$/;
const CLOSING_ERROR = /(?:^|\s)ERROR: (.+)$/;
const CANCELED = /\bcontext canceled\b|^canceled\b/;

/**
 * buildCause finds in a build's output the first step that failed and BuildKit's
 * reason, e.g. `step "pushing 127.0.0.1:5001/x:local with docker" failed:
 * ... 405 ...`, or buildx's closing ERROR line when no step failed (a
 * daemon that went away, a bad option). It returns undefined when the
 * output has neither, which is when the failure was not the engine's.
 */
export function buildCause(output: string): string | undefined {
  const lines = output.split('\n').map((line) => line.trimEnd());
  const stepNames = new Map<string, string>();
  let failed: { step: string; reason: string } | undefined;
  let closing: string | undefined;
  for (const line of lines) {
    const stepError = STEP_ERROR.exec(line);
    if (stepError) {
      // The first failure is the cause; BuildKit cancels the steps that
      // ran beside it, and a step may fail after it for the same reason.
      if (!failed || CANCELED.test(failed.reason)) {
        failed = { step: stepError[1], reason: stepError[2] };
      }
      continue;
    }
    const step = STEP_LINE.exec(line);
    if (step && !stepNames.has(step[1]) && !/^\d/.test(step[2])) {
      stepNames.set(step[1], step[2]);
      continue;
    }
    const error = CLOSING_ERROR.exec(line);
    if (error && !step) closing = error[1];
  }
  if (failed) {
    const name = stepNames.get(failed.step);
    return name
      ? `step "${name}" failed: ${failed.reason}`
      : `step #${failed.step} failed: ${failed.reason}`;
  }
  return closing;
}
