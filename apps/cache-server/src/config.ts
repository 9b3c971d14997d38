import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { S3Location } from './storage/s3';

/** ServerConfig is the validated configuration the server runs with. */
export interface ServerConfig {
  host: string;
  port: number;
  storage: StorageConfig;
  readWriteTokens: string[];
  readOnlyTokens: string[];
  maxBodyBytes: number;
  shutdownTimeoutMs: number;
}

export type StorageConfig =
  { kind: 'fs'; directory: string } | { kind: 's3'; location: S3Location };

/** ConfigError lists every configuration problem, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`cache-server configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export const usage = `Usage: cache-server [options]

An Nx self-hosted remote cache: GET/PUT /v1/cache/{hash} with bearer tokens.
Each option has an environment variable; an option given here wins.

  --listen HOST:PORT            CACHE_SERVER_LISTEN (default 127.0.0.1:3000)
  --storage fs:DIR|s3://B/P     CACHE_SERVER_STORAGE (default fs:./cache-server-data)
  --max-body-size SIZE          CACHE_SERVER_MAX_BODY_SIZE (default 512M; K, M, G)
  --read-write-tokens-file F    CACHE_SERVER_READ_WRITE_TOKENS_FILE (one token a line)
  --read-only-tokens-file F     CACHE_SERVER_READ_ONLY_TOKENS_FILE (one token a line)
  -h, --help                    print this text

  CACHE_SERVER_READ_WRITE_TOKENS   comma-separated tokens that may GET and PUT
  CACHE_SERVER_READ_ONLY_TOKENS    comma-separated tokens that may only GET
  CACHE_SERVER_S3_ENDPOINT         URL of an S3-compatible store (AWS when unset)
  CACHE_SERVER_S3_REGION           default us-east-1
  CACHE_SERVER_S3_FORCE_PATH_STYLE true|false (default true with an endpoint)
  CACHE_SERVER_S3_CONDITIONAL_WRITES true|false (default true: If-None-Match: *)
  CACHE_SERVER_SHUTDOWN_TIMEOUT    seconds to finish requests on SIGTERM (default 30)
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY  S3 credentials (AWS SDK chain)

Token values are never logged.
`;

const sizeUnits: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2 };
sizeUnits.G = 1024 ** 3;

const booleanText = z.enum(['true', 'false']).transform((v) => v === 'true');

// Each key is the environment variable a value comes from, so an issue's
// path names the variable the user must fix.
const environmentSchema = z.object({
  CACHE_SERVER_LISTEN: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, {
      error: 'is not HOST:PORT (use e.g. 127.0.0.1:3000 or 0.0.0.0:3000)',
    })
    .default('127.0.0.1:3000'),
  CACHE_SERVER_STORAGE: z
    .string()
    .regex(/^(fs:.+|s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?)$/, {
      error: 'is not fs:<directory> or s3://<bucket>/<prefix>',
    })
    .default('fs:./cache-server-data'),
  CACHE_SERVER_MAX_BODY_SIZE: z
    .string()
    .regex(/^\d+[KMG]?$/, {
      error: 'is not a size (use bytes, or a number with K, M or G: 512M)',
    })
    .default('512M'),
  CACHE_SERVER_READ_WRITE_TOKENS: z.string().default(''),
  CACHE_SERVER_READ_ONLY_TOKENS: z.string().default(''),
  CACHE_SERVER_READ_WRITE_TOKENS_FILE: z.string().optional(),
  CACHE_SERVER_READ_ONLY_TOKENS_FILE: z.string().optional(),
  CACHE_SERVER_S3_ENDPOINT: z
    .url({ error: 'is not a URL (use e.g. http://127.0.0.1:9000)' })
    .optional(),
  CACHE_SERVER_S3_REGION: z.string().min(1).default('us-east-1'),
  CACHE_SERVER_S3_FORCE_PATH_STYLE: booleanText.optional(),
  CACHE_SERVER_S3_CONDITIONAL_WRITES: booleanText.default(true),
  CACHE_SERVER_SHUTDOWN_TIMEOUT: z.coerce
    .number({ error: 'is not a number of seconds' })
    .positive({ error: 'must be more than 0 seconds' })
    .default(30),
});

const flagToVariable = {
  listen: 'CACHE_SERVER_LISTEN',
  storage: 'CACHE_SERVER_STORAGE',
  'max-body-size': 'CACHE_SERVER_MAX_BODY_SIZE',
  'read-write-tokens-file': 'CACHE_SERVER_READ_WRITE_TOKENS_FILE',
  'read-only-tokens-file': 'CACHE_SERVER_READ_ONLY_TOKENS_FILE',
} as const;

export type ParsedCommandLine =
  { help: true } | { help: false; config: ServerConfig };

/**
 * loadConfig reads the command line and the environment. It reports every
 * problem at once, each naming the variable and the fix; token values
 * appear in no message.
 */
