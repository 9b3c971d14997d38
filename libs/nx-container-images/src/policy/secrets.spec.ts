import { describe, expect, it } from 'vitest';
import {
  checkRule,
  dockerfile,
  FIXTURE_DOCKERFILE,
  PINNED,
} from './lint-fixture';
import { looksLikeSecret, noSecretInArgEnv } from './secrets';

describe('no-secret-in-arg-env', () => {
  it.each([
    [
      'a stage ARG',
      dockerfile(`FROM ${PINNED}`, 'ARG HF_TOKEN'),
      2,
      'ARG HF_TOKEN',
    ],
    [
      'a global ARG',
      dockerfile('ARG REGISTRY_PASSWORD=hunter2', `FROM ${PINNED}`),
      1,
      'ARG REGISTRY_PASSWORD',
    ],
    [
      'one of several ENV names',
      dockerfile(
        `FROM ${PINNED}`,
        'ENV PORT=8080 \\',
        '    OPENAI_API_KEY=sk-123',
      ),
      2,
      'ENV OPENAI_API_KEY',
    ],
  ])('reports a secret in %s', (_, text, line, what) => {
    const findings = checkRule(noSecretInArgEnv, text);
    expect(findings).toEqual([
      expect.objectContaining({
        file: FIXTURE_DOCKERFILE,
        line,
        rule: 'no-secret-in-arg-env',
      }),
    ]);
    expect(findings[0].message).toContain(`${what} looks like a secret`);
    const name = what.split(' ')[1];
    expect(findings[0].fix).toContain(`RUN --mount=type=secret,id=${name}`);
    expect(findings[0].fix).toContain('images.app.secrets');
  });

  it('reports an ARG named like a secret id the image declares', () => {
    const text = dockerfile(`FROM ${PINNED}`, 'ARG hf=');
    const findings = checkRule(noSecretInArgEnv, text, {
      image: { secrets: ['hf'] },
    });
    expect(findings.map(({ line, rule }) => [line, rule])).toEqual([
      [2, 'no-secret-in-arg-env'],
    ]);
  });

  it('accepts a secret mounted for one RUN and names that only look close', () => {
    const text = dockerfile(
      `FROM ${PINNED}`,
      'ARG TOKENIZER_DIR=/models/tokenizer',
      'ENV MONKEY_PATH=/opt/monkey',
      'RUN --mount=type=secret,id=HF_TOKEN cat /run/secrets/HF_TOKEN > /dev/null',
    );
    expect(checkRule(noSecretInArgEnv, text)).toEqual([]);
  });
});

describe('looksLikeSecret', () => {
  it.each([
    ['HF_TOKEN', true],
    ['github-token', true],
    ['DB_PASSWD', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['ApiKey', true],
    ['dbPassword', true],
    ['APIKEY', true],
    ['TOKENIZER_DIR', false],
    ['MONKEY_PATH', false],
    ['KEYBOARD', false],
  ])('takes %s for a secret: %s', (name, secret) => {
    expect(looksLikeSecret(name)).toBe(secret);
  });
});
