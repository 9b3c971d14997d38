import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import {
  cleansCargo,
  compileStep,
  installStep,
  runCommand,
  simpleCommands,
} from './commands';

describe('simpleCommands', () => {
  it.each([
    ['cd /src && make -j4', ['cd /src', 'make -j4']],
    [
      'set -eux; CGO_ENABLED=0 GOOS=linux go build .',
      ['set -eux', 'go build .'],
    ],
    ['bash -o pipefail -c "cargo build | tee log"', ['cargo build', 'tee log']],
    ['if true; then sudo -E make; fi', ['true', 'make', 'fi']],
    ['echo $(go env GOPATH)', ['echo', 'go env GOPATH']],
    ['/usr/local/go/bin/go build .', ['go build .']],
    ['cat <<EOT\ncargo build\nEOT', ['cat <<EOT', 'cargo build', 'EOT']],
  ])('splits %j into the commands it runs', (command, commands) => {
    expect(simpleCommands(command)).toEqual(commands);
  });
});

describe('compileStep', () => {
  it.each([
    ['cargo build --release', 'cargo build'],
    ['cargo +1.96 b', 'cargo +1.96 b'],
    ['xx-go build ./cmd/router', 'xx-go build'],
    ['rustc main.rs', 'rustc'],
    ['x86_64-linux-gnu-gcc -shared -o x.so x.c', 'x86_64-linux-gnu-gcc'],
    ['gcc-12 x.c', 'gcc-12'],
    ['./gradlew assemble', 'gradlew'],
    ['/root/.cargo/bin/cargo build', 'cargo build'],
    ['npm ci && npm run build', 'npm ci'],
    ['npx tsc -p .', 'tsc'],
  ])('finds %j', (command, step) => {
    expect(compileStep(command)).toBe(step);
  });

  it.each([
    'apt-get install -y gcc make cmake',
    'echo go build',
    'ls /usr/bin/cc',
    './tools/check-elf-arch.sh arm64 /out/bin/*',
    'cargo fetch',
    'go mod download',
  ])('finds none in %j', (command) => {
    expect(compileStep(command)).toBeUndefined();
  });
});

describe('installStep', () => {
  it.each([
    ['apt-get update && apt-get install -y curl', 'apt-get install'],
    [
      'apt-get -y --no-install-recommends install curl',
      'apt-get -y --no-install-recommends install',
    ],
    ['dnf -y install python3', 'dnf -y install'],
    ['apk --no-cache add ca-certificates', 'apk --no-cache add'],
    ['pip3 install vllm', 'pip3 install'],
    ['/opt/venv/bin/pip install vllm', 'pip install'],
  ])('finds %j', (command, step) => {
    expect(installStep(command)).toBe(step);
  });

  it('finds none in an update alone', () => {
    expect(installStep('apt-get update')).toBeUndefined();
  });
});

describe('cleansCargo', () => {
  it.each([
    ['cargo clean', true],
    ['cargo build && cargo clean -p x', true],
    ['cargo clean-up-notes', false],
    ['rm -rf target # not cargo clean', false],
  ])('answers %j with %s', (command, cleans) => {
    expect(cleansCargo(command)).toBe(cleans);
  });
});

describe('runCommand', () => {
  it('joins continued lines and JSON words, and ignores other instructions', () => {
    const instructions = DockerfileParser.parse(
      [
        'FROM scratch',
        'RUN --mount=type=cache,target=/root/.cargo cargo build \\',
        '    --release',
        'RUN ["go", "build", "."]',
        'COPY a b',
      ].join('\n'),
    ).getInstructions();
    expect(instructions.map(runCommand)).toEqual([
      undefined,
      'cargo build     --release',
      'go build .',
      undefined,
    ]);
  });
});
