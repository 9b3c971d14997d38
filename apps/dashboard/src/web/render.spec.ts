import { describe, expect, it } from 'vitest';
import type { RouterHealth } from '../overview';
import {
  escapeHtml,
  formatDuration,
  renderClassifications,
  renderModels,
  renderRouter,
} from './render';

const healthy: RouterHealth = {
  url: 'http://127.0.0.1:8080/',
  status: 'ok',
  categories: ['math', 'code'],
  defaultModel: 'qwen3-8b',
  historyRows: 42,
  uptimeSeconds: 3725,
};

describe('escapeHtml', () => {
  it('escapes every character that could open markup or end an attribute', () => {
    expect(escapeHtml(`<img src=x onerror="a('&')">`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;&amp;&#39;)&quot;&gt;',
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [12.7, '12s'],
    [250, '4m 10s'],
    [3725, '1h 2m'],
    [273600, '3d 4h'],
  ])('shows %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('renderRouter', () => {
  it('lists uptime, default model, history rows and categories of a healthy router', () => {
    const html = renderRouter(healthy);

    expect(html).toContain('1h 2m');
    expect(html).toContain('qwen3-8b');
    expect(html).toContain('42 rows');
    expect(html).toContain('<span class="tag">math</span>');
  });

  it('says why an unreachable router does not answer', () => {
    const html = renderRouter({
      ...healthy,
      status: 'unreachable',
      error: 'GET http://127.0.0.1:8080/health: connect ECONNREFUSED',
    });

    expect(html).toContain('class="error"');
    expect(html).toContain('connect ECONNREFUSED');
  });
});

describe('renderModels', () => {
  it('draws each bar relative to the most chosen model', () => {
    const html = renderModels([
      { model: 'deepseek-math-7b', count: 4 },
      { model: 'qwen3-8b', count: 1 },
    ]);

    expect(html).toContain('width: 100%');
    expect(html).toContain('width: 25%');
  });

  it('says none yet before the first selection', () => {
    expect(renderModels([])).toContain('None yet.');
  });
});

describe('renderClassifications', () => {
  it('shows one row per decision with text, category, confidence and model, escaped', () => {
    const html = renderClassifications([
      {
        time: '2026-12-03T21:00:00Z',
        text: 'Is <b>this</b> code?',
        category: 'code',
        confidence: 0.871,
        model: 'qwen2.5-coder-7b',
        source: 'http',
      },
    ]);

    expect(html.match(/data-testid="classification"/g)).toHaveLength(1);
    expect(html).toContain('Is &lt;b&gt;this&lt;/b&gt; code?');
    expect(html).toContain('87%');
    expect(html).toContain('qwen2.5-coder-7b');
  });
});
