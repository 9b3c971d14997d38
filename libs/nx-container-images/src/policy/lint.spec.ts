import { describe, expect, it } from 'vitest';
import type { ImageDefinition } from '../images';
import { formatFinding } from './finding';
import { fixtureImage, PINNED } from './lint-fixture';
import { lintImage, POLICY_RULES, SYNTAX_RULE } from './lint';

const MAIN = 'tools/docker/Dockerfile.app';
const CROSS = 'tools/docker/Dockerfile.app.cross';

// CLEAN passes every rule; each case below breaks one of them.
const CLEAN = [
  `ARG BASE=${PINNED}`,
  'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
  'ARG CARGO_BUILD_JOBS',
  'RUN cargo build --release',
  'FROM ${BASE} AS runtime',
  'COPY --from=build /out /app',
  'USER 65532:65532',
  'ENTRYPOINT ["/app/bin/app"]',
];

function lint(
  files: Record<string, string[]>,
  change: Partial<ImageDefinition> = {},
) {
  const image = fixtureImage({ dockerfile: MAIN, ...change });
  const read = (file: string) => `${files[file].join('\n')}\n`;
  return lintImage(image, read, '127.0.0.1:5000');
}

// edit returns CLEAN with line (1-based) replaced by text.
function edit(line: number, text: string): string[] {
  return CLEAN.map((current, i) => (i + 1 === line ? text : current));
}

describe('lintImage', () => {
  it('finds nothing in a Dockerfile that follows every rule', () => {
    expect(lint({ [MAIN]: CLEAN })).toEqual([]);
  });

  const cases: Array<[string, string[], number[], boolean]> = [
    ['no-cargo-clean', edit(4, 'RUN cargo build && cargo clean'), [4], false],
    ['compile-on-build-platform', edit(2, 'FROM ${BASE} AS build'), [4], false],
    [
      'no-compile-in-target-stage',
      edit(6, 'RUN apt-get install -y curl'),
      [6],
      true,
    ],
    ['build-arg-declared-in-stage', edit(3, 'ARG JOBS'), [4], false],
    [
      'no-secret-in-arg-env',
      edit(3, 'ARG CARGO_BUILD_JOBS HF_TOKEN'),
      [3],
      false,
    ],
    ['final-user-not-root', edit(7, 'USER root'), [7], false],
    [
      'base-pinned-by-digest',
      edit(1, 'ARG BASE=debian:bookworm'),
      [2, 5],
      false,
    ],
    ['json-entrypoint-cmd', edit(8, 'ENTRYPOINT /app/bin/app'), [8], false],
  ];

  it('has a case for every rule', () => {
    expect(cases.map(([rule]) => rule)).toEqual(
      POLICY_RULES.map(({ id }) => id),
    );
  });

  it.each(cases)(
    'reports %s where the Dockerfile breaks it',
    (rule, lines, at, asCross) => {
      const findings = asCross
        ? lint({ [MAIN]: CLEAN, [CROSS]: lines }, { crossDockerfile: CROSS })
        : lint({ [MAIN]: lines });
      expect(findings.map(({ rule: id }) => id)).toEqual(at.map(() => rule));
      expect(findings.map(({ line }) => line)).toEqual(at);
      expect(findings[0].file).toBe(asCross ? CROSS : MAIN);
      expect(findings[0].fix).not.toBe('');
    },
  );

  it('applies the emulation rules by role: only the multi-platform Dockerfile', () => {
    const emulated = edit(2, 'FROM ${BASE} AS build');
    const single = lint({ [MAIN]: emulated }, { platforms: ['linux/amd64'] });
    expect(single).toEqual([]);
    const withCross = lint(
      { [MAIN]: emulated, [CROSS]: CLEAN },
      { crossDockerfile: CROSS },
    );
    expect(withCross).toEqual([]);
  });

  it('orders findings by file and line, and by rule within a line', () => {
    const findings = lint(
      {
        [MAIN]: ['FROM rust:${RUST_VERSION} AS build', 'USER root'],
        [CROSS]: edit(8, 'CMD /app/bin/app'),
      },
      { crossDockerfile: CROSS, buildArgs: { RUST_VERSION: '1.96' } },
    );
    expect(
      findings.map(({ file, line, rule }) => `${file}:${line} ${rule}`),
    ).toEqual([
      `${MAIN}:1 build-arg-declared-in-stage`,
      `${MAIN}:1 base-pinned-by-digest`,
      `${MAIN}:2 final-user-not-root`,
      `${CROSS}:8 json-entrypoint-cmd`,
    ]);
  });

  it('gives a Dockerfile BuildKit would refuse only its syntax findings', () => {
    const findings = lint(
      {
        [MAIN]: ['FROM debian:bookworm', 'RUNN cargo clean', 'USER root'],
        [CROSS]: edit(7, 'USER 0'),
      },
      { crossDockerfile: CROSS },
    );
    expect(findings).toEqual([
      {
        file: MAIN,
        line: 2,
        rule: SYNTAX_RULE,
        message: 'unknown instruction "RUNN"',
        fix: 'did you mean RUN?',
      },
      expect.objectContaining({
        file: CROSS,
        line: 7,
        rule: 'final-user-not-root',
      }),
    ]);
  });

  it('keeps the location of every line of a stage loop in the message', () => {
    const [finding] = lint({
      [MAIN]: [
        'FROM scratch AS a',
        'COPY --from=b /x /x',
        'FROM scratch AS b',
        'COPY --from=a /y /y',
      ],
    });
    expect(finding).toMatchObject({ file: MAIN, line: 2, rule: SYNTAX_RULE });
    expect(finding.message).toContain(
      '"a" reads "b" (line 2), "b" reads "a" (line 4)',
    );
    expect(finding.fix).toMatch(/^copy only from stages that do not read back/);
  });
});

describe('formatFinding', () => {
  it('renders file:line, the rule, the problem and the fix on one line', () => {
    const line = formatFinding({
      file: MAIN,
      line: 7,
      rule: 'final-user-not-root',
      message: 'the final stage "runtime" runs as USER root',
      fix: 'switch to a non-root user',
    });
    expect(line).toBe(
      `${MAIN}:7: final-user-not-root: the final stage "runtime" runs as USER root (switch to a non-root user)`,
    );
  });
});

describe('POLICY_RULES', () => {
  it('gives every rule its own kebab-case id and a summary', () => {
    const ids = POLICY_RULES.map(({ id }) => id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of POLICY_RULES) {
      expect(rule.id).toMatch(/^[a-z]+(?:-[a-z]+)+$/);
      expect(rule.summary).not.toBe('');
    }
  });
});
