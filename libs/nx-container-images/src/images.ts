import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { z } from 'zod';

/** IMAGES_FILE is the one place where image metadata is declared. */
export const IMAGES_FILE = 'tools/docker/images.json';

/** DOCKER_DIRECTORY holds the Dockerfiles named by IMAGES_FILE. */
export const DOCKER_DIRECTORY = 'tools/docker';

export const SUPPORTED_PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;

export type Platform = (typeof SUPPORTED_PLATFORMS)[number];

// Docker repository path components are also valid Nx project names, so the
// image name can be used as both without escaping.
const IMAGE_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REGISTRY_NAME =
  /^[a-z0-9.-]+(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+$/;

const platformSchema = z.enum(SUPPORTED_PLATFORMS, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a supported platform ` +
    `(use ${SUPPORTED_PLATFORMS.join(' or ')})`,
});

const buildArgsSchema = z.record(
  z.string().regex(BUILD_ARG_NAME, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a build argument name ` +
      '(use letters, digits and underscores, not starting with a digit)',
  }),
  z.string({ error: 'a build argument value must be a string (quote it)' }),
);

// typeError says "is required" for a missing field and `message` otherwise.
const typeError = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required (add it)' : message;

const relativePath = (what: string) =>
  z
    .string({ error: typeError(`${what} must be a string`) })
    .min(1, { error: `${what} must not be empty` })
    .refine((value) => !posix.isAbsolute(value), {
      error: `${what} must be a relative path`,
    });

const imageSchema = z.strictObject({
  dockerfile: relativePath('dockerfile').describe(
    'Dockerfile used for the host-platform build, relative to tools/docker',
  ),
  crossDockerfile: relativePath('crossDockerfile')
    .optional()
    .describe(
      'Dockerfile used by multi-platform configurations, relative to tools/docker',
    ),
  context: relativePath('context')
    .default('.')
    .describe('Build context, relative to the workspace root'),
  platforms: z
    .array(platformSchema)
    .min(1, { error: 'list at least one platform (linux/amd64, linux/arm64)' })
    .refine((list) => new Set(list).size === list.length, {
      error: 'a platform is listed twice (list each platform once)',
    })
    .describe('Platforms the image is published for'),
  buildArgs: buildArgsSchema
    .default({})
    .describe('Build arguments passed in every configuration'),
  airgapBuildArgs: buildArgsSchema
    .default({})
    .describe('Build arguments that select local base images (airgap)'),
  airgapNetwork: z
    .enum(['none', 'host'], {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a build network ` +
        '(use "host" for builds whose RUN steps download, else "none")',
    })
    .default('none')
    .describe(
      'Network of RUN steps in the airgap configuration: "none" (the ' +
        'default), or "host" so package installs reach the registries',
    ),
  secrets: z
    .array(
      z.string().regex(BUILD_ARG_NAME, {
        error: (issue) =>
          `${JSON.stringify(issue.input)} is not a secret id ` +
          '(use letters, digits and underscores, not starting with a digit)',
      }),
    )
    .default([])
    .describe(
      'Build secrets: each id is mounted by RUN --mount=type=secret,id=<id>, ' +
        'read at build time from the file named by $<id>_FILE',
    ),
  budgetMinutes: z
    .number({ error: typeError('budgetMinutes must be a number of minutes') })
    .int({ error: 'budgetMinutes must be a whole number of minutes' })
    .positive({ error: 'budgetMinutes must be greater than 0' })
    .describe('Build time budget in minutes'),
  registryName: z
    .string({ error: typeError('registryName must be a string') })
    .regex(REGISTRY_NAME, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a registry image name ` +
        '(use host/path without a tag, e.g. ghcr.io/org/image)',
    })
    .describe('Image name in the registry, without a tag'),
});

