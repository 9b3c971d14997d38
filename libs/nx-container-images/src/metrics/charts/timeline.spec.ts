import { describe, expect, it } from 'vitest';
import { capturedRun } from '../fixtures/nx-run';
import type { RunRecord } from '../record';
import { findAll, parseXml, type XmlElement } from '../fixtures/xml';
import { laneOf, timelineSvg } from './timeline';

const bars = (svg: XmlElement) =>
  findAll(svg, (element) => element.attributes.class === 'bar');

describe('timelineSvg', () => {
  it('is well-formed SVG with one bar per task of the run', async () => {
    const run = await capturedRun('fresh');
    const svg = parseXml(timelineSvg(run));

    expect(svg.name).toBe('svg');
    expect(svg.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(bars(svg)).toHaveLength(run.tasks.length);
    expect(run.tasks).toHaveLength(7);
  });

  it('draws the tasks in start order, each from its start to its end', async () => {
    const run = await capturedRun('fresh');
    const svg = parseXml(timelineSvg(run));
    const span = run.endTime - run.startTime;
    const at = (time: number) => 330 + ((time - run.startTime) / span) * 560;
    const tasks = [...run.tasks].sort(
      (a, b) => a.startTime - b.startTime || a.task.localeCompare(b.task),
    );

    bars(svg).forEach((bar, index) => {
      const { startTime, endTime } = tasks[index];
      expect(Number(bar.attributes.x)).toBeCloseTo(at(startTime), 0);
      expect(Number(bar.attributes.width)).toBeCloseTo(
        Math.max(at(endTime) - at(startTime), 1.5),
        0,
      );
    });
    expect(tasks.at(-1)?.task).toBe('extproc:container');
  });

  it('outlines a failed task and makes cached ones pale', async () => {
    const run = await capturedRun('container-failed');
    const svg = parseXml(timelineSvg(run));
    const [failed] = bars(svg).filter(
      (bar) => bar.attributes.stroke === '#000000',
    );
    const pale = bars(svg).filter(
      (bar) => bar.attributes['fill-opacity'] === '0.35',
    );

    expect(failed.attributes.fill).toBe('#e15759');
    expect(pale).toHaveLength(6);
  });

  it('escapes task names', () => {
    const run: RunRecord = {
      runId: 'r',
      startTime: 0,
      endTime: 10,
      builds: [],
      tasks: [
        {
          task: 'a&b:<build>',
          project: 'a&b',
          target: '<build>',
          status: 'success',
          startTime: 0,
          endTime: 10,
        },
      ],
    };
    const svg = parseXml(timelineSvg(run));
    expect(
      findAll(svg, (element) => element.text === 'a&amp;b:&lt;build&gt;'),
    ).toHaveLength(1);
  });
});

describe('laneOf', () => {
  const span = {
    task: '',
    project: 'p',
    status: 'success' as const,
    startTime: 0,
    endTime: 0,
  };

  it.each([
    [{ target: 'build-linux-arm64' }, 'build arm64'],
    [{ target: 'build-linux-amd64' }, 'build amd64'],
    [{ target: 'build' }, 'build host'],
    [{ target: 'container', configuration: 'ci-linux-arm64' }, 'image arm64'],
    [{ target: 'container', configuration: 'ci-linux-amd64' }, 'image amd64'],
    [{ target: 'container' }, 'image host'],
  ])('puts %j in the lane "%s"', (fields, lane) => {
    expect(laneOf({ ...span, ...fields }, 'container')).toBe(lane);
  });
});
