import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from './throwaway-workspace';

// A crate whose build script reports the NUM_JOBS cargo gives it, which
// cargo derives from -j or CARGO_BUILD_JOBS.
const CRATE = {
  'Cargo.toml': [
    '[package]',
    'name = "jobs-probe"',
    'version = "0.1.0"',
    'edition = "2021"',
    '',
    '[lib]',
    'crate-type = ["cdylib"]',
    '',
  ].join('\n'),
  'Cargo.lock': [
    'version = 4',
    '',
    '[[package]]',
    'name = "jobs-probe"',
    'version = "0.1.0"',
    '',
  ].join('\n'),
  'build.rs': [
    'fn main() {',
    '    let jobs = std::env::var("NUM_JOBS").unwrap_or_default();',
    '    println!("cargo:warning=NUM_JOBS={jobs}");',
    '}',
    '',
  ].join('\n'),
  'src/lib.rs':
    '#[no_mangle]\npub extern "C" fn jobs_probe() -> u32 {\n    1\n}\n',
};

describe('CARGO_BUILD_JOBS', () => {
  const root = mkdtempSync(join(tmpdir(), 'cargo-jobs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reaches cargo through tools/scripts/build-rust.sh', () => {
    for (const script of ['build-rust.sh', 'platform.sh']) {
      mkdirSync(join(root, 'tools/scripts'), { recursive: true });
      copyFileSync(
        join(WORKSPACE_ROOT, 'tools/scripts', script),
        join(root, 'tools/scripts', script),
      );
    }
    for (const [file, text] of Object.entries(CRATE)) {
      mkdirSync(join(root, 'libs/jobs-probe', file, '..'), { recursive: true });
      writeFileSync(join(root, 'libs/jobs-probe', file), text);
    }

    const result = spawnSync(
      join(root, 'tools/scripts/build-rust.sh'),
      ['libs/jobs-probe', 'linux/amd64'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, CARGO_BUILD_JOBS: '3' },
      },
    );

    const output = result.stdout + result.stderr;
    expect(result.status, output).toBe(0);
    expect(output).toMatch(/jobs: 3\b/);
    expect(output).toMatch(/warning: jobs-probe@0\.1\.0: NUM_JOBS=3\b/);
  });
});
