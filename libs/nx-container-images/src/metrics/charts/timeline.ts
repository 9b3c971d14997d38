import { formatDuration } from '../format';
import { succeeded, type RunRecord, type TaskSpan } from '../record';
import { element, niceStep, round, svgDocument, text } from './svg';

const ROW = 22;
const LABEL_WIDTH = 330;
const PLOT_WIDTH = 560;
const TOP = 48;
const WIDTH = LABEL_WIDTH + PLOT_WIDTH + 30;

/** Lane groups a task for colour: its architecture and whether it is an
 * image build. */
export function laneOf(span: TaskSpan, imageTarget: string): string {
  const arch = /arm64/.test(`${span.target}:${span.configuration ?? ''}`)
    ? 'arm64'
    : /amd64/.test(`${span.target}:${span.configuration ?? ''}`)
      ? 'amd64'
      : 'host';
  return span.target === imageTarget ? `image ${arch}` : `build ${arch}`;
}

const COLOURS: Record<string, string> = {
  'build amd64': '#4e79a7',
  'build arm64': '#59a14f',
  'build host': '#9c755f',
  'image amd64': '#f28e2b',
  'image arm64': '#e15759',
  'image host': '#b07aa1',
};

/**
 * timelineSvg draws a run as a Gantt chart: one row per task in start
 * order, a bar from start to end, coloured by lane. Tasks Nx took from its
 * cache are pale; failed ones are outlined in black.
 */
export function timelineSvg(run: RunRecord, imageTarget = 'container'): string {
  const spans = [...run.tasks].sort(
    (a, b) => a.startTime - b.startTime || a.task.localeCompare(b.task),
  );
  const start = run.startTime;
  const span = Math.max(run.endTime - start, 1);
  const x = (time: number) =>
    LABEL_WIDTH + ((time - start) / span) * PLOT_WIDTH;
  const height = TOP + spans.length * ROW + 60;

  const body: string[] = [
    text(
      10,
      20,
      `Last run: ${formatDuration(span)} wall clock, ${spans.length} tasks`,
      'font-size="14" font-weight="bold"',
    ),
    ...axis(span, x, start, TOP + spans.length * ROW),
  ];
  spans.forEach((task, index) => {
    body.push(...taskRow(task, TOP + index * ROW, x, imageTarget));
  });
  body.push(...legend(10, TOP + spans.length * ROW + 40));
  return svgDocument(WIDTH, height, 'Timeline of the last run', body);
}

// One task: its name, a bar from its start to its end, and its length.
function taskRow(
  task: TaskSpan,
  y: number,
  x: (time: number) => number,
  imageTarget: string,
): string[] {
  const cached =
    task.status.endsWith('cache') ||
    task.status === 'local-cache-kept-existing';
  const failed = !succeeded(task.status);
  const barX = x(task.startTime);
  const barWidth = Math.max(x(task.endTime) - barX, 1.5);
  const length = [
    formatDuration(task.endTime - task.startTime),
    statusNote(task),
  ];
  return [
    text(10, y + 15, task.task),
    element('rect', {
      class: 'bar',
      x: barX,
      y: y + 4,
      width: barWidth,
      height: ROW - 8,
      fill: COLOURS[laneOf(task, imageTarget)],
      'fill-opacity': cached ? '0.35' : '1',
      stroke: failed ? '#000000' : undefined,
      'stroke-width': failed ? 1.5 : undefined,
    }),
    text(
      Math.min(barX + barWidth + 4, WIDTH - 120),
      y + 15,
      length.filter(Boolean).join(' '),
      'font-size="10" fill="#444444"',
    ),
  ];
}

function statusNote(task: TaskSpan): string {
  if (task.status === 'success') return '';
  return `(${task.status})`;
}

function axis(
  span: number,
  x: (time: number) => number,
  start: number,
  bottom: number,
): string[] {
  const step = niceStep(span / 1000, 6) * 1000;
  const lines: string[] = [];
  for (let offset = 0; offset <= span; offset += step) {
    const at = round(x(start + offset));
    lines.push(
      element('line', {
        x1: at,
        y1: TOP - 4,
        x2: at,
        y2: bottom,
        stroke: '#dddddd',
      }),
      text(
        at,
        TOP - 8,
        formatDuration(offset),
        'font-size="10" text-anchor="middle" fill="#666666"',
      ),
    );
  }
  return lines;
}

function legend(left: number, y: number): string[] {
  return Object.entries(COLOURS)
    .flatMap(([lane, colour], index) => {
      const x = left + index * 140;
      return [
        element('rect', { x, y: y - 10, width: 12, height: 12, fill: colour }),
        text(x + 16, y, lane),
      ];
    })
    .concat(
      text(
        left,
        y + 18,
        'pale: taken from the Nx cache; outlined: failed',
        'font-size="10" fill="#444444"',
      ),
    );
}
