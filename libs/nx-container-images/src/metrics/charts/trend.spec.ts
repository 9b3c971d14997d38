import { describe, expect, it } from 'vitest';
import { build, history } from '../fixtures/builds';
import { findAll, parseXml } from '../fixtures/xml';
import { trendSvg } from './trend';

const MINUTE = 60_000;
const points = (text: string) =>
  findAll(parseXml(text), (element) => element.attributes.class === 'point');

describe('trendSvg', () => {
  it('is well-formed SVG with one point per run of each image', () => {
    const arm64 = history([20, 22, 21, 25].map((m) => m * MINUTE));
    const stack = history([9, 10, 11].map((m) => m * MINUTE)).map((each) => ({
      ...each,
      image: 'stack',
      budgetMinutes: 15,
    }));
    const svg = parseXml(trendSvg([...arm64, ...stack]));

    expect(svg.name).toBe('svg');
    const polylines = findAll(svg, (element) => element.name === 'polyline');
    expect(
      polylines.map((line) => line.attributes.points.split(' ').length),
    ).toEqual([4, 3]);
    expect(points(trendSvg([...arm64, ...stack]))).toHaveLength(7);
  });

  it('draws only the last builds of the window', () => {
    const many = history(Array.from({ length: 30 }, () => 10 * MINUTE));
    expect(points(trendSvg(many))).toHaveLength(20);
    expect(points(trendSvg(many, 5))).toHaveLength(5);
  });

  it('marks a failed build red, with its time and status as a tooltip', () => {
    const failed = build({ status: 'failure', durationMs: 3 * MINUTE });
    const [point] = points(trendSvg([failed]));
    expect(point.attributes.fill).toBe('#e15759');
    expect(point.children[0].text).toBe(
      '2026-12-03T10:00:00.000Z 3m 0s failure',
    );
  });

  it('draws the budget when builds come within half of it', () => {
    const near = trendSvg(history([35, 40, 45].map((m) => m * MINUTE)));
    const far = trendSvg(history([2, 3, 4].map((m) => m * MINUTE)));
    expect(near).toContain('budget 60m');
    expect(far).not.toContain('budget 60m');
  });

  it('says so when no build is recorded yet', () => {
    const svg = parseXml(trendSvg([]));
    expect(
      findAll(svg, (element) => element.text === 'No builds recorded yet.'),
    ).toHaveLength(1);
  });
});
