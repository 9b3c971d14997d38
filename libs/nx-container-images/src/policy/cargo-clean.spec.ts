import { describe, expect, it } from 'vitest';
import { noCargoClean } from './cargo-clean';
import {
  checkRule,
  dockerfile,
  FIXTURE_DOCKERFILE,
  PINNED,
} from './lint-fixture';

describe('no-cargo-clean', () => {
  it.each([
    ['a shell RUN', 'RUN cargo build --release && cargo clean'],
    ['a toolchain override', 'RUN cargo +nightly clean -p candle-binding'],
    ['the JSON form', 'RUN ["cargo", "clean"]'],
    ['a command string', 'RUN sh -c "cargo clean"'],
  ])('reports `cargo clean` in %s at its line', (_, run) => {
    const findings = checkRule(
      noCargoClean,
      dockerfile(`FROM ${PINNED} AS build`, 'WORKDIR /src', run),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        file: FIXTURE_DOCKERFILE,
        line: 3,
        rule: 'no-cargo-clean',
      }),
    ]);
    expect(findings[0].fix).toContain('COPY the artifact from dist/');
  });

  it('reports the first line of a RUN continued over several lines', () => {
    const findings = checkRule(
      noCargoClean,
      dockerfile(`FROM ${PINNED}`, 'RUN cargo build \\', '    && cargo clean'),
    );
    expect(findings.map(({ line }) => line)).toEqual([2]);
  });

  it.each([
    ['a build that keeps target/', 'RUN cargo build --release'],
    ['the words in an argument', 'RUN echo never cargo clean here'],
    ['a script named after it', 'RUN ./tools/cargo-clean.sh'],
  ])('accepts %s', (_, run) => {
    expect(checkRule(noCargoClean, dockerfile(`FROM ${PINNED}`, run))).toEqual(
      [],
    );
  });
});
