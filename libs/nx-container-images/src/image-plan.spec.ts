import { describe, expect, it } from 'vitest';
import { airgapRecipeInputs } from './image-plan';
import type { ImageDefinition } from './images';

const image: ImageDefinition = {
  name: 'extproc',
  dockerfile: 'tools/docker/Dockerfile.extproc',
  context: '.',
  platforms: ['linux/amd64'],
  buildArgs: {},
  airgapBuildArgs: {},
  budgetMinutes: 60,
  registryName: 'ghcr.io/semrouter/extproc',
};

describe('airgapRecipeInputs', () => {
  it('reads tools/docker/airgap when an airgap build argument names a base it makes', () => {
    const airgapBuildArgs = {
      RUNTIME_IMAGE: '127.0.0.1:5000/semrouter-airgap/cc-runtime:bookworm',
    };
    expect(airgapRecipeInputs({ ...image, airgapBuildArgs })).toEqual([
      'tools/docker/airgap/**/*',
    ]);
  });

  it('reads no recipe when the airgap bases come from elsewhere', () => {
    const airgapBuildArgs = { RUNTIME_IMAGE: 'mirror.local/debian:bookworm' };
    expect(airgapRecipeInputs({ ...image, airgapBuildArgs })).toEqual([]);
    expect(airgapRecipeInputs(image)).toEqual([]);
  });
});
