import { join } from 'node:path';

/** DashboardConfig is what the backend runs with. */
export interface DashboardConfig {
  host: string;
  port: number;
  routerUrl: URL;
  publicDir: string;
  routerTimeoutMs: number;
}

/** ConfigError lists every configuration problem, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`dashboard configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export const usage = `Usage: dashboard [healthcheck]

Serves the semantic-router dashboard page and the JSON it shows, read from
the router's HTTP API. Configured by environment variables:

  DASHBOARD_LISTEN             HOST:PORT to serve on (default 127.0.0.1:8700)
  DASHBOARD_ROUTER_URL         the router's HTTP API (default http://127.0.0.1:8080)
  DASHBOARD_PUBLIC_DIR         the built page (default: public/ beside this file)
  DASHBOARD_ROUTER_TIMEOUT_MS  per request to the router (default 3000)

"healthcheck" asks a running dashboard's /api/health (at DASHBOARD_LISTEN, or
127.0.0.1:DASHBOARD_PORT) and exits 0 when it and the router answer, 1
otherwise.
`;

/** parseListen splits HOST:PORT, or returns why it cannot. */
export function parseListen(
  value: string,
): { host: string; port: number } | string {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    return `"${value}" is not HOST:PORT with a port from 0 to 65535`;
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/** loadConfig reads the environment and reports every bad variable. */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  defaultPublicDir = join(__dirname, 'public'),
): DashboardConfig {
  const problems: string[] = [];

  const listen = parseListen(env.DASHBOARD_LISTEN ?? '127.0.0.1:8700');
  if (typeof listen === 'string') {
    problems.push(`DASHBOARD_LISTEN: ${listen} (for example 0.0.0.0:8700)`);
  }
  let routerUrl: URL | undefined;
  const routerText = env.DASHBOARD_ROUTER_URL ?? 'http://127.0.0.1:8080';
  try {
    routerUrl = new URL(routerText);
    if (routerUrl.protocol !== 'http:') {
      problems.push(
        `DASHBOARD_ROUTER_URL: "${routerText}" is not an http:// URL (the router's HTTP API speaks plain HTTP)`,
      );
    }
  } catch {
    problems.push(
      `DASHBOARD_ROUTER_URL: "${routerText}" is not a URL (for example http://127.0.0.1:8080)`,
    );
  }
  const timeoutText = env.DASHBOARD_ROUTER_TIMEOUT_MS ?? '3000';
  const routerTimeoutMs = Number(timeoutText);
  if (!Number.isInteger(routerTimeoutMs) || routerTimeoutMs <= 0) {
    problems.push(
      `DASHBOARD_ROUTER_TIMEOUT_MS: "${timeoutText}" is not a whole number of milliseconds above 0`,
    );
  }

  if (problems.length > 0 || typeof listen === 'string' || !routerUrl) {
    throw new ConfigError(problems);
  }
  return {
    host: listen.host,
    port: listen.port,
    routerUrl,
    publicDir: env.DASHBOARD_PUBLIC_DIR ?? defaultPublicDir,
    routerTimeoutMs,
  };
}
