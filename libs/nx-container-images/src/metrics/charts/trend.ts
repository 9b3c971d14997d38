import { buildLabel, formatDuration } from '../format';
import { comparisonKey } from '../judge';
import { succeeded, type BuildRecord } from '../record';
import {
  element,
  escapeXml,
  niceStep,
  round,
  svgDocument,
  text,
  type Attributes,
} from './svg';

const PANEL_WIDTH = 420;
const PANEL_HEIGHT = 170;
const MARGIN = { left: 60, top: 34, right: 20, bottom: 30 };

/**
 * trendSvg draws the build time of each image (per configuration and
 * platforms) over its last `window` builds: one panel each, a point per
 * build (red when it failed), and the budget as a dashed line when it is
 * within reach of the plotted times.
 */
export function trendSvg(history: BuildRecord[], window = 20): string {
  const groups = new Map<string, BuildRecord[]>();
  for (const build of history) {
    const key = comparisonKey(build);
    groups.set(key, [...(groups.get(key) ?? []), build]);
  }
  const panels = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, builds]) => builds.slice(-window));
  const height = Math.max(panels.length, 1) * (PANEL_HEIGHT + 20) + 30;
  const width = PANEL_WIDTH + 40;

  const body = [
    text(
      10,
      20,
      'Build time per image, oldest to newest',
      'font-size="14" font-weight="bold"',
    ),
  ];
  panels.forEach((builds, index) => {
    body.push(...panel(builds, 10, 30 + index * (PANEL_HEIGHT + 20)));
  });
  if (panels.length === 0) body.push(text(10, 50, 'No builds recorded yet.'));
  return svgDocument(width, height, 'Build-time trend per image', body);
}

// Plot is one panel's drawing area: where a build index and a duration
// land on it.
interface Plot {
  left: number;
  right: number;
  bottom: number;
  maxMs: number;
  x(index: number): number;
  y(ms: number): number;
}

function panel(builds: BuildRecord[], left: number, top: number): string[] {
  const last = builds[builds.length - 1];
  const budgetMs = last.budgetMinutes * 60_000;
  const longest = Math.max(...builds.map((build) => build.durationMs), 1);
  // The budget line is drawn only when builds come within half of it;
  // otherwise it would flatten every point onto the axis.
  const showBudget = longest * 2 >= budgetMs;
  const maxMs = Math.max(longest, showBudget ? budgetMs : 0) * 1.1;
  const plot = plotArea(builds.length, left, top, maxMs);

  return [
    element('rect', {
      x: left,
      y: top,
      width: PANEL_WIDTH,
      height: PANEL_HEIGHT,
      fill: 'none',
      stroke: '#cccccc',
    }),
    text(
      left + 8,
      top + 18,
      `${buildLabel(last)} ${last.configuration}: last ${formatDuration(last.durationMs)}`,
      'font-weight="bold"',
    ),
    ...grid(plot),
    ...(showBudget ? budgetLine(plot, last.budgetMinutes) : []),
    ...series(plot, builds),
    text(
      plot.left,
      plot.bottom + 18,
      `${builds.length} builds`,
      'font-size="10" fill="#666666"',
    ),
  ];
}

function plotArea(
  count: number,
  left: number,
  top: number,
  maxMs: number,
): Plot {
  const width = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const height = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const x0 = left + MARGIN.left;
  const bottom = top + MARGIN.top + height;
  return {
    left: x0,
    right: x0 + width,
    bottom,
    maxMs,
    x: (index) =>
      x0 + (count === 1 ? width / 2 : (index / (count - 1)) * width),
    y: (ms) => bottom - (ms / maxMs) * height,
  };
}

function grid(plot: Plot): string[] {
  const step = niceStep(plot.maxMs / 1000, 4) * 1000;
  const lines: string[] = [];
  for (let ms = 0; ms <= plot.maxMs; ms += step) {
    const y = round(plot.y(ms));
    lines.push(
      horizontal(plot, y, { stroke: '#eeeeee' }),
      text(
        plot.left - 6,
        y + 4,
        formatDuration(ms),
        'font-size="10" text-anchor="end" fill="#666666"',
      ),
    );
  }
  return lines;
}

function budgetLine(plot: Plot, budgetMinutes: number): string[] {
  const y = round(plot.y(budgetMinutes * 60_000));
  return [
    horizontal(plot, y, { stroke: '#e15759', 'stroke-dasharray': '4 3' }),
    text(
      plot.right,
      y - 4,
      `budget ${budgetMinutes}m`,
      'font-size="10" text-anchor="end" fill="#e15759"',
    ),
  ];
}

// One point per build, red when it failed, joined oldest to newest.
function series(plot: Plot, builds: BuildRecord[]): string[] {
  const at = builds.map((build, index) => ({
    build,
    x: round(plot.x(index)),
    y: round(plot.y(build.durationMs)),
  }));
  const polyline = at.map(({ x, y }) => `${x},${y}`).join(' ');
  return [
    element('polyline', {
      points: polyline,
      fill: 'none',
      stroke: '#4e79a7',
      'stroke-width': 1.5,
    }),
    ...at.map(({ build, x, y }) => {
      const colour = succeeded(build.status) ? '#4e79a7' : '#e15759';
      const tooltip =
        `${new Date(build.startTime).toISOString()} ` +
        `${formatDuration(build.durationMs)} ${build.status}`;
      return element(
        'circle',
        { class: 'point', cx: x, cy: y, r: 3, fill: colour },
        element('title', {}, escapeXml(tooltip)),
      );
    }),
  ];
}

function horizontal(plot: Plot, y: number, style: Attributes): string {
  return element('line', {
    x1: plot.left,
    y1: y,
    x2: plot.right,
    y2: y,
    ...style,
  });
}
