import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerCommand } from '../metrics/engine';
import { buildCause, engineProblem } from './build-failure';

describe('engineProblem', () => {
  const emptyBin = mkdtempSync(join(tmpdir(), 'no-docker-'));
  afterAll(() => rmSync(emptyBin, { recursive: true, force: true }));

  it('names a docker missing from PATH and how to install it', async () => {
    const docker = dockerCommand({ PATH: emptyBin });
    expect(await engineProblem(docker)).toMatch(
      /^no container engine: docker is not on PATH \(install Docker Engine .*tools\/scripts\/setup\.sh/,
    );
  });

  it('names a daemon that does not answer and how to start it', async () => {
    const docker = dockerCommand({
      ...process.env,
      DOCKER_HOST: `unix://${join(emptyBin, 'no-daemon.sock')}`,
    });
    const problem = await engineProblem(docker);
    // The CLI's own reason is kept, and the fix follows it.
    expect(problem).toMatch(
      /^the container engine does not answer \(docker version: .*no-daemon\.sock.*\); start it \(tools\/scripts\/engine\.sh start\)/,
    );
  });

  it('has nothing to say when the engine answers', async () => {
    expect(await engineProblem(async () => ({ stdout: '20.10.24\n' }))).toBe(
      undefined,
    );
  });
});

// Lines as buildx 0.36 printed them on this machine (plain progress),
// behind Nx's "<project>: " stream prefix.
describe('buildCause', () => {
  it('names the step that failed and BuildKit’s reason', () => {
    const output = [
      'img: #6 [runtime 3/4] RUN echo "fixture: fails" >&2 && exit 3',
      'img: #6 0.291 fixture: fails',
      'img: #6 ERROR: process "/bin/sh -c echo \\"fixture: fails\\" >&2 && exit 3" did not complete successfully: exit code: 3',
      'img: ------',
      'img: ERROR: failed to build: failed to solve: process "/bin/sh -c ..." did not complete successfully: exit code: 3',
    ].join('\n');
    expect(buildCause(output)).toBe(
      'step "[runtime 3/4] RUN echo "fixture: fails" >&2 && exit 3" failed: ' +
        'process "/bin/sh -c echo \\"fixture: fails\\" >&2 && exit 3" did ' +
        'not complete successfully: exit code: 3',
    );
  });

  it('names a push the registry refused', () => {
    const output = [
      '#7 exporting to image',
      '#7 DONE 0.2s',
      '#8 pushing 127.0.0.1:5001/fixture/x:local with docker',
      '#8 pushing layer f6ae7f707073 done',
      '#8 ERROR: error parsing HTTP 405 response body: invalid character \'M\' looking for beginning of value: "Method not allowed\\n"',
      'ERROR: failed to build: error parsing HTTP 405 response body',
    ].join('\n');
    expect(buildCause(output)).toMatch(
      /^step "pushing 127\.0\.0\.1:5001\/fixture\/x:local with docker" failed: error parsing HTTP 405/,
    );
  });

  it('keeps the first failure, not the steps failing beside or after it', () => {
    const output = [
      '#9 exporting to image',
      '#10 exporting cache to client directory',
      '#10 ERROR: context canceled',
      '#9 ERROR: failed to push 127.0.0.1:5001/x: 405 Method Not Allowed',
      '#10 ERROR: error writing layer blob: 405 Method Not Allowed',
    ].join('\n');
    expect(buildCause(output)).toBe(
      'step "exporting to image" failed: failed to push 127.0.0.1:5001/x: ' +
        '405 Method Not Allowed',
    );
  });

  it('falls back to buildx’s closing error when no step failed', () => {
    const output = [
      'img: > Build',
      'img: ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      'img: NX   Process exited with non-zero status (1)',
    ].join('\n');
    expect(buildCause(output)).toBe(
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. ' +
        'Is the docker daemon running?',
    );
  });

  it('says nothing when the engine printed no error', () => {
    expect(buildCause('NX   Process exited with non-zero status (1)\n')).toBe(
      undefined,
    );
  });
});
