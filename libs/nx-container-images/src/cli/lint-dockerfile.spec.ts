import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  removeWorkspace,
  writeWorkspace,
  type FixtureFiles,
} from '../fixtures/workspace';
import { readImages } from '../images';
import { PINNED } from '../policy/lint-fixture';
import { POLICY_RULES } from '../policy/lint';
import {
  LINT_USAGE,
  lintDockerfileCommand,
  parseLintOptions,
  runLint,
  UsageError,
} from './lint-dockerfile';

const repositoryRoot = resolve(__dirname, '../../../..');

describe('parseLintOptions', () => {
  it('lints every image through the default local registry by default', () => {
    expect(parseLintOptions([])).toEqual({
      images: [],
      localRegistry: '127.0.0.1:5000',
    });
  });

  it('reads repeated images and a registry, in both flag forms', () => {
    const options = parseLintOptions([
      '--image',
      'extproc',
      '--image=stack',
      '--local-registry=registry.lan:5000/',
    ]);
    expect(options).toEqual({
      images: ['extproc', 'stack'],
      localRegistry: 'registry.lan:5000',
    });
  });

  it.each([['-h'], ['--help'], ['--image', 'x', '--help']])(
    'answers %j with help',
    (...argv) => {
      expect(parseLintOptions(argv)).toBe('help');
    },
  );

  it.each([
    [['--image'], '--image needs a value (see --help)'],
    [['--image='], '--image needs a value (see --help)'],
    [
      ['--image', '--local-registry', 'x'],
      '--image needs a value (see --help)',
    ],
    [['--local-registry'], '--local-registry needs a value (see --help)'],
    [['--images', 'extproc'], 'unknown option "--images" (see --help)'],
    [['extproc'], 'unknown option "extproc" (see --help)'],
  ])('rejects %j as a usage error', (argv, message) => {
    expect(() => parseLintOptions(argv)).toThrow(
      expect.objectContaining({ constructor: UsageError, message }),
    );
  });
});

function image(dockerfile: string) {
  return {
    dockerfile,
    platforms: ['linux/amd64', 'linux/arm64'],
    budgetMinutes: 10,
    registryName: `ghcr.io/semrouter/${dockerfile.toLowerCase().replace('dockerfile.', '')}`,
  };
}

const CLEAN_DOCKERFILE = [
  `FROM ${PINNED}`,
  'COPY app /app',
  'USER 65532:65532',
  'ENTRYPOINT ["/app"]',
  '',
].join('\n');

function lintWorkspace(): FixtureFiles {
  return {
    'tools/docker/images.json': {
      images: { good: image('Dockerfile.good'), bad: image('Dockerfile.bad') },
    },
    'tools/docker/Dockerfile.good': CLEAN_DOCKERFILE,
    'tools/docker/Dockerfile.bad': [
      'FROM debian:bookworm',
      'COPY app /app',
      'CMD /app',
      '',
    ].join('\n'),
  };
}

describe('runLint', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) {
      removeWorkspace(root);
      root = undefined;
    }
  });

  function run(options: { images?: string[] }) {
    root = writeWorkspace(lintWorkspace());
    const lines: string[] = [];
    const code = runLint(
      root,
      { images: options.images ?? [], localRegistry: '127.0.0.1:5000' },
      (line) => lines.push(line),
    );
    return { code, lines };
  }

  it('prints each finding and a count per image, and exits 1', () => {
    const { code, lines } = run({});
    expect(code).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /^tools\/docker\/Dockerfile\.bad:1: final-user-not-root: .*\(add `USER 65532:65532`/,
      ),
      expect.stringMatching(
        /^tools\/docker\/Dockerfile\.bad:1: base-pinned-by-digest: FROM pulls "debian:bookworm" .*\(append @sha256:<digest>/,
      ),
      expect.stringMatching(
        /^tools\/docker\/Dockerfile\.bad:3: json-entrypoint-cmd: .*\(write CMD \["\/app"\]\)$/,
      ),
      'lint-dockerfile: bad: 3 findings',
      'lint-dockerfile: good: 0 findings',
    ]);
  });

  it('exits 0 when the chosen images have no finding', () => {
    expect(run({ images: ['good'] })).toEqual({
      code: 0,
      lines: ['lint-dockerfile: good: 0 findings'],
    });
  });

  it('rejects an image that images.json does not declare, listing the known ones', () => {
    expect(() => run({ images: ['good', 'gone'] })).toThrow(
      new UsageError(
        '--image gone: no such image in tools/docker/images.json (images: bad, good)',
      ),
    );
  });
});

describe('lintDockerfileCommand', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) {
      removeWorkspace(root);
      root = undefined;
    }
  });

  function command(argv: string[], files: FixtureFiles = lintWorkspace()) {
    root = writeWorkspace(files);
    const out: string[] = [];
    const err: string[] = [];
    const code = lintDockerfileCommand(argv, root, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out, err };
  }

  it('prints the usage with every rule and exits 0 on --help', () => {
    const { code, out } = command(['--help']);
    expect(code).toBe(0);
    expect(out).toEqual([LINT_USAGE]);
    for (const rule of POLICY_RULES) {
      expect(LINT_USAGE).toContain(`  ${rule.id}: ${rule.summary}`);
    }
  });

  it.each([
    [['--bogus'], 2, 'lint-dockerfile: unknown option "--bogus" (see --help)'],
    [
      ['--image', 'gone'],
      2,
      'lint-dockerfile: --image gone: no such image in tools/docker/images.json',
    ],
  ])(
    'answers %j with exit %i and one line, no stack',
    (argv, status, message) => {
      const { code, out, err } = command(argv);
      expect(code).toBe(status);
      expect(out).toEqual([]);
      expect(err).toHaveLength(1);
      expect(err[0]).toContain(message);
    },
  );

  it('exits 1 with the field and fix when images.json is invalid', () => {
    const files = lintWorkspace();
    files['tools/docker/images.json'] = {
      images: { good: { dockerfile: 'Dockerfile.good' } },
    };
    const { code, err } = command([], files);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain(
      'lint-dockerfile: reading tools/docker/images.json: images.good.platforms: is required (add it)',
    );
    expect(err.join('\n')).not.toMatch(/\n\s+at /);
  });
});

describe('the real workspace', () => {
  it('has no finding in any image, run the way the lint-dockerfile target runs it', () => {
    const cli = join(
      repositoryRoot,
      'libs/nx-container-images/src/cli/lint-dockerfile.ts',
    );
    const result = spawnSync(
      join(repositoryRoot, 'node_modules/.bin/tsx'),
      [cli],
      { cwd: repositoryRoot, encoding: 'utf8' },
    );
    const images = readImages(repositoryRoot).map(({ name }) => name);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual(
      images.map((name) => `lint-dockerfile: ${name}: 0 findings`),
    );
    expect(result.status).toBe(0);
  });
});
