// The toolchain images, dev and precommit, built with Nx in the airgap
// configuration for the host platform: every tool prints its version, the
// dev image says which tool the air-gapped build left out, and the
// precommit linters check this repository's own files (mounted read-only,
// no network).
import { beforeAll, describe, expect, it } from 'vitest';
import { mustRun, runCommand, workspaceRoot } from './commands.js';

const buildTimeoutMs = 30 * 60_000;

function buildImage(project: string): void {
  mustRun(
    'npx',
    ['nx', 'run', `${project}:container:airgap`, '--outputStyle=stream'],
    {},
    buildTimeoutMs,
  );
}

function runIn(image: string, script: string): string {
  return mustRun('docker', [
    'run',
    '--rm',
    '--network=none',
    '-v',
    `${workspaceRoot}:/src:ro`,
    '-w',
    '/src',
    image,
    'sh',
    '-c',
    script,
  ]);
}

beforeAll(() => {
  mustRun('tools/docker/airgap/build-bases.sh', []);
}, buildTimeoutMs);

describe('dev image (airgap)', () => {
  beforeAll(() => buildImage('dev'), buildTimeoutMs);

  it.each([
    ['cargo --version', /^cargo 1\.\d+/],
    ['rustc --version', /^rustc 1\.\d+/],
    ['go version', /^go version go1\.\d+/],
    ['node --version', /^v\d+\./],
    ['npm --version', /^\d+\./],
    ['hf version', /version/],
    ['gcc --version', /^gcc /],
    ['git --version', /^git version/],
  ])('has %s', (command, version) => {
    expect(runIn('dev:local', command)).toMatch(version);
  });

  it('compiles and runs a cgo program as its non-root user', () => {
    const output = runIn(
      'dev:local',
      'id -u && cd "$(mktemp -d)" && ' +
        'printf \'package main\\n// int answer(void) { return 42; }\\nimport "C"\\nimport "fmt"\\nfunc main() { fmt.Println(C.answer()) }\\n\' >main.go && ' +
        'go run main.go',
    );
    expect(output.trim().split('\n')).toEqual(['1000', '42']);
  });

  it('says which tool the air-gapped build left out, and why', () => {
    const tools = runIn('dev:local', 'cat /etc/semrouter/dev-tools');
    expect(tools).toContain('rust: debian');
    expect(tools).toContain('node: debian');
    expect(tools).toMatch(/^envoy: left out \(build arg ENVOY_IMAGE is empty/m);
  });
});

describe('precommit image (airgap)', () => {
  beforeAll(() => buildImage('precommit'), buildTimeoutMs);

  it.each([
    ['shellcheck --version', /version: 0\.\d+/],
    ['yamllint --version', /^yamllint \d+/],
    ['codespell --version', /^\d+\.\d+/],
    ['pre-commit --version', /^pre-commit \d+/],
    ['markdownlint --version', /^\d+\.\d+/],
    ['golangci-lint --version', /golangci-lint has version 2\./],
    ['actionlint --version', /^v1\.\d+/],
  ])('has %s', (command, version) => {
    expect(runIn('precommit:local', command)).toMatch(version);
  });

  it("passes this repository's workflow and shell scripts through actionlint and shellcheck", () => {
    const output = runIn(
      'precommit:local',
      'actionlint .github/workflows/*.yml && shellcheck -x tools/scripts/*.sh && echo clean',
    );
    expect(output.trim()).toBe('clean');
  });

  it('finds a real problem in a broken shell script', () => {
    const result = runCommand('docker', [
      'run',
      '--rm',
      '--network=none',
      'precommit:local',
      'sh',
      '-c',
      'printf "#!/bin/sh\\nrm -rf \\$dir/*\\n" >/tmp/bad.sh && shellcheck /tmp/bad.sh',
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toMatch(/SC2115|SC2086/);
  });
});
