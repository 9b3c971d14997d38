import { describe, expect, it } from 'vitest';
import { parseModelSelections } from './selections';

describe('parseModelSelections', () => {
  it('sums each model over the reasons that chose it, most chosen first', () => {
    const exposition = [
      '# HELP semantic_router_model_selections_total Models chosen.',
      '# TYPE semantic_router_model_selections_total counter',
      'semantic_router_model_selections_total{model="qwen3-8b",reason="default"} 2',
      'semantic_router_model_selections_total{model="deepseek-math-7b",reason="category_first"} 1',
      'semantic_router_model_selections_total{model="deepseek-math-7b",reason="nearest_history"} 4',
      'semantic_router_classifications_total{category="math"} 5',
    ].join('\n');

    expect(parseModelSelections(exposition)).toEqual([
      { model: 'deepseek-math-7b', count: 5 },
      { model: 'qwen3-8b', count: 2 },
    ]);
  });

  it.each([
    ['an empty exposition', ''],
    [
      'a sample without a model label',
      'semantic_router_model_selections_total{reason="x"} 1',
    ],
    [
      'a sample whose value is not a number',
      'semantic_router_model_selections_total{model="m"} abc',
    ],
  ])('returns nothing for %s', (_, exposition) => {
    expect(parseModelSelections(exposition)).toEqual([]);
  });

  it('unescapes quotes and backslashes in model names', () => {
    const line = String.raw`semantic_router_model_selections_total{model="a\"b\\c",reason="default"} 3`;

    expect(parseModelSelections(line)).toEqual([{ model: 'a"b\\c', count: 3 }]);
  });
});
