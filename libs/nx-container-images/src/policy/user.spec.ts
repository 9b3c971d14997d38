import { describe, expect, it } from 'vitest';
import {
  checkRule,
  dockerfile,
  FIXTURE_DOCKERFILE,
  PINNED,
} from './lint-fixture';
import { finalUserNotRoot } from './user';

describe('final-user-not-root', () => {
  it.each([
    [
      'a final stage without USER',
      dockerfile(
        `FROM ${PINNED} AS build`,
        'USER 65532',
        `FROM ${PINNED} AS runtime`,
        'COPY --from=build /out /app',
      ),
      3,
      'sets no USER',
      'add `USER 65532:65532`',
    ],
    [
      'USER root',
      dockerfile(
        `FROM ${PINNED} AS runtime`,
        'USER app',
        'RUN true',
        'USER root',
      ),
      4,
      'runs as USER root',
      'switch to a non-root user',
    ],
    [
      'USER 0:0',
      dockerfile(`FROM ${PINNED}`, 'USER 0:0'),
      2,
      'runs as USER 0:0',
      'switch to a non-root user',
    ],
    [
      'root through an ARG default',
      dockerfile(`FROM ${PINNED}`, 'ARG RUN_AS=root', 'USER ${RUN_AS}'),
      3,
      'runs as USER root',
      'switch to a non-root user',
    ],
    [
      'root inherited from the stage it builds on',
      dockerfile(
        `FROM ${PINNED} AS base`,
        'USER root',
        'FROM base AS runtime',
        'COPY x /x',
      ),
      2,
      'stage "runtime" runs as USER root',
      'switch to a non-root user',
    ],
  ])('reports %s', (_, text, line, message, fix) => {
    const findings = checkRule(finalUserNotRoot, text);
    expect(findings).toEqual([
      expect.objectContaining({
        file: FIXTURE_DOCKERFILE,
        line,
        rule: 'final-user-not-root',
      }),
    ]);
    expect(findings[0].message).toContain(message);
    expect(findings[0].fix).toContain(fix);
  });

  it('reports root that a build argument from images.json selects', () => {
    const text = dockerfile(`FROM ${PINNED}`, 'ARG RUN_AS=app', 'USER $RUN_AS');
    const findings = checkRule(finalUserNotRoot, text, {
      image: { buildArgs: { RUN_AS: '0' } },
    });
    expect(findings.map(({ line, message }) => [line, message])).toEqual([
      [3, 'the final stage "#0 (unnamed)" runs as USER 0'],
    ]);
  });

  it.each([
    ['a numeric user', dockerfile(`FROM ${PINNED}`, 'USER 65532:65532')],
    [
      'root in a build stage only',
      dockerfile(
        `FROM ${PINNED} AS build`,
        'USER root',
        `FROM ${PINNED}`,
        'USER nonroot',
      ),
    ],
    [
      'a user inherited from the stage it builds on',
      dockerfile(
        `FROM ${PINNED} AS base`,
        'USER app',
        'FROM base AS runtime',
        'COPY x /x',
      ),
    ],
    [
      'a user from a global ARG redeclared in the stage',
      dockerfile(
        'ARG APP_USER=app',
        `FROM ${PINNED}`,
        'ARG APP_USER',
        'USER ${APP_USER}:${APP_USER}',
      ),
    ],
  ])('accepts %s', (_, text) => {
    expect(checkRule(finalUserNotRoot, text)).toEqual([]);
  });
});
