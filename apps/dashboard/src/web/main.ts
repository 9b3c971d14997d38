import type { Overview } from '../overview';
import {
  escapeHtml,
  renderClassifications,
  renderModels,
  renderRouter,
} from './render';
import './style.css';

const refreshMs = 2000;

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}

async function refresh(): Promise<void> {
  const status = element('router-status');
  try {
    const response = await fetch('/api/overview', { cache: 'no-store' });
    if (!response.ok)
      throw new Error(`/api/overview answered ${response.status}`);
    const overview = (await response.json()) as Overview;

    status.textContent =
      overview.router.status === 'ok' ? 'healthy' : 'unreachable';
    status.dataset.status = overview.router.status;
    element('router-details').innerHTML = renderRouter(overview.router);
    element('models-table').innerHTML = renderModels(overview.models);
    element('recent-table').innerHTML = renderClassifications(
      overview.classifications,
    );
    element('updated').textContent =
      `updated ${new Date(overview.generatedAt).toLocaleTimeString('en-GB')}`;
  } catch (error) {
    status.textContent = 'dashboard unreachable';
    status.dataset.status = 'unreachable';
    element('updated').textContent = (error as Error).message;
  }
}

async function classify(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = element('classify-text') as HTMLInputElement;
  const result = element('classify-result');
  const response = await fetch('/api/classify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: input.value }),
  });
  const answer = (await response.json()) as {
    category?: string;
    model?: string;
    confidence?: number;
    error?: { message: string };
  };
  result.innerHTML = response.ok
    ? `<strong>${escapeHtml(answer.category ?? '')}</strong> → ${escapeHtml(answer.model ?? '')} (${((answer.confidence ?? 0) * 100).toFixed(0)}%)`
    : `<span class="error">${escapeHtml(answer.error?.message ?? `answered ${response.status}`)}</span>`;
  await refresh();
}

element('classify-form').addEventListener('submit', (event) => {
  void classify(event as SubmitEvent);
});
void refresh();
setInterval(() => void refresh(), refreshMs);
