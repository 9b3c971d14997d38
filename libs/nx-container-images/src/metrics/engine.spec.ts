import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  engineProbe,
  NX_CONTAINER_OUTPUTS,
  type EngineCommand,
  type EngineResult,
} from './engine';
import { engineFailure } from './engine-output';
import { engineOutput } from './fixtures/engine-output';
import type { TaskSpan } from './record';

const IMAGE_ID =
  'sha256:7c1e4f0a2b9d8e6c5a3f1b0d9e8c7a6b5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c';
const INDEX_DIGEST =
  'sha256:9d1f3b5d7f9b1d3f5b7d9f1b3d5f7b9d1f3b5d7f9b1d3f5b7d9f1b3d5f7b9d1f';
const REPOSITORY = 'ghcr.io/semrouter/extproc';
const exitedOne = Object.assign(new Error('Command failed: docker'), {
  code: 1,
});

let workspace: string;
let span: TaskSpan;

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'metrics-engine-'));
  const now = Date.now();
  span = {
    task: 'extproc:container',
    project: 'extproc',
    target: 'container',
    status: 'success',
    startTime: now - 60_000,
    endTime: now,
  };
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

function writeOutputs(image: string, files: Record<string, string>): string {
  const directory = join(workspace, NX_CONTAINER_OUTPUTS, image);
  mkdirSync(directory, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

// Replays engine answers by command line and records what was asked.
function replay(answers: Record<string, EngineResult>) {
  const asked: string[] = [];
  const command: EngineCommand = async (args) => {
    const line = args.join(' ');
    asked.push(line);
    return (
      answers[line] ?? {
        stdout: '',
        failure: { kind: 'refused', reason: `unexpected: ${line}` },
      }
    );
  };
  return { command, asked };
}

function failed(stderrFile: string): EngineResult {
  return {
    stdout: '',
    failure: engineFailure(exitedOne, engineOutput(stderrFile), 15_000),
  };
}

describe('engineProbe: a loaded build', () => {
  it('reads the digest from nx-container and steps and size from the engine', async () => {
    writeOutputs('extproc', {
      imageid: IMAGE_ID,
      metadata: engineOutput('metadata.load.json'),
    });
    const { command, asked } = replay({
      'buildx history inspect --builder default q9m2x7kd1c4v8n3b5h6j0wzla --format json':
        { stdout: engineOutput('history-inspect.json') },
      [`image inspect --format {{.Size}} ${IMAGE_ID}`]: {
        stdout: engineOutput('image-inspect.size.stdout.txt'),
      },
    });

    const facts = await engineProbe(workspace, { env: {}, command })(
      'extproc',
      span,
    );
    expect(facts).toEqual({
      imageId: IMAGE_ID,
      digest:
        'sha256:5b0c8e2d41f7a9c3e6d8b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0',
      buildRef: 'default/default/q9m2x7kd1c4v8n3b5h6j0wzla',
      cachedSteps: 17,
      totalSteps: 23,
      sizeBytes: 187_213_824,
      sizeKind: 'unpacked',
    });
    expect(asked).toHaveLength(2);
  });
});

describe('engineProbe: a pushed multi-platform build', () => {
  beforeEach(() => {
    writeOutputs('extproc', {
      imageid: INDEX_DIGEST,
      metadata: engineOutput('metadata.push.json'),
    });
  });
  const history = {
    'buildx history inspect --builder ci-builder r4t8y1u6i2o9p3a7s5d0fgh2k --format json':
      { stdout: engineOutput('history-inspect.json') },
  };
  const notLocal: EngineResult = {
    stdout: '',
    failure: {
      kind: 'refused',
      reason: `Error: No such image: ${INDEX_DIGEST}`,
    },
  };

  it('adds up the compressed size of every platform in the registry', async () => {
    const manifest = (arch: string) => ({
      stdout: engineOutput(`imagetools.manifest-${arch}.json`),
    });
    const { command, asked } = replay({
      ...history,
      [`image inspect --format {{.Size}} ${INDEX_DIGEST}`]: notLocal,
      [`buildx imagetools inspect --raw ${REPOSITORY}@${INDEX_DIGEST}`]: {
        stdout: engineOutput('imagetools.index.json'),
      },
      [`buildx imagetools inspect --raw ${REPOSITORY}@sha256:${'aa11'.repeat(16)}`]:
        manifest('amd64'),
      [`buildx imagetools inspect --raw ${REPOSITORY}@sha256:${'bb22'.repeat(16)}`]:
        manifest('arm64'),
    });

    const facts = await engineProbe(workspace, { env: {}, command })(
      'extproc',
      span,
    );
    expect(facts).toMatchObject({
      digest: INDEX_DIGEST,
      sizeBytes:
        2841 + 29_153_418 + 41_772_203 + 2841 + 28_013_377 + 39_988_120,
      sizeKind: 'compressed',
    });
    expect(facts.notes).toBeUndefined();
    expect(asked.filter((line) => line.includes('imagetools'))).toHaveLength(3);
  });

  it('notes the registry error when the size cannot be read', async () => {
    const { command } = replay({
      ...history,
      [`image inspect --format {{.Size}} ${INDEX_DIGEST}`]: notLocal,
      [`buildx imagetools inspect --raw ${REPOSITORY}@${INDEX_DIGEST}`]: failed(
        'registry-refused.imagetools.stderr.txt',
      ),
    });

    const facts = await engineProbe(workspace, { env: {}, command })(
      'extproc',
      span,
    );
    expect(facts.sizeBytes).toBeUndefined();
    expect(facts.notes).toEqual([
      expect.stringMatching(
        new RegExp(
          `^reading the size of ${REPOSITORY}@${INDEX_DIGEST}: docker buildx ` +
            'imagetools inspect --raw \\S+: ERROR: failed to do request: .+ connection refused$',
        ),
      ),
    ]);
  });
});

describe('engineProbe: what nx-container left', () => {
  it('ignores outputs older than the task, so an old digest is never reported', async () => {
    const directory = writeOutputs('extproc', {
      imageid: IMAGE_ID,
      metadata: engineOutput('metadata.load.json'),
    });
    const old = new Date(span.startTime - 3_600_000);
    utimesSync(join(directory, 'imageid'), old, old);
    utimesSync(join(directory, 'metadata'), old, old);
    const { command, asked } = replay({});

    const facts = await engineProbe(workspace, { env: {}, command })(
      'extproc',
      span,
    );
    expect(facts).toEqual({
      notes: [
        `nx-container wrote no ${NX_CONTAINER_OUTPUTS}/extproc/metadata during extproc:container`,
        'the image is neither in the engine nor named in a registry',
      ],
    });
    expect(asked).toEqual([]);
  });

  it('names a metadata file that is not JSON', async () => {
    writeOutputs('extproc', { metadata: '{"containerimage.digest": "sha' });
    const { command } = replay({});
    const facts = await engineProbe(workspace, { env: {}, command })(
      'extproc',
      span,
    );
    expect(facts.notes?.[0]).toMatch(
      new RegExp(`^${NX_CONTAINER_OUTPUTS}/extproc/metadata is not JSON`),
    );
  });

  it('notes that steps are unknown when the builder keeps no history', async () => {
    writeOutputs('extproc', {
      metadata: JSON.stringify({ 'containerimage.digest': INDEX_DIGEST }),
    });
    const { command } = replay({});
    const facts = await engineProbe(workspace, { env: {}, command })(
      'extproc',
      span,
    );
    expect(facts.notes).toContain(
      'the builder keeps no build history (no buildx.build.ref in the ' +
        'metadata), so cached/total steps are unknown',
    );
  });
});

describe('engineProbe without an engine', () => {
  function outputsForTwoImages() {
    for (const image of ['extproc', 'stack']) {
      writeOutputs(image, {
        imageid: IMAGE_ID,
        metadata: engineOutput('metadata.load.json'),
      });
    }
  }

  it('warns once when docker is not on PATH, and notes it on each build', async () => {
    outputsForTwoImages();
    const emptyPath = mkdtempSync(join(workspace, 'empty-path-'));
    const warnings: string[] = [];
    const probe = engineProbe(workspace, {
      env: { PATH: emptyPath },
      warn: (line) => warnings.push(line),
    });

    const extproc = await probe('extproc', span);
    const stack = await probe('stack', {
      ...span,
      project: 'stack',
      task: 'stack:container',
    });
    expect(warnings).toEqual([
      'container metrics: docker is not on PATH: image sizes and engine ' +
        'cache steps are not recorded for this run (install docker or add it ' +
        'to PATH)',
    ]);
    for (const facts of [extproc, stack]) {
      expect(facts.digest).toBe(
        'sha256:5b0c8e2d41f7a9c3e6d8b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0',
      );
      expect(facts.sizeBytes).toBeUndefined();
      expect(facts.notes).toEqual([
        'docker buildx history inspect --builder default ' +
          'q9m2x7kd1c4v8n3b5h6j0wzla --format json: docker is not on PATH',
        `docker image inspect --format {{.Size}} ${IMAGE_ID}: docker is not on PATH`,
      ]);
    }
  });

  it('warns once and stops asking when the daemon does not answer', async () => {
    outputsForTwoImages();
    const warnings: string[] = [];
    const { command, asked } = replay({
      'buildx history inspect --builder default q9m2x7kd1c4v8n3b5h6j0wzla --format json':
        failed('no-daemon.history-inspect.stderr.txt'),
    });
    const probe = engineProbe(workspace, {
      env: {},
      command,
      warn: (line) => warnings.push(line),
    });

    await probe('extproc', span);
    await probe('stack', span);
    expect(asked).toHaveLength(1);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^container metrics: ERROR: failed to connect to the docker API .+: image sizes and engine cache steps are not recorded for this run \(start the docker daemon, or point DOCKER_HOST at one\)$/,
      ),
    ]);
  });
});
