import type { Classification, ModelCount, RouterHealth } from '../overview';

/** escapeHtml makes any text safe to place in HTML text or attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[
        c
      ]!,
  );
}

/** formatDuration turns seconds into "3d 4h", "2h 5m", "4m 10s" or "12s". */
export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const units: Array<[string, number]> = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (parts.length === 0 && unit === 's')) {
      parts.push(`${count}${unit}`);
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** renderRouter shows the router's health and configuration. */
export function renderRouter(router: RouterHealth): string {
  if (router.status !== 'ok') {
    return `<p class="error">The router at ${escapeHtml(router.url)} does not answer: ${escapeHtml(router.error ?? 'unknown reason')}</p>`;
  }
  const categories = router.categories
    .map((category) => `<span class="tag">${escapeHtml(category)}</span>`)
    .join(' ');
  return `<dl>
  <dt>URL</dt><dd>${escapeHtml(router.url)}</dd>
  <dt>Up for</dt><dd data-testid="uptime">${formatDuration(router.uptimeSeconds)}</dd>
  <dt>Default model</dt><dd>${escapeHtml(router.defaultModel)}</dd>
  <dt>Routing history</dt><dd>${router.historyRows} rows</dd>
  <dt>Categories</dt><dd>${categories}</dd>
</dl>`;
}

/** renderModels shows how often each model was chosen, with a bar. */
export function renderModels(models: ModelCount[]): string {
  if (models.length === 0) return '<p class="muted">None yet.</p>';
  const most = Math.max(...models.map((m) => m.count));
  const rows = models
    .map(
      (m) => `<tr data-testid="model">
  <td>${escapeHtml(m.model)}</td>
  <td class="number">${m.count}</td>
  <td class="bar-cell"><span class="bar" style="width: ${Math.round((100 * m.count) / most)}%"></span></td>
</tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>Model</th><th class="number">Chosen</th><th></th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

/** renderClassifications lists the newest routing decisions first. */
export function renderClassifications(entries: Classification[]): string {
  if (entries.length === 0) return '<p class="muted">None yet.</p>';
  const rows = entries
    .map(
      (e) => `<tr data-testid="classification">
  <td class="time">${escapeHtml(new Date(e.time).toLocaleTimeString('en-GB'))}</td>
  <td class="text">${escapeHtml(e.text)}</td>
  <td><span class="tag">${escapeHtml(e.category)}</span></td>
  <td class="number">${(e.confidence * 100).toFixed(0)}%</td>
  <td>${escapeHtml(e.model)}</td>
  <td class="muted">${escapeHtml(e.source)}</td>
</tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>Time</th><th>Text</th><th>Category</th><th class="number">Confidence</th><th>Model</th><th>Via</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}