export function loadConfig(
  argv: string[],
  environment: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ParsedCommandLine {
  const overrides = parseFlags(argv);
  if (overrides === 'help') {
    return { help: true };
  }

  const parsed = environmentSchema.safeParse({ ...environment, ...overrides });
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => describeIssue(issue, environment)),
    );
  }
  const values = parsed.data;
  const problems: string[] = [];

  const readWriteTokens = gatherTokens(
    values.CACHE_SERVER_READ_WRITE_TOKENS,
    values.CACHE_SERVER_READ_WRITE_TOKENS_FILE,
    'CACHE_SERVER_READ_WRITE_TOKENS_FILE',
    readFile,
    problems,
  );
  const readOnlyTokens = gatherTokens(
    values.CACHE_SERVER_READ_ONLY_TOKENS,
    values.CACHE_SERVER_READ_ONLY_TOKENS_FILE,
    'CACHE_SERVER_READ_ONLY_TOKENS_FILE',
    readFile,
    problems,
  );
  problems.push(...checkTokens(readWriteTokens, readOnlyTokens));
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }

  const [, host, port] = /^\[?(.*?)\]?:(\d+)$/.exec(
    values.CACHE_SERVER_LISTEN,
  )!;
  return {
    help: false,
    config: {
      host,
      port: Number(port),
      storage: parseStorage(values),
      readWriteTokens,
      readOnlyTokens,
      maxBodyBytes: parseSize(values.CACHE_SERVER_MAX_BODY_SIZE),
      shutdownTimeoutMs: values.CACHE_SERVER_SHUTDOWN_TIMEOUT * 1000,
    },
  };
}

function parseFlags(argv: string[]): Record<string, string> | 'help' {
  const options = Object.fromEntries(
    Object.keys(flagToVariable).map((flag) => [flag, { type: 'string' }]),
  ) as Record<keyof typeof flagToVariable, { type: 'string' }>;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new ConfigError([`${(error as Error).message} (see --help)`]);
  }
  if (values.help) {
    return 'help';
  }
  const overrides: Record<string, string> = {};
  for (const [flag, variable] of Object.entries(flagToVariable)) {
    const value = values[flag];
    if (typeof value === 'string') overrides[variable] = value;
  }
  return overrides;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  environment: NodeJS.ProcessEnv,
): string {
  const variable = String(issue.path[0]);
  const given = environment[variable];
  const shown =
    given === undefined || variable.endsWith('_TOKENS') ? '' : ` "${given}"`;
  return `${variable}${shown}: ${issue.message}`;
}

function gatherTokens(
  list: string,
  file: string | undefined,
  fileVariable: string,
  readFile: (path: string) => string,
  problems: string[],
): string[] {
  const tokens = list.split(',');
  if (file !== undefined) {
    try {
      tokens.push(...readFile(file).split('\n'));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      problems.push(
        `${fileVariable}: cannot read "${file}" (${reason}); point it at a ` +
          'readable file with one token a line',
      );
    }
  }
  return tokens.map((token) => token.trim()).filter(Boolean);
}

function checkTokens(readWrite: string[], readOnly: string[]): string[] {
  const problems: string[] = [];
  if (readWrite.length + readOnly.length === 0) {
    problems.push(
      'CACHE_SERVER_READ_WRITE_TOKENS / CACHE_SERVER_READ_ONLY_TOKENS: no ' +
        'token is configured, so every request would be refused (set at ' +
        'least one, e.g. CACHE_SERVER_READ_WRITE_TOKENS=$(openssl rand -hex 32))',
    );
  }
  if (readOnly.some((token) => readWrite.includes(token))) {
    problems.push(
      'CACHE_SERVER_READ_ONLY_TOKENS: a token is also listed as read-write; ' +
        'give each client one role (remove it from one of the two lists)',
    );
  }
  if ([...readWrite, ...readOnly].some((token) => /[^\x21-\x7e]/.test(token))) {
    problems.push(
      'CACHE_SERVER_*_TOKENS: a token holds spaces or non-ASCII characters, ' +
        'which an Authorization header cannot carry (use e.g. hex)',
    );
  }
  return problems;
}

function parseStorage(
  values: z.infer<typeof environmentSchema>,
): StorageConfig {
  const spec = values.CACHE_SERVER_STORAGE;
  if (spec.startsWith('fs:')) {
    return { kind: 'fs', directory: spec.slice('fs:'.length) };
  }
  const [bucket, ...rest] = spec.slice('s3://'.length).split('/');
  const path = rest.join('/').replace(/^\/+/, '');
  const endpoint = values.CACHE_SERVER_S3_ENDPOINT;
  return {
    kind: 's3',
    location: {
      bucket,
      prefix: path === '' || path.endsWith('/') ? path : `${path}/`,
      endpoint,
      region: values.CACHE_SERVER_S3_REGION,
      forcePathStyle:
        values.CACHE_SERVER_S3_FORCE_PATH_STYLE ?? endpoint !== undefined,
      conditionalWrites: values.CACHE_SERVER_S3_CONDITIONAL_WRITES,
    },
  };
}

function parseSize(text: string): number {
  const [, digits, unit] = /^(\d+)([KMG]?)$/.exec(text)!;
  return Number(digits) * sizeUnits[unit];
}
