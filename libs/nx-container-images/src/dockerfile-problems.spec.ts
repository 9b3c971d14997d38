import { describe, expect, it } from 'vitest';
import { closest, findDockerfileProblems } from './dockerfile-problems';

const FILE = 'tools/docker/Dockerfile.app';
const problems = (...lines: string[]) =>
  findDockerfileProblems(FILE, `${lines.join('\n')}\n`);

describe('findDockerfileProblems', () => {
  it('finds nothing in a Dockerfile BuildKit accepts', () => {
    expect(
      problems(
        'ARG BASE=scratch',
        'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
        'RUN --mount=type=cache,target=/c true',
        'FROM scratch',
        'COPY --from=build --chmod=755 /out /app',
        'HEALTHCHECK --interval=5s CMD ["/app/x"]',
      ),
    ).toEqual([]);
  });

  it.each([
    [
      'an unknown instruction',
      ['FROM scratch', 'COPPY a /a'],
      `${FILE}:2: unknown instruction "COPPY" (did you mean COPY?)`,
    ],
    [
      'an unknown flag',
      ['FROM scratch', 'COPY --form=build /a /a'],
      `${FILE}:2: COPY has no flag --form (did you mean --from?)`,
    ],
    [
      'an unknown flag without a near match',
      ['FROM scratch', 'RUN --privileged true'],
      `${FILE}:2: RUN has no flag --privileged (known flags: --mount, --network, --security)`,
    ],
    [
      'an instruction without arguments',
      ['FROM scratch', 'WORKDIR'],
      `${FILE}:2: WORKDIR has no arguments (write what it applies to after WORKDIR)`,
    ],
    [
      'a COPY without destination',
      ['FROM scratch', 'COPY app'],
      `${FILE}:2: COPY needs a source and a destination (write COPY <source>... <destination>)`,
    ],
    [
      'a FROM with a stray word',
      ['FROM debian bookworm'],
      `${FILE}:1: FROM debian bookworm is not "FROM <image> [AS <name>]" (name the base image, and the stage after AS if you need one)`,
    ],
    [
      'an instruction before the first FROM',
      ['ENV A=1', 'FROM scratch'],
      `${FILE}:1: ENV comes before the first FROM, where only ARG may stand (move it below a FROM line)`,
    ],
    [
      'a file without FROM',
      ['ARG A=1'],
      `${FILE}:1: no FROM instruction, so there is no stage to build (start with FROM <image>)`,
    ],
    [
      'a stage name used twice',
      ['FROM scratch AS app', 'FROM scratch AS App'],
      `${FILE}:2: stage name "app" is already used at line 1 (give each stage its own name)`,
    ],
  ])('reports %s with file:line and the fix', (_, lines, problem) => {
    expect(problems(...lines)).toEqual([problem]);
  });

  it('reports stages that read each other, naming every line of the loop', () => {
    const [problem] = problems(
      'FROM scratch AS a',
      'COPY --from=b /x /x',
      'FROM scratch AS b',
      'RUN --mount=from=a,target=/a true',
    );
    expect(problem).toMatch(new RegExp(`^${FILE}:2: stages read each other`));
    expect(problem).toContain('"a" reads "b" (line 2), "b" reads "a" (line 4)');
    expect(problem).toContain('circular dependency detected on stage');
  });

  it('reports every problem of a file in line order', () => {
    const lines = problems('FROM scratch', 'RUNN a', 'COPY x', 'USR 1');
    expect(lines.map((line) => line.split(':')[1])).toEqual(['2', '3', '4']);
  });
});

describe('closest', () => {
  it.each([
    ['EXPOES', ['ENV', 'EXPOSE'], 'EXPOSE'],
    ['form', ['chown', 'from'], 'from'],
    ['Runn', ['RUN', 'USER'], 'RUN'],
  ])('suggests for %s the nearest of %j', (word, candidates, guess) => {
    expect(closest(word, candidates)).toBe(guess);
  });

  it('suggests nothing more than two edits away', () => {
    expect(closest('privileged', ['mount', 'network'])).toBeUndefined();
  });
});
