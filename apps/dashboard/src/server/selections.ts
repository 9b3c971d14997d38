import type { ModelCount } from '../overview';

const selectionsMetric = 'semantic_router_model_selections_total';

/**
 * parseModelSelections sums the router's model-selection counter per model
 * from a Prometheus text exposition, most chosen first. Lines of other
 * metrics, comments and malformed samples are skipped.
 */
export function parseModelSelections(exposition: string): ModelCount[] {
  const counts = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${selectionsMetric}{`)) continue;
    const labelsEnd = line.lastIndexOf('}');
    const labels = line.slice(selectionsMetric.length + 1, labelsEnd);
    const model = /(?:^|,)model="((?:[^"\\]|\\.)*)"/.exec(labels)?.[1];
    const value = Number(
      line
        .slice(labelsEnd + 1)
        .trim()
        .split(' ')[0],
    );
    if (model === undefined || !Number.isFinite(value)) continue;
    const name = model.replace(/\\(.)/g, (_, c: string) =>
      c === 'n' ? '\n' : c,
    );
    counts.set(name, (counts.get(name) ?? 0) + value);
  }
  return [...counts]
    .map(([model, count]) => ({ model, count }))
    .sort((a, b) => b.count - a.count || a.model.localeCompare(b.model));
}
