/**
 * The JSON the dashboard backend serves at GET /api/overview and the page
 * renders. The backend builds it from the router's /health,
 * /api/v1/classifications/recent and /metrics.
 */

/** RouterHealth is the router's /health answer, or why it is missing. */
export interface RouterHealth {
  url: string;
  status: 'ok' | 'unreachable';
  error?: string;
  categories: string[];
  defaultModel: string;
  historyRows: number;
  uptimeSeconds: number;
}

/** Classification is one routing decision the router remembers. */
export interface Classification {
  time: string;
  text: string;
  category: string;
  confidence: number;
  model: string;
  source: string;
}

/** ModelCount is how often the router chose a model since it started. */
export interface ModelCount {
  model: string;
  count: number;
}

/** Overview is everything the page shows, fetched in one request. */
export interface Overview {
  router: RouterHealth;
  classifications: Classification[];
  models: ModelCount[];
  generatedAt: string;
}