/** imagesFileSchema validates the whole of tools/docker/images.json. */
export const imagesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  images: z.record(
    z.string().regex(IMAGE_NAME, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a valid image name ` +
        '(use lowercase letters, digits and single ., _ or - between them)',
    }),
    imageSchema,
  ),
});

export type ImagesFile = z.output<typeof imagesFileSchema>;

/** ImageDefinition is one image with every path relative to the workspace. */
export interface ImageDefinition {
  name: string;
  dockerfile: string;
  crossDockerfile?: string;
  context: string;
  platforms: Platform[];
  buildArgs: Record<string, string>;
  airgapBuildArgs: Record<string, string>;
  /** airgapNetwork is the RUN network of the airgap configurations */
  airgapNetwork?: 'none' | 'host';
  /** secrets are build secret ids (images.json "secrets"); none when absent */
  secrets?: string[];
  budgetMinutes: number;
  registryName: string;
}

/** imagesJsonSchema returns the JSON schema of images.json. */
export function imagesJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(imagesFileSchema, { io: 'input' });
}

/**
 * readImages loads, validates and normalises IMAGES_FILE. It throws one error
 * that lists every problem found, each with its field and fix.
 */
export function readImages(workspaceRoot: string): ImageDefinition[] {
  const text = readFileSync(join(workspaceRoot, IMAGES_FILE), 'utf8');
  const problems = findDuplicateImageNames(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw imagesError([`${(error as Error).message} (fix the JSON syntax)`]);
  }

  const parsed = imagesFileSchema.safeParse(json);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map(formatIssue));
    throw imagesError(problems);
  }

  const images = normaliseImages(parsed.data);
  problems.push(...checkImages(workspaceRoot, images));
  if (problems.length > 0) {
    throw imagesError(problems);
  }
  return images;
}

/** normaliseImages turns validated JSON into workspace-relative images. */
export function normaliseImages(file: ImagesFile): ImageDefinition[] {
  return Object.entries(file.images)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, image]) => ({
      name,
      dockerfile: posix.join(DOCKER_DIRECTORY, image.dockerfile),
      crossDockerfile:
        image.crossDockerfile &&
        posix.join(DOCKER_DIRECTORY, image.crossDockerfile),
      context: posix.normalize(image.context).replace(/\/$/, '') || '.',
      platforms: image.platforms,
      buildArgs: image.buildArgs,
      airgapBuildArgs: image.airgapBuildArgs,
      airgapNetwork: image.airgapNetwork,
      secrets: image.secrets,
      budgetMinutes: image.budgetMinutes,
      registryName: image.registryName,
    }));
}

function checkImages(
  workspaceRoot: string,
  images: ImageDefinition[],
): string[] {
  const problems: string[] = [];
  const registryNames = new Map<string, string>();
  for (const image of images) {
    for (const field of ['dockerfile', 'crossDockerfile'] as const) {
      const file = image[field];
      if (file && !existsSync(join(workspaceRoot, file))) {
        problems.push(
          `images.${image.name}.${field}: ${file} does not exist ` +
            `(create it or name a file in ${DOCKER_DIRECTORY})`,
        );
      }
    }
    if (image.context.startsWith('..')) {
      problems.push(
        `images.${image.name}.context: "${image.context}" is outside the ` +
          'workspace (use a directory inside it, usually ".")',
      );
    }
    const other = registryNames.get(image.registryName);
    if (other) {
      problems.push(
        `images.${image.name}.registryName: "${image.registryName}" is ` +
          `already the registry name of images.${other} (give each image its own)`,
      );
    }
    registryNames.set(image.registryName, image.name);
  }
  return problems;
}

/** imagesError prefixes every problem with the file that holds it. */
export function imagesError(problems: string[]): Error {
  const lines = problems.map((problem) => `reading ${IMAGES_FILE}: ${problem}`);
  return new Error(lines.join('\n'));
}

/** formatIssue renders a zod issue as `field.path: message (fix)`. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const field = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
    return `${field}: unknown key ${keys} (remove it or fix its spelling)`;
  }
  if (issue.code === 'invalid_key') {
    return `${field}: ${issue.issues.map((inner) => inner.message).join('; ')}`;
  }
  if (
    issue.code === 'invalid_type' &&
    /received undefined$/.test(issue.message)
  ) {
    return `${field}: is required (add it)`;
  }
  return `${field}: ${issue.message}`;
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') {
      return `${text}[${key}]`;
    }
    const name = String(key);
    const plain = /^[A-Za-z_$][\w$-]*$/.test(name) && !name.includes('.');
    const part = plain ? name : JSON.stringify(name);
    return text ? `${text}.${part}` : part;
  }, '');
}

/**
 * findDuplicateImageNames reports image names written twice in the "images"
 * object. JSON.parse keeps the last one silently, which would hide an image.
 */
export function findDuplicateImageNames(text: string): string[] {
  const keysByObject: Array<Set<string>> = [];
  const path: Array<string | undefined> = [];
  const problems: string[] = [];
  let lastString: string | undefined;
  const token = /"(?:[^"\\]|\\.)*"|[{}[\]:,]/g;
  for (const match of text.matchAll(token)) {
    const value = match[0];
    if (value.startsWith('"')) {
      lastString = value;
    } else if (value === ':' && lastString !== undefined) {
      const key = JSON.parse(lastString) as string;
      const keys = keysByObject[keysByObject.length - 1];
      if (keys?.has(key) && path.length === 2 && path[0] === 'images') {
        problems.push(`images.${key}: the image is declared twice (keep one)`);
      }
      keys?.add(key);
      path[path.length - 1] = key;
    } else if (value === '{' || value === '[') {
      keysByObject.push(new Set());
      path.push(undefined);
      lastString = undefined;
    } else if (value === '}' || value === ']') {
      keysByObject.pop();
      path.pop();
    } else {
      lastString = undefined;
    }
  }
  return problems;
}
