// A build secret goes in through --secret, never a build argument: an
// image whose images.json entry declares "secrets": ["HF_TOKEN"] is built
// with nx run <image>:container:airgap and HF_TOKEN_FILE naming a file
// that holds a planted value. The build proves it could read the secret
// (it stores the value's SHA-256), and the value itself must appear in no
// image layer, no history entry, not in the build log, the metrics files
// or the GitHub step summary.
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  lstatSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  imageWorkspace,
  runIn,
  type Finished,
} from '../../../libs/nx-container-images/src/fixtures/image-workspace';
import { mustRun, runCommand } from './commands.js';

const secret = `hf_planted_${randomBytes(12).toString('hex')}`;
const secretSha = createHash('sha256').update(secret).digest('hex');
const image = 'secret-probe';

const DOCKERFILE = [
  'ARG TOOLS_IMAGE',
  'FROM ${TOOLS_IMAGE} AS runtime',
  'RUN --mount=type=secret,id=HF_TOKEN \\',
  '    test -s /run/secrets/HF_TOKEN \\',
  '    && sha256sum /run/secrets/HF_TOKEN >/token.sha256',
  'USER 65532:65532',
  'CMD ["cat", "/token.sha256"]',
  '',
].join('\n');

// filesUnder lists every file below a folder, for a content search.
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(folder, entry))
    .filter((path) => lstatSync(path).isFile());
}

describe('a build secret passed with --secret', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'e2e-secret-'));
  const summaryFile = join(scratch, 'step-summary.md');
  const metricsDir = join(scratch, 'metrics');
  let root = '';
  let build: Finished;

  beforeAll(async () => {
    mustRun('tools/docker/airgap/build-bases.sh', []);
    root = imageWorkspace({
      [image]: { dockerfile: DOCKERFILE, secrets: ['HF_TOKEN'] },
    });
    const secretFile = join(scratch, 'hf-token');
    writeFileSync(secretFile, secret);
    writeFileSync(summaryFile, '');
    build = await runIn(
      root,
      'npx',
      [
        'nx',
        'run',
        `${image}:container:airgap`,
        '--outputStyle=stream',
        '--verbose',
      ],
      {
        HF_TOKEN_FILE: secretFile,
        GITHUB_ACTIONS: 'true',
        GITHUB_STEP_SUMMARY: summaryFile,
        CONTAINER_METRICS_DIR: metricsDir,
        INPUT_NO_CACHE: 'true',
      },
    );
    expect(build.code, build.output.slice(-3000)).toBe(0);
  }, 10 * 60_000);
  afterAll(() => {
    runCommand('docker', ['rmi', '-f', `${image}:local`]);
    rmSync(root, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reaches the RUN step that mounts it', () => {
    const stored = mustRun('docker', [
      'run',
      '--rm',
      '--network=none',
      `${image}:local`,
    ]);
    expect(stored.split(/\s+/)[0]).toBe(secretSha);
  });

  // docker save writes every layer as an uncompressed tar inside the
  // archive, so a value stored in any layer would be there byte for byte.
  it('appears in no image layer and no history entry', () => {
    const archive = join(scratch, 'image.tar');
    mustRun('docker', ['save', '-o', archive, `${image}:local`]);
    const saved = readFileSync(archive);
    const history = mustRun('docker', [
      'history',
      '--no-trunc',
      `${image}:local`,
    ]);
    const inspected = mustRun('docker', ['image', 'inspect', `${image}:local`]);

    expect(saved.length).toBeGreaterThan(1_000_000);
    expect(saved.includes(secretSha)).toBe(true);
    expect(saved.includes(secret)).toBe(false);
    expect(history).not.toContain(secret);
    expect(inspected).not.toContain(secret);
  });

  it('appears in no build log, metrics file or step summary', () => {
    expect(build.output).not.toContain(secret);
    const metrics = filesUnder(metricsDir);
    expect(metrics.length).toBeGreaterThan(0);
    for (const file of [...metrics, summaryFile]) {
      expect(readFileSync(file, 'utf8'), file).not.toContain(secret);
    }
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/secret-probe/);
  });
});
