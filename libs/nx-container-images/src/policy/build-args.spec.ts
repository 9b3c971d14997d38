import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildArgDeclaredInStage,
  passedBuildArgs,
  WORKFLOW_BUILD_ARGS,
} from './build-args';
import {
  checkRule,
  dockerfile,
  fixtureImage,
  FIXTURE_DOCKERFILE,
  PINNED,
} from './lint-fixture';

const repositoryRoot = resolve(__dirname, '../../../..');
const rustVersion = { image: { buildArgs: { RUST_VERSION: '1.96' } } };

describe('build-arg-declared-in-stage', () => {
  it.each([
    [
      'a RUN that uses a build argument the stage does not declare',
      dockerfile(
        'ARG RUST_VERSION=1.95',
        `FROM ${PINNED} AS build`,
        'RUN echo "rust $RUST_VERSION"',
      ),
      3,
      'add `ARG RUST_VERSION` in this stage before line 3',
    ],
    [
      'a use before the stage declares it',
      dockerfile(
        `FROM ${PINNED} AS build`,
        'RUN echo ${RUST_VERSION}',
        'ARG RUST_VERSION',
      ),
      2,
      'add `ARG RUST_VERSION` in this stage before line 2',
    ],
    [
      'a build argument in a RUN flag',
      dockerfile(
        `FROM ${PINNED} AS build`,
        'RUN --mount=type=cache,id=rust-$RUST_VERSION,target=/cache true',
      ),
      2,
      'add `ARG RUST_VERSION` in this stage before line 2',
    ],
    [
      'a FROM that uses it without a global ARG',
      dockerfile('FROM rust:${RUST_VERSION} AS build', 'ARG RUST_VERSION'),
      1,
      'declare ARG RUST_VERSION at the top of the file, before the first FROM',
    ],
  ])('reports %s', (_, text, line, fix) => {
    const findings = checkRule(buildArgDeclaredInStage, text, rustVersion);
    expect(findings).toEqual([
      expect.objectContaining({
        file: FIXTURE_DOCKERFILE,
        line,
        rule: 'build-arg-declared-in-stage',
      }),
    ]);
    expect(findings[0].message).toContain(
      'tools/docker/images.json images.app.buildArgs',
    );
    expect(findings[0].fix).toBe(fix);
  });

  it('reports a cargo build that cannot see CARGO_BUILD_JOBS', () => {
    const findings = checkRule(
      buildArgDeclaredInStage,
      dockerfile(
        `FROM --platform=$BUILDPLATFORM ${PINNED} AS build`,
        'RUN cargo build --release',
      ),
    );
    expect(findings).toEqual([
      expect.objectContaining({ line: 2, rule: 'build-arg-declared-in-stage' }),
    ]);
    expect(findings[0].message).toContain('uses CARGO_BUILD_JOBS');
    expect(findings[0].fix).toContain('ARG CARGO_BUILD_JOBS');
  });

  it.each([
    [
      'a stage that declares what it uses',
      dockerfile(
        'ARG RUST_VERSION=1.95',
        'FROM rust:${RUST_VERSION} AS build',
        'ARG RUST_VERSION',
        'ARG CARGO_BUILD_JOBS',
        'RUN echo $RUST_VERSION && cargo build',
      ),
    ],
    [
      'a stage that inherits the ARG from the stage it builds on',
      dockerfile(
        `FROM ${PINNED} AS toolchain`,
        'ARG RUST_VERSION',
        'FROM toolchain AS build',
        'RUN echo $RUST_VERSION',
      ),
    ],
    [
      'variables no workflow passes',
      dockerfile(`FROM ${PINNED}`, 'COPY dist/linux-${TARGETARCH}/app /app'),
    ],
  ])('accepts %s', (_, text) => {
    expect(checkRule(buildArgDeclaredInStage, text, rustVersion)).toEqual([]);
  });
});

describe('passedBuildArgs', () => {
  it('names images.json as the source of an argument it sets, over the workflow', () => {
    const image = fixtureImage({
      buildArgs: { CARGO_BUILD_JOBS: '4' },
      airgapBuildArgs: { BASE: 'x' },
    });
    expect(Object.fromEntries(passedBuildArgs(image))).toEqual({
      CARGO_BUILD_JOBS: 'tools/docker/images.json images.app.buildArgs',
      BASE: 'tools/docker/images.json images.app.airgapBuildArgs',
    });
  });
});

describe('WORKFLOW_BUILD_ARGS', () => {
  const read = (file: string) =>
    readFileSync(join(repositoryRoot, file), 'utf8');

  it('lists what docker-publish.yml sets for the image builds', () => {
    const workflow = read('.github/workflows/docker-publish.yml');
    for (const name of WORKFLOW_BUILD_ARGS) {
      expect(workflow).toMatch(new RegExp(`^\\s+${name}:`, 'm'));
    }
  });

  it('stays complete: the workflow passes no build argument of its own', () => {
    for (const file of [
      '.github/workflows/docker-publish.yml',
      'tools/ci/build-image.sh',
    ]) {
      expect(read(file), file).not.toMatch(
        /--build-arg|build-args|INPUT_BUILD_ARGS/i,
      );
    }
  });
});
