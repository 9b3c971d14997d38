import { describe, expect, it } from 'vitest';
import { compileOnBuildPlatform, noCompileInTargetStage } from './emulation';
import {
  checkRule,
  dockerfile,
  FIXTURE_DOCKERFILE,
  PINNED,
} from './lint-fixture';

const multiPlatform = { multiPlatform: true };
const cross = { multiPlatform: true, cross: true };

describe('compile-on-build-platform', () => {
  it.each([
    ['go build', 'RUN CGO_ENABLED=0 go build -o /out/router ./cmd', 'go build'],
    [
      'cargo in a shell string',
      'RUN bash -o pipefail -c "cargo build"',
      'cargo build',
    ],
    [
      'a C compiler',
      'RUN aarch64-linux-gnu-gcc -o /out/x x.c',
      'aarch64-linux-gnu-gcc',
    ],
    ['make after a cd', 'RUN cd /src && make', 'make'],
  ])('reports %s in a stage on the target platform', (_, run, step) => {
    const findings = checkRule(
      compileOnBuildPlatform,
      dockerfile(`FROM ${PINNED} AS build`, 'WORKDIR /src', run),
      multiPlatform,
    );
    expect(findings).toEqual([
      expect.objectContaining({
        file: FIXTURE_DOCKERFILE,
        line: 3,
        rule: 'compile-on-build-platform',
      }),
    ]);
    expect(findings[0].message).toContain(`runs \`${step}\``);
    expect(findings[0].message).toContain('linux/amd64 and linux/arm64');
    expect(findings[0].fix).toContain('FROM --platform=$BUILDPLATFORM');
  });

  it('reports a stage that builds on an emulated stage', () => {
    const findings = checkRule(
      compileOnBuildPlatform,
      dockerfile(
        `FROM ${PINNED} AS toolchain`,
        'FROM toolchain AS build',
        'RUN go build ./...',
      ),
      multiPlatform,
    );
    expect(findings.map(({ line, rule }) => [line, rule])).toEqual([
      [3, 'compile-on-build-platform'],
    ]);
  });

  it.each([
    [
      'a stage on $BUILDPLATFORM',
      dockerfile(
        `FROM --platform=$BUILDPLATFORM ${PINNED} AS build`,
        'RUN go build',
      ),
    ],
    [
      'the braced ${BUILDPLATFORM}',
      dockerfile(
        `FROM --platform=\${BUILDPLATFORM} ${PINNED}`,
        'RUN cargo build',
      ),
    ],
    [
      'a stage built on a $BUILDPLATFORM stage',
      dockerfile(
        `FROM --platform=$BUILDPLATFORM ${PINNED} AS toolchain`,
        'FROM toolchain AS build',
        'RUN cargo build',
      ),
    ],
    [
      'installing compilers without running them',
      dockerfile(
        `FROM ${PINNED}`,
        'RUN apt-get update && apt-get install -y gcc make',
      ),
    ],
    [
      'a command that only mentions a compiler',
      dockerfile(`FROM ${PINNED}`, 'RUN echo "built with go build"'),
    ],
  ])('accepts %s', (_, text) => {
    expect(checkRule(compileOnBuildPlatform, text, multiPlatform)).toEqual([]);
  });

  it.each([
    ['a single-platform build', { multiPlatform: false }],
    ['a crossDockerfile, which the stricter rule covers', cross],
  ])('does not apply to %s', (_, role) => {
    const text = dockerfile(`FROM ${PINNED}`, 'RUN go build');
    expect(checkRule(compileOnBuildPlatform, text, role)).toEqual([]);
  });
});

describe('no-compile-in-target-stage', () => {
  it.each([
    [
      'a package installation',
      'RUN apt-get update && apt-get install -y ca-certificates',
      'apt-get install',
    ],
    [
      'a pip installation',
      'RUN python3 -m pip install vllm',
      'python3 -m pip install',
    ],
    ['a compile step', 'RUN xx-cargo build --release', 'xx-cargo build'],
  ])(
    'reports %s in a target-platform stage of the cross Dockerfile',
    (_, run, step) => {
      const findings = checkRule(
        noCompileInTargetStage,
        dockerfile(
          `FROM --platform=$BUILDPLATFORM ${PINNED} AS artifacts`,
          'RUN cargo build',
          `FROM ${PINNED} AS runtime`,
          run,
        ),
        cross,
      );
      expect(findings).toEqual([
        expect.objectContaining({
          file: FIXTURE_DOCKERFILE,
          line: 4,
          rule: 'no-compile-in-target-stage',
        }),
      ]);
      expect(findings[0].message).toContain(`stage "runtime"`);
      expect(findings[0].message).toContain(`runs \`${step}\``);
      expect(findings[0].fix).toContain('COPY --from its result');
    },
  );

  it('accepts a target-platform stage that only copies', () => {
    const text = dockerfile(
      `FROM --platform=$BUILDPLATFORM ${PINNED} AS artifacts`,
      'RUN apt-get install -y file && cargo build',
      `FROM ${PINNED} AS runtime`,
      'COPY --from=artifacts /out/ /app/',
    );
    expect(checkRule(noCompileInTargetStage, text, cross)).toEqual([]);
  });

  it('does not apply to a Dockerfile that is not the crossDockerfile', () => {
    const text = dockerfile(`FROM ${PINNED}`, 'RUN apt-get install -y curl');
    expect(checkRule(noCompileInTargetStage, text, multiPlatform)).toEqual([]);
  });
});
