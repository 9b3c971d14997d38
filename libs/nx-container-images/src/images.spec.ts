import { afterEach, describe, expect, it } from 'vitest';
import {
  removeWorkspace,
  writeFiles,
  writeWorkspace,
} from './fixtures/workspace';
import {
  findDuplicateImageNames,
  imagesJsonSchema,
  readImages,
} from './images';

const validImage = {
  dockerfile: 'Dockerfile.extproc',
  platforms: ['linux/amd64', 'linux/arm64'],
  budgetMinutes: 60,
  registryName: 'ghcr.io/semrouter/extproc',
};

let root: string | undefined;

afterEach(() => {
  if (root) {
    removeWorkspace(root);
    root = undefined;
  }
});

function workspaceWith(images: unknown): string {
  root = writeWorkspace({
    'tools/docker/Dockerfile.extproc': 'FROM scratch\n',
    'tools/docker/images.json':
      typeof images === 'string' ? images : { images },
  });
  return root;
}

describe('readImages', () => {
  it('normalises paths to the workspace root and fills defaults', () => {
    const images = readImages(workspaceWith({ extproc: validImage }));
    expect(images).toEqual([
      {
        name: 'extproc',
        dockerfile: 'tools/docker/Dockerfile.extproc',
        crossDockerfile: undefined,
        context: '.',
        platforms: ['linux/amd64', 'linux/arm64'],
        buildArgs: {},
        airgapBuildArgs: {},
        airgapNetwork: 'none',
        secrets: [],
        budgetMinutes: 60,
        registryName: 'ghcr.io/semrouter/extproc',
      },
    ]);
  });

  it('keeps the build secret ids an image lists', () => {
    const workspace = workspaceWith({
      extproc: { ...validImage, secrets: ['HF_TOKEN'] },
    });
    expect(readImages(workspace)[0].secrets).toEqual(['HF_TOKEN']);
  });

  it.each([
    [
      'an unsupported platform',
      { platforms: ['linux/amd64', 'linux/arm'] },
      'reading tools/docker/images.json: images.extproc.platforms[1]: "linux/arm" is not a supported platform (use linux/amd64 or linux/arm64)',
    ],
    [
      'a platform listed twice',
      { platforms: ['linux/amd64', 'linux/amd64'] },
      'images.extproc.platforms: a platform is listed twice (list each platform once)',
    ],
    [
      'an unknown key',
      { budget: 3 },
      'images.extproc: unknown key "budget" (remove it or fix its spelling)',
    ],
    [
      'a missing budget',
      { budgetMinutes: undefined },
      'images.extproc.budgetMinutes: is required (add it)',
    ],
    [
      'a fractional budget',
      { budgetMinutes: 1.5 },
      'images.extproc.budgetMinutes: budgetMinutes must be a whole number of minutes',
    ],
    [
      'a registry name with a tag',
      { registryName: 'ghcr.io/semrouter/extproc:latest' },
      'images.extproc.registryName: "ghcr.io/semrouter/extproc:latest" is not a registry image name (use host/path without a tag, e.g. ghcr.io/org/image)',
    ],
    [
      'a build argument with a bad name',
      { buildArgs: { 'CARGO-JOBS': '4' } },
      'images.extproc.buildArgs.CARGO-JOBS: "CARGO-JOBS" is not a build argument name',
    ],
    [
      'a secret id with a bad name',
      { secrets: ['hf-token'] },
      'images.extproc.secrets[0]: "hf-token" is not a secret id (use letters, digits and underscores, not starting with a digit)',
    ],
    [
      'a missing Dockerfile',
      { dockerfile: 'Dockerfile.gone' },
      'images.extproc.dockerfile: tools/docker/Dockerfile.gone does not exist (create it or name a file in tools/docker)',
    ],
    [
      'a missing cross Dockerfile',
      { crossDockerfile: 'Dockerfile.extproc.cross' },
      'images.extproc.crossDockerfile: tools/docker/Dockerfile.extproc.cross does not exist',
    ],
    [
      'a context outside the workspace',
      { context: '../other' },
      'images.extproc.context: "../other" is outside the workspace',
    ],
  ])('rejects %s naming the field and the fix', (_, change, message) => {
    const workspace = workspaceWith({ extproc: { ...validImage, ...change } });
    expect(() => readImages(workspace)).toThrow(message);
  });

  it('rejects an image name that is not a valid image or project name', () => {
    const workspace = workspaceWith({ 'Ext Proc': validImage });
    expect(() => readImages(workspace)).toThrow(
      'images."Ext Proc": "Ext Proc" is not a valid image name',
    );
  });

  it('rejects an image declared twice and two images with one registry name', () => {
    const workspace = workspaceWith({ extproc: validImage, other: validImage });
    writeFiles(workspace, {
      'tools/docker/images.json':
        '{"images": {"extproc": {}, "extproc": ' +
        JSON.stringify(validImage) +
        '}}',
    });
    expect(() => readImages(workspace)).toThrow(
      'images.extproc: the image is declared twice (keep one)',
    );
    writeFiles(workspace, {
      'tools/docker/images.json': {
        images: { extproc: validImage, other: validImage },
      },
    });
    expect(() => readImages(workspace)).toThrow(
      'images.other.registryName: "ghcr.io/semrouter/extproc" is already the registry name of images.extproc',
    );
  });

  it('lists every problem in one error', () => {
    const workspace = workspaceWith({
      extproc: { ...validImage, platforms: ['linux/arm'], budgetMinutes: 0 },
    });
    expect(() => readImages(workspace)).toThrow(
      /platforms\[0\].*\n.*budgetMinutes must be greater than 0/,
    );
  });

  it('reports invalid JSON with the file name', () => {
    const workspace = workspaceWith('{"images": ');
    expect(() => readImages(workspace)).toThrow(
      /^reading tools\/docker\/images.json: .*\(fix the JSON syntax\)/,
    );
  });
});

describe('findDuplicateImageNames', () => {
  it('ignores repeated keys below the image level', () => {
    const text =
      '{"images": {"a": {"buildArgs": {"X": "1"}}, "b": {"buildArgs": {"X": "2"}}}}';
    expect(findDuplicateImageNames(text)).toEqual([]);
  });
});

describe('imagesJsonSchema', () => {
  it('describes the image fields and rejects unknown keys', () => {
    const schema = imagesJsonSchema() as {
      properties: { images: { additionalProperties: Record<string, unknown> } };
    };
    const image = schema.properties.images.additionalProperties;
    expect(image).toMatchObject({
      additionalProperties: false,
      required: expect.arrayContaining(['dockerfile', 'platforms']),
    });
  });
});
