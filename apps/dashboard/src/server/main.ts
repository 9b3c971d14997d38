import { request } from 'node:http';
import { ConfigError, loadConfig, parseListen, usage } from './config';
import { createDashboardServer } from './server';

function log(message: string): void {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), msg: message })}\n`,
  );
}

/**
 * main serves until SIGTERM or SIGINT, or with `healthcheck` asks a running
 * dashboard's /api/health and exits 0 or 1 (the images' HEALTHCHECK).
 */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === '-h' || argv[0] === '--help') {
    process.stdout.write(usage);
    return 0;
  }
  if (argv[0] === 'healthcheck') {
    // The images set DASHBOARD_PORT for the whole container and
    // DASHBOARD_LISTEN only for the supervised server.
    const port = process.env.DASHBOARD_PORT ?? '8700';
    return checkHealth(process.env.DASHBOARD_LISTEN ?? `127.0.0.1:${port}`);
  }
  if (argv.length > 0) {
    process.stderr.write(
      `dashboard: unexpected argument "${argv[0]}" (run with --help)\n`,
    );
    return 2;
  }

  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const server = createDashboardServer(config, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  log(
    `dashboard listening on ${config.host}:${config.port}, router ${config.routerUrl.href}`,
  );

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log(`received ${signal}, closing`);
  server.closeIdleConnections();
  await new Promise((resolve) => server.close(resolve));
  return 0;
}

function checkHealth(listen: string): Promise<number> {
  const parsed = parseListen(listen);
  if (typeof parsed === 'string') {
    process.stderr.write(`healthcheck: DASHBOARD_LISTEN: ${parsed}\n`);
    return Promise.resolve(1);
  }
  const host = ['0.0.0.0', '::'].includes(parsed.host)
    ? '127.0.0.1'
    : parsed.host;
  return new Promise((resolve) => {
    const outgoing = request(
      { host, port: parsed.port, path: '/api/health', timeout: 3000 },
      (response) => {
        response.resume();
        const ok = response.statusCode === 200;
        if (!ok) {
          process.stderr.write(
            `healthcheck: /api/health answered ${response.statusCode}\n`,
          );
        }
        resolve(ok ? 0 : 1);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', (error) => {
      process.stderr.write(`healthcheck: ${error.message}\n`);
      resolve(1);
    });
    outgoing.end();
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`dashboard: ${error.message}\n`);
    process.exit(1);
  },
);
