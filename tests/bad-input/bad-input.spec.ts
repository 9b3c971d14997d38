// The bad-input corpus: every case feeds one real command a mistake a user
// makes (image metadata, Dockerfiles, CLI options, router config, request
// bodies) and checks that it fails alone and clearly: a non-zero exit or
// an error status, a message naming the file, line or field and the fix,
// and no stack trace. Graph errors are checked through real `nx show
// projects` in a throw-away copy of the workspace, so nothing is built or
// pushed when the graph cannot be made.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createThrowawayWorkspace,
  WORKSPACE_ROOT,
  type ThrowawayWorkspace,
} from '../affected/src/throwaway-workspace';
import {
  freePort,
  startProcess,
  waitForHttp,
  type RunningProcess,
} from '../e2e/src/process';

// A stack frame as Node prints one; a user-facing error has none.
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

interface Outcome {
  status: number;
  output: string;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Outcome {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return {
    status: result.status ?? -1,
    output: `${result.stdout}\n${result.stderr}`,
  };
}

function expectClearFailure(outcome: Outcome, message: RegExp): void {
  expect(outcome.status, outcome.output).not.toBe(0);
  expect(outcome.output).toMatch(message);
  expect(outcome.output).not.toMatch(STACK_FRAME);
}

interface GraphCase {
  name: string;
  file: string;
  change: (text: string) => string;
  message: RegExp;
}

const replace =
  (from: string, to: string) =>
  (text: string): string => {
    if (!text.includes(from)) throw new Error(`fixture lacks ${from}`);
    return text.replace(from, to);
  };

const IMAGES = 'tools/docker/images.json';
const EXTPROC = 'tools/docker/Dockerfile.extproc';

const GRAPH_CASES: GraphCase[] = [
  {
    name: 'images.json that is not JSON',
    file: IMAGES,
    change: (text) => text.replace(/}\s*$/, ''),
    message: /tools\/docker\/images\.json: .*\(fix the JSON syntax\)/,
  },
  {
    name: 'an unknown platform',
    file: IMAGES,
    change: replace(
      '"platforms": ["linux/amd64", "linux/arm64"]',
      '"platforms": ["linux/amd64", "linux/arm"]',
    ),
    message:
      /images\.\S+\.platforms\[1\]: "linux\/arm" is not a supported platform \(use linux\/amd64 or linux\/arm64\)/,
  },
  {
    name: 'a platform listed twice',
    file: IMAGES,
    change: replace(
      '"platforms": ["linux/amd64", "linux/arm64"]',
      '"platforms": ["linux/amd64", "linux/amd64"]',
    ),
    message:
      /platforms: a platform is listed twice \(list each platform once\)/,
  },
  {
    name: 'two images with one name',
    file: IMAGES,
    change: replace(
      '"images": {',
      '"images": {\n    "stack": { "dockerfile": "Dockerfile.stack", "platforms": ["linux/amd64"], "budgetMinutes": 5, "registryName": "ghcr.io/semrouter/stack-again" },',
    ),
    message: /images\.stack: the image is declared twice \(keep one\)/,
  },
  {
    name: 'an unknown key in an image entry',
    file: IMAGES,
    change: replace(
      '"budgetMinutes": 60,',
      '"budgetMinutes": 60,\n      "budgetMinute": 60,',
    ),
    message:
      /images\.extproc: unknown key "budgetMinute" \(remove it or fix its spelling\)/,
  },
  {
    name: 'a missing budget',
    file: IMAGES,
    change: replace('"budgetMinutes": 60,', ''),
    message: /images\.extproc\.budgetMinutes: is required \(add it\)/,
  },
  {
    name: 'a budget of zero minutes',
    file: IMAGES,
    change: replace('"budgetMinutes": 60,', '"budgetMinutes": 0,'),
    message:
      /images\.extproc\.budgetMinutes: budgetMinutes must be greater than 0/,
  },
  {
    name: 'an image name with capitals and a space',
    file: IMAGES,
    change: replace('"extproc": {', '"Ext Proc": {'),
    message: /"Ext Proc" is not a valid image name \(use lowercase letters/,
  },
  {
    name: 'a Dockerfile that does not exist',
    file: IMAGES,
    change: replace(
      '"dockerfile": "Dockerfile.extproc"',
      '"dockerfile": "Dockerfile.extprok"',
    ),
    message:
      /images\.extproc\.dockerfile: tools\/docker\/Dockerfile\.extprok does not exist \(create it or name a file in tools\/docker\)/,
  },
  {
    name: 'a registry name with a tag',
    file: IMAGES,
    change: replace(
      '"registryName": "ghcr.io/semrouter/extproc"',
      '"registryName": "ghcr.io/semrouter/extproc:latest"',
    ),
    message:
      /"ghcr\.io\/semrouter\/extproc:latest" is not a registry image name \(use host\/path without a tag/,
  },
  {
    name: 'an unknown airgap network',
    file: IMAGES,
    change: replace('"airgapNetwork": "host"', '"airgapNetwork": "bridge"'),
    message: /airgapNetwork: "bridge" is not a build network \(use "host"/,
  },
  {
    name: 'a build argument no Dockerfile declares',
    file: IMAGES,
    change: replace(
      '"RUNTIME_IMAGE": "127.0.0.1:5000',
      '"RUNTIME_IMAGEE": "x",\n        "RUNTIME_IMAGE": "127.0.0.1:5000',
    ),
    message:
      /RUNTIME_IMAGEE: .*declares no ARG RUNTIME_IMAGEE.*\(declare ARG RUNTIME_IMAGEE where it is used, or remove it\)/,
  },
  {
    name: 'an image named like an existing project',
    file: IMAGES,
    change: replace('"stack": {', '"dashboard": {'),
    message:
      /images\.dashboard: the name is already taken by the project at apps\/dashboard \(rename the image\)/,
  },
  {
    name: 'an instruction BuildKit does not know',
    file: EXTPROC,
    change: (text) =>
      `${text}\nCOPPY apps/semantic-router/config/ /app/config/\n`,
    message:
      /tools\/docker\/Dockerfile\.extproc:\d+: unknown instruction "COPPY" \(did you mean COPY\?\)/,
  },
  {
    name: 'a COPY with no destination',
    file: EXTPROC,
    change: (text) => `${text}\nCOPY apps/semantic-router/config/\n`,
    message:
      /tools\/docker\/Dockerfile\.extproc:\d+: COPY needs a source and a destination \(write COPY <source>\.\.\. <destination>\)/,
  },
  {
    name: 'a COPY of a path that does not exist',
    file: EXTPROC,
    change: (text) =>
      `${text}\nCOPY apps/semantic-router/confg/ /app/config/\n`,
    message:
      /tools\/docker\/Dockerfile\.extproc:\d+: COPY source "apps\/semantic-router\/confg" .*does not exist .*\(fix the path/,
  },
  {
    name: 'a COPY from outside the build context',
    file: EXTPROC,
    change: (text) => `${text}\nCOPY ../secrets.txt /app/\n`,
    message:
      /tools\/docker\/Dockerfile\.extproc:\d+: COPY source "\.\.\/secrets\.txt" is outside the build context/,
  },
  {
    name: 'a COPY of a folder git ignores',
    file: EXTPROC,
    change: (text) => `${text}\nCOPY node_modules/zod/ /app/zod/\n`,
    message:
      /tools\/docker\/Dockerfile\.extproc:\d+: COPY source "node_modules\/zod" .*is ignored by git .*\(commit it, or build it with an Nx target/,
  },
  {
    name: 'two stages that copy from each other',
    file: EXTPROC,
    change: (text) =>
      `${text}\nFROM scratch AS loop-a\nCOPY --from=loop-b /x /x\nFROM scratch AS loop-b\nCOPY --from=loop-a /y /y\n`,
    message:
      /tools\/docker\/Dockerfile\.extproc:\d+: stages read each other in a loop: "loop-a" reads "loop-b"/,
  },
];

describe('graph creation refuses bad image metadata and Dockerfiles', () => {
  let workspace: ThrowawayWorkspace;

  beforeAll(() => {
    workspace = createThrowawayWorkspace();
  });
  afterAll(() => workspace?.remove());

  it.each(GRAPH_CASES)('$name', ({ file, change, message }) => {
    workspace.git('checkout', '-q', '-f', workspace.base);
    const path = join(workspace.root, file);
    writeFileSync(path, change(readFileSync(path, 'utf8')));
    // A new workspace-data folder each time: Nx must compute the graph
    // from the files, not from what an earlier case left cached.
    const dataDir = mkdtempSync(join(tmpdir(), 'bad-input-nx-'));
    try {
      const outcome = run(
        'npx',
        ['nx', 'show', 'projects', '--json'],
        workspace.root,
        {
          NX_WORKSPACE_DATA_DIRECTORY: dataDir,
        },
      );
      expectClearFailure(outcome, message);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('commands refuse bad options with usage errors', () => {
  const tsx = (script: string, ...args: string[]) =>
    run(
      'npx',
      ['tsx', `libs/nx-container-images/src/cli/${script}`, ...args],
      WORKSPACE_ROOT,
    );

  it.each([
    [
      'build-affected: an unknown option',
      () => tsx('build-affected.ts', '--bogus'),
      /unknown option "--bogus"/,
    ],
    [
      'build-affected: a timeout that is not a duration',
      () =>
        tsx('build-affected.ts', '--images', 'extproc', '--timeout', 'soon'),
      /--timeout "soon" is not a duration \(use a number with s, m or h/,
    ],
    [
      'build-affected: --index with --load',
      () =>
        tsx('build-affected.ts', '--images', 'extproc', '--index', '--load'),
      /cannot go with --load/,
    ],
    [
      'lint-dockerfile: an unknown image',
      () => tsx('lint-dockerfile.ts', '--image', 'nope'),
      /--image nope: no such image in tools\/docker\/images\.json \(images: /,
    ],
    [
      'lint-dockerfile: an option without its value',
      () => tsx('lint-dockerfile.ts', '--image'),
      /--image needs a value \(see --help\)/,
    ],
    [
      'metrics-chart: an unknown option',
      () => tsx('metrics-chart.ts', '--bogus'),
      /--bogus/,
    ],
    [
      'test.sh: an unknown suite',
      () =>
        run('tools/scripts/test.sh', ['--no-setup', 'nosuch'], WORKSPACE_ROOT),
      /unknown suite "nosuch" \(suites: /,
    ],
    [
      'build-bases.sh: an unknown option',
      () =>
        run('tools/docker/airgap/build-bases.sh', ['--bogus'], WORKSPACE_ROOT),
      /unknown option "--bogus" \(see --help\)/,
    ],
  ])('%s', (_name, command, message) => {
    expectClearFailure(command(), message);
  });
});

describe('the router refuses an invalid config at start, naming the field', () => {
  const router = join(
    WORKSPACE_ROOT,
    'dist/apps/semantic-router/host/semantic-router',
  );
  const config = join(
    WORKSPACE_ROOT,
    'apps/semantic-router/config/config.yaml',
  );
  const libraries = ['candle-binding', 'ml-binding']
    .map((crate) => join(WORKSPACE_ROOT, 'dist/libs', crate, 'host'))
    .join(':');
  const scratch = mkdtempSync(join(tmpdir(), 'bad-config-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const start = (text: string) => {
    const file = join(
      scratch,
      `config-${Math.random().toString(36).slice(2)}.yaml`,
    );
    writeFileSync(file, text);
    writeFileSync(
      join(scratch, 'routing-history.tsv'),
      readFileSync(
        join(WORKSPACE_ROOT, 'apps/semantic-router/config/routing-history.tsv'),
      ),
    );
    return run(
      router,
      [
        `--config=${file}`,
        '--http-addr=127.0.0.1:0',
        '--grpc-addr=127.0.0.1:0',
      ],
      scratch,
      {
        LD_LIBRARY_PATH: libraries,
      },
    );
  };
  const valid = () => readFileSync(config, 'utf8');

  it.each([
    [
      'knn.k of zero',
      () => valid().replace('k: 5', 'k: 0'),
      /config-\w+\.yaml:\d+: knn\.k: must be at least 1, got 0/,
    ],
    [
      'a category the classifier does not know',
      () => valid().replace('- name: math', '- name: maths'),
      /categories\[0\]\.name: "maths" is not a category of the classifier \(use one of math, /,
    ],
    [
      'a category without models',
      () =>
        valid().replace(
          'models: [llama-3.1-8b, mistral-7b-instruct]',
          'models: []',
        ),
      /config-\w+\.yaml:\d+: categories\[3\]\.models: must list at least one model/,
    ],
    [
      'YAML that does not parse',
      () => 'default_model: [\n',
      /config-\w+\.yaml: line 1: .* \(fix the YAML syntax\)/,
    ],
  ])('%s', (_name, text, message) => {
    expectClearFailure(start(text()), message);
  });

  it('names a missing config file and the flag to fix it', () => {
    const outcome = run(
      router,
      ['--config=/nonexistent/config.yaml'],
      scratch,
      { LD_LIBRARY_PATH: libraries },
    );
    expectClearFailure(
      outcome,
      /reading config: open \/nonexistent\/config\.yaml: no such file or directory \(pass --config with the path of a YAML file\)/,
    );
  });
});

describe('the router answers malformed requests with a clear status', () => {
  let router: RunningProcess;
  let base = '';

  beforeAll(async () => {
    const http = await freePort();
    const grpc = await freePort();
    router = startProcess(
      join(WORKSPACE_ROOT, 'dist/apps/semantic-router/host/semantic-router'),
      [
        `--config=${join(WORKSPACE_ROOT, 'apps/semantic-router/config/config.yaml')}`,
        `--http-addr=127.0.0.1:${http}`,
        `--grpc-addr=127.0.0.1:${grpc}`,
      ],
      {
        LD_LIBRARY_PATH: ['candle-binding', 'ml-binding']
          .map((crate) => join(WORKSPACE_ROOT, 'dist/libs', crate, 'host'))
          .join(':'),
      },
    );
    base = `http://127.0.0.1:${http}`;
    await waitForHttp(`${base}/health`, router, 90_000);
  }, 120_000);
  afterAll(() => router?.stop());

  it.each([
    [
      'a body that is not JSON',
      'POST',
      '{"text": ',
      400,
      /request body is not valid JSON: unexpected EOF \(send \{\\"text\\": /,
    ],
    [
      'a body without text',
      'POST',
      '{"txt": "hello"}',
      400,
      /text: is required \(send/,
    ],
    [
      'text that is not a string',
      'POST',
      '{"text": 42}',
      400,
      /ClassifyRequest\.text of type string \(send/,
    ],
    [
      'a GET on the classify endpoint',
      'GET',
      undefined,
      405,
      /GET is not allowed on \/api\/v1\/classify \(use POST\)/,
    ],
  ])('%s', async (_name, method, body, status, message) => {
    const response = await fetch(`${base}/api/v1/classify`, { method, body });
    const text = await response.text();

    expect(response.status, text).toBe(status);
    expect(text).toMatch(message);
    expect(text).not.toMatch(STACK_FRAME);
  });

  it('still classifies after every malformed request', async () => {
    const response = await fetch(`${base}/api/v1/classify`, {
      method: 'POST',
      body: JSON.stringify({ text: 'What is the derivative of x squared?' }),
    });
    expect(((await response.json()) as { category: string }).category).toBe(
      'math',
    );
  });
});
