import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('serves on loopback port 8700 against a router on 8080 by default', () => {
    const config = loadConfig({}, '/srv/public');

    expect(config).toEqual({
      host: '127.0.0.1',
      port: 8700,
      routerUrl: new URL('http://127.0.0.1:8080'),
      publicDir: '/srv/public',
      routerTimeoutMs: 3000,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      DASHBOARD_LISTEN: '[::1]:9000',
      DASHBOARD_ROUTER_URL: 'http://127.0.0.1:18080/',
      DASHBOARD_PUBLIC_DIR: '/app/dashboard/public',
      DASHBOARD_ROUTER_TIMEOUT_MS: '500',
    });

    expect(config.host).toBe('::1');
    expect(config.port).toBe(9000);
    expect(config.routerUrl.href).toBe('http://127.0.0.1:18080/');
    expect(config.publicDir).toBe('/app/dashboard/public');
    expect(config.routerTimeoutMs).toBe(500);
  });

  it('reports every bad variable at once, naming it and the fix', () => {
    let problems: string[] = [];
    try {
      loadConfig({
        DASHBOARD_LISTEN: '8700',
        DASHBOARD_ROUTER_URL: 'https://router:8080',
        DASHBOARD_ROUTER_TIMEOUT_MS: '-1',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }

    expect(problems).toEqual([
      'DASHBOARD_LISTEN: "8700" is not HOST:PORT with a port from 0 to 65535 (for example 0.0.0.0:8700)',
      'DASHBOARD_ROUTER_URL: "https://router:8080" is not an http:// URL (the router\'s HTTP API speaks plain HTTP)',
      'DASHBOARD_ROUTER_TIMEOUT_MS: "-1" is not a whole number of milliseconds above 0',
    ]);
  });
});
