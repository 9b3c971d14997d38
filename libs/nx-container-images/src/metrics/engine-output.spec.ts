import { describe, expect, it } from 'vitest';
import {
  engineFailure,
  imageManifestSize,
  parseBuildRef,
  parseBuildxMetadata,
  parseHistorySteps,
  parseImageSize,
  parseManifest,
  platformManifests,
  repositoryOf,
} from './engine-output';
import { engineOutput } from './fixtures/engine-output';

describe('parseBuildxMetadata', () => {
  it('reads the digest, build ref and image name of a loaded build', () => {
    expect(
      parseBuildxMetadata(engineOutput('metadata.load.json'), 'metadata'),
    ).toMatchObject({
      'containerimage.digest':
        'sha256:5b0c8e2d41f7a9c3e6d8b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0',
      'buildx.build.ref': 'default/default/q9m2x7kd1c4v8n3b5h6j0wzla',
      'image.name': 'extproc:local',
    });
  });

  it.each([
    [
      '{"containerimage.digest": ',
      /^out\/metadata is not JSON \(.+\); the next build writes it again$/,
    ],
    ['["sha256:1"]', /^out\/metadata is not a JSON object of build metadata$/],
    ['null', /^out\/metadata is not a JSON object of build metadata$/],
  ])('names the file when its text is %s', (text, message) => {
    expect(() => parseBuildxMetadata(text, 'out/metadata')).toThrow(message);
  });
});

describe('parseBuildRef', () => {
  it.each([
    [
      'default/default/q9m2x7kd1c4v8n3b5h6j0wzla',
      { builder: 'default', node: 'default', ref: 'q9m2x7kd1c4v8n3b5h6j0wzla' },
    ],
    [
      'ci-builder/ci-builder0/r4t8y1u6',
      { builder: 'ci-builder', node: 'ci-builder0', ref: 'r4t8y1u6' },
    ],
    ['q9m2x7kd1c4v8n3b5h6j0wzla', undefined],
    ['default//q9m2x7kd', undefined],
    [undefined, undefined],
  ])('splits %s', (value, parts) => {
    expect(parseBuildRef(value)).toEqual(parts);
  });
});

describe('parseHistorySteps', () => {
  it('reads cached and total steps from buildx history inspect', () => {
    expect(parseHistorySteps(engineOutput('history-inspect.json'))).toEqual({
      cachedSteps: 17,
      totalSteps: 23,
    });
  });

  it('throws on output that is not JSON', () => {
    expect(() => parseHistorySteps('Name: extproc\n')).toThrow();
  });
});

describe('parseImageSize', () => {
  it.each([
    [engineOutput('image-inspect.size.stdout.txt'), 187_213_824],
    // docker prints an empty line on stdout when it cannot reach the daemon
    ['\n', undefined],
    ['<no value>\n', undefined],
  ])('reads %j as %s', (stdout, size) => {
    expect(parseImageSize(stdout)).toBe(size);
  });
});

describe('manifests', () => {
  const index = parseManifest(engineOutput('imagetools.index.json'));

  it('lists the image manifests of an index, not its attestations', () => {
    expect(platformManifests(index).map((child) => child.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux' },
    ]);
  });

  it.each([
    ['imagetools.manifest-amd64.json', 2841 + 29_153_418 + 41_772_203],
    ['imagetools.manifest-arm64.json', 2841 + 28_013_377 + 39_988_120],
    ['imagetools.index.json', undefined],
  ])('sizes %s as its config plus layers', (file, size) => {
    expect(imageManifestSize(parseManifest(engineOutput(file)))).toBe(size);
  });
});

describe('repositoryOf', () => {
  it.each([
    ['ghcr.io/semrouter/extproc:main', 'ghcr.io/semrouter/extproc'],
    ['ghcr.io/semrouter/extproc', 'ghcr.io/semrouter/extproc'],
    ['localhost:5000/extproc', 'localhost:5000/extproc'],
    ['localhost:5000/extproc:local', 'localhost:5000/extproc'],
    ['extproc@sha256:5b0c8e2d', 'extproc'],
  ])('takes the repository of %s', (name, repository) => {
    expect(repositoryOf(name)).toBe(repository);
  });
});

describe('engineFailure', () => {
  const exited = Object.assign(new Error('Command failed: docker'), {
    code: 1,
  });

  it.each([
    [
      'no daemon (docker image inspect)',
      'no-daemon.image-inspect.stderr.txt',
      'unreachable',
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    ],
    [
      'no daemon (docker buildx history inspect)',
      'no-daemon.history-inspect.stderr.txt',
      'unreachable',
      'ERROR: failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory',
    ],
    [
      'a registry that refuses the connection',
      'registry-refused.imagetools.stderr.txt',
      'refused',
      expect.stringMatching(
        /^ERROR: failed to do request: Head .+ connection refused$/,
      ),
    ],
  ])('classifies %s', (_, file, kind, reason) => {
    expect(engineFailure(exited, engineOutput(file), 15_000)).toEqual({
      kind,
      reason,
    });
  });

  it('says docker is not on PATH when it cannot be started', () => {
    const missing = Object.assign(new Error('spawn docker ENOENT'), {
      code: 'ENOENT',
    });
    expect(engineFailure(missing, '', 15_000)).toEqual({
      kind: 'missing',
      reason: 'docker is not on PATH',
    });
  });

  it('says how long it waited for a docker that did not answer', () => {
    const killed = Object.assign(new Error('Command failed'), {
      killed: true,
      code: null,
    });
    expect(engineFailure(killed, '', 15_000)).toEqual({
      kind: 'unreachable',
      reason: 'no answer within 15 s',
    });
  });

  it('keeps the error message when docker printed nothing', () => {
    expect(engineFailure(exited, '', 15_000)).toEqual({
      kind: 'refused',
      reason: 'Command failed: docker',
    });
  });
});
