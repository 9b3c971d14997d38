import { describe, expect, it } from 'vitest';
import { containerEnv, pushes } from './container-env';

const perPlatform = {
  push: false,
  platforms: ['linux/amd64'],
  outputs: [
    'type=image,name=ghcr.io/semrouter/extproc,push-by-digest=true,' +
      'name-canonical=true,push=true',
  ],
};

describe('containerEnv', () => {
  const request = {
    registryName: 'ghcr.io/semrouter/extproc',
    repository: 'ghcr.io/semrouter/extproc',
    hash: '42',
    options: perPlatform,
    load: false,
  };

  it('labels the image with the container task hash', () => {
    expect(containerEnv(request)).toEqual({
      INPUT_LABELS: 'org.semrouter.nx.container-hash=42',
    });
  });

  it('pushes to another repository when a prefix is given', () => {
    const env = containerEnv({
      ...request,
      repository: '127.0.0.1:5000/ci/extproc',
      builder: 'semrouter-multiarch',
    });
    expect(env.INPUT_OUTPUTS).toBe(
      'type=image,name=127.0.0.1:5000/ci/extproc,push-by-digest=true,' +
        'name-canonical=true,push=true',
    );
    expect(env.INPUT_BUILDER).toBe('semrouter-multiarch');
  });

  it('loads into the engine and pushes nothing for a pull request', () => {
    const env = containerEnv({ ...request, load: true });
    expect(env.INPUT_PUSH).toBe('false');
    expect(env.INPUT_OUTPUTS).toBe(
      'type=docker,name=ghcr.io/semrouter/extproc:nxhash-42',
    );
    expect(pushes(perPlatform, true)).toBe(false);
  });
});

describe('pushes', () => {
  it('sees a push in push: true or in an image output with push=true', () => {
    expect(pushes(perPlatform, false)).toBe(true);
    expect(pushes({ push: true }, false)).toBe(true);
    expect(pushes({ push: false, load: true }, false)).toBe(false);
  });
});
