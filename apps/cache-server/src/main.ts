import { request } from 'node:http';
import { ConfigError, loadConfig, usage } from './config';
import { createLogger } from './log';
import { startCacheServer } from './server';
import { createStorage } from './storage/create';

/**
 * main runs the server until SIGTERM or SIGINT, or with `healthcheck` asks
 * a running server's /health and exits 0 or 1 (the image's HEALTHCHECK).
 */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'healthcheck') {
    return checkHealth(process.env.CACHE_SERVER_LISTEN ?? '127.0.0.1:3000');
  }
  const logger = createLogger();
  let parsed;
  try {
    parsed = loadConfig(argv, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (parsed.help) {
    process.stdout.write(usage);
    return 0;
  }

  const { config } = parsed;
  const server = await startCacheServer({
    ...config,
    storage: createStorage(config.storage),
    logger,
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info('signal received', { signal });
      // A second signal means "now": skip the graceful wait.
      process.once(signal, () => process.exit(1));
      server.close().then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}

function checkHealth(listen: string): Promise<number> {
  const [, host, port] = /^\[?(.*?)\]?:(\d+)$/.exec(listen) ?? [];
  const target =
    host === '0.0.0.0' || host === '::' || !host ? '127.0.0.1' : host;
  return new Promise((resolve) => {
    const probe = request(
      {
        host: target,
        port: Number(port ?? 3000),
        path: '/health',
        timeout: 2000,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200 ? 0 : 1);
      },
    );
    probe.on('error', () => resolve(1));
    probe.on('timeout', () => probe.destroy());
    probe.end();
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cache-server: ${message}\n`);
    process.exit(1);
  },
);
