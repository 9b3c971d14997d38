import type { Classification, Overview, RouterHealth } from '../overview';
import { callRouter } from './router-client';
import { parseModelSelections } from './selections';

interface HealthBody {
  status?: string;
  categories?: string[];
  default_model?: string;
  history_rows?: number;
  uptime_seconds?: number;
}

interface RecentBody {
  classifications?: Classification[];
}

/**
 * buildOverview asks the router for its health, recent classifications and
 * metrics at once. An unreachable router yields status "unreachable" with
 * the reason, never a thrown error: the page shows it.
 */
export async function buildOverview(
  routerUrl: URL,
  timeoutMs: number,
): Promise<Overview> {
  const [health, recent, metrics] = await Promise.allSettled([
    callRouter(routerUrl, '/health', timeoutMs),
    callRouter(routerUrl, '/api/v1/classifications/recent', timeoutMs),
    callRouter(routerUrl, '/metrics', timeoutMs),
  ]);

  const router: RouterHealth = {
    url: routerUrl.href,
    status: 'unreachable',
    categories: [],
    defaultModel: '',
    historyRows: 0,
    uptimeSeconds: 0,
  };
  if (health.status === 'rejected') {
    router.error = (health.reason as Error).message;
  } else if (health.value.status !== 200) {
    router.error = `GET /health answered ${health.value.status}`;
  } else {
    const body = JSON.parse(health.value.body) as HealthBody;
    router.status = body.status === 'ok' ? 'ok' : 'unreachable';
    router.categories = body.categories ?? [];
    router.defaultModel = body.default_model ?? '';
    router.historyRows = body.history_rows ?? 0;
    router.uptimeSeconds = body.uptime_seconds ?? 0;
  }
  const classifications =
    recent.status === 'fulfilled' && recent.value.status === 200
      ? ((JSON.parse(recent.value.body) as RecentBody).classifications ?? [])
      : [];
  const models =
    metrics.status === 'fulfilled' && metrics.value.status === 200
      ? parseModelSelections(metrics.value.body)
      : [];

  return {
    router,
    classifications,
    models,
    generatedAt: new Date().toISOString(),
  };
}
