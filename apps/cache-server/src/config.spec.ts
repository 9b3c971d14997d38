import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type ServerConfig } from './config';

const tokens = { CACHE_SERVER_READ_WRITE_TOKENS: 'main-token' };

function configOf(
  argv: string[],
  environment: NodeJS.ProcessEnv,
  files: Record<string, string> = {},
): ServerConfig {
  const parsed = loadConfig(argv, environment, (path) => {
    if (!(path in files)) throw Object.assign(new Error(), { code: 'ENOENT' });
    return files[path];
  });
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.config;
}

function problemsOf(argv: string[], environment: NodeJS.ProcessEnv): string[] {
  try {
    configOf(argv, environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the embedded defaults: loopback, filesystem, 512 MiB', () => {
    expect(configOf([], tokens)).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      storage: { kind: 'fs', directory: './cache-server-data' },
      maxBodyBytes: 512 * 1024 * 1024,
      shutdownTimeoutMs: 30_000,
      readWriteTokens: ['main-token'],
      readOnlyTokens: [],
    });
  });

  it('lets a flag win over its environment variable', () => {
    const config = configOf(
      ['--listen', '0.0.0.0:8080', '--max-body-size', '2G'],
      {
        ...tokens,
        CACHE_SERVER_LISTEN: '127.0.0.1:1',
      },
    );
    expect([config.host, config.port, config.maxBodyBytes]).toEqual([
      '0.0.0.0',
      8080,
      2 * 1024 ** 3,
    ]);
  });

  it('reads tokens from lists and files, one role each', () => {
    const config = configOf(
      ['--read-only-tokens-file', '/run/ro'],
      {
        CACHE_SERVER_READ_WRITE_TOKENS: ' a , b ,',
        CACHE_SERVER_READ_ONLY_TOKENS: 'c',
      },
      { '/run/ro': 'd\n\ne\n' },
    );
    expect(config.readWriteTokens).toEqual(['a', 'b']);
    expect(config.readOnlyTokens).toEqual(['c', 'd', 'e']);
  });

  it.each([
    ['s3://nx-cache', ''],
    ['s3://nx-cache/ci', 'ci/'],
    ['s3://nx-cache/ci/', 'ci/'],
  ])('parses %s with prefix "%s"', (storage, prefix) => {
    const config = configOf([], {
      ...tokens,
      CACHE_SERVER_STORAGE: storage,
      CACHE_SERVER_S3_ENDPOINT: 'http://127.0.0.1:9000',
    });
    expect(config.storage).toEqual({
      kind: 's3',
      location: {
        bucket: 'nx-cache',
        prefix,
        endpoint: 'http://127.0.0.1:9000',
        region: 'us-east-1',
        forcePathStyle: true,
        conditionalWrites: true,
      },
    });
  });

  it.each([
    [
      { CACHE_SERVER_LISTEN: 'localhost' },
      'CACHE_SERVER_LISTEN "localhost": is not HOST:PORT',
    ],
    [
      { CACHE_SERVER_STORAGE: 'disk:/x' },
      'CACHE_SERVER_STORAGE "disk:/x": is not fs:<directory> or s3://',
    ],
    [
      { CACHE_SERVER_MAX_BODY_SIZE: '1T' },
      'CACHE_SERVER_MAX_BODY_SIZE "1T": is not a size',
    ],
    [
      { CACHE_SERVER_S3_ENDPOINT: 'nope' },
      'CACHE_SERVER_S3_ENDPOINT "nope": is not a URL',
    ],
    [
      { CACHE_SERVER_SHUTDOWN_TIMEOUT: '0' },
      'CACHE_SERVER_SHUTDOWN_TIMEOUT "0": must be more than 0',
    ],
    [
      { CACHE_SERVER_S3_CONDITIONAL_WRITES: 'yes' },
      'CACHE_SERVER_S3_CONDITIONAL_WRITES "yes"',
    ],
  ])('names the variable and the fix for %j', (environment, message) => {
    const problems = problemsOf([], { ...tokens, ...environment });
    expect(problems.join('\n')).toContain(message);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf([], {
      ...tokens,
      CACHE_SERVER_LISTEN: 'x',
      CACHE_SERVER_MAX_BODY_SIZE: 'big',
    });
    expect(problems).toHaveLength(2);
  });

  it('refuses to start without any token', () => {
    expect(problemsOf([], {})[0]).toContain('no token is configured');
  });

  it('refuses a token in both roles without printing it', () => {
    const problems = problemsOf([], {
      CACHE_SERVER_READ_WRITE_TOKENS: 'shared-secret',
      CACHE_SERVER_READ_ONLY_TOKENS: 'shared-secret',
    });
    expect(problems.join('\n')).toContain('also listed as read-write');
    expect(problems.join('\n')).not.toContain('shared-secret');
  });

  it('names an unreadable token file', () => {
    const problems = problemsOf(['--read-write-tokens-file', '/missing'], {});
    expect(problems[0]).toContain(
      'CACHE_SERVER_READ_WRITE_TOKENS_FILE: cannot read "/missing" (ENOENT)',
    );
  });

  it('answers --help and rejects unknown flags', () => {
    expect(loadConfig(['--help'], {})).toEqual({ help: true });
    expect(problemsOf(['--port', '1'], tokens)[0]).toContain('--port');
  });
});
