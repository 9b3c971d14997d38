import { describe, expect, it } from 'vitest';
import { collectRun, taskSpans, type EngineProbe } from './collect';
import {
  capturedContext,
  capturedGraph,
  capturedInput,
  type CapturedRun,
} from './fixtures/nx-run';
import { markdownReport } from './format';
import type { EngineFacts, TaskSpan } from './record';

const FACTS: EngineFacts = {
  digest:
    'sha256:5b0c8e2d41f7a9c3e6d8b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0',
  sizeBytes: 187_213_824,
  sizeKind: 'unpacked',
};

function recordingProbe(): { probe: EngineProbe; asked: string[] } {
  const asked: string[] = [];
  const probe: EngineProbe = async (image, span) => {
    asked.push(`${image} ${span.task}`);
    return FACTS;
  };
  return { probe, asked };
}

async function collect(run: CapturedRun, env: NodeJS.ProcessEnv = {}) {
  const context = capturedContext(run);
  const { probe, asked } = recordingProbe();
  return {
    context,
    asked,
    run: await collectRun(capturedInput(context, env), probe),
  };
}

const DEPENDENCIES = [
  'candle-binding:build-linux-amd64',
  'candle-binding:build-linux-arm64',
  'ml-binding:build-linux-amd64',
  'ml-binding:build-linux-arm64',
  'semantic-router:build-linux-amd64',
  'semantic-router:build-linux-arm64',
];

describe('collectRun on captured Nx runs', () => {
  it('records the container task with the times Nx stamped on it', async () => {
    const { context, run, asked } = await collect('fresh');
    const { task } = context.taskResults['extproc:container'];

    expect(run.runId).toBe(context.id);
    expect(run.builds).toHaveLength(1);
    expect(run.builds[0]).toMatchObject({
      task: 'extproc:container',
      image: 'extproc',
      configuration: 'default',
      platforms: ['linux/amd64'],
      status: 'success',
      startTime: task.startTime,
      endTime: task.endTime,
      durationMs: task.endTime! - task.startTime!,
      budgetMinutes: 60,
      engine: FACTS,
    });
    expect(asked).toEqual(['extproc extproc:container']);
  });

  it.each([
    ['fresh', 'success'],
    ['cached', 'local-cache'],
  ] as const)(
    'lists every task the %s build waited for, as %s',
    async (captured, status) => {
      const { run } = await collect(captured);
      const dependencies = run.builds[0].dependencies;
      expect(dependencies.map((each) => each.task)).toEqual(DEPENDENCIES);
      expect(new Set(dependencies.map((each) => each.status))).toEqual(
        new Set([status]),
      );
    },
  );

  it('keeps every task of the run as a span for the timeline', async () => {
    const { context, run } = await collect('cached');
    expect(run.tasks.map((span) => span.task).sort()).toEqual(
      [...DEPENDENCIES, 'extproc:container'].sort(),
    );
    expect(run.startTime).toBe(context.startTime);
    expect(run.endTime).toBe(context.endTime);
    for (const span of run.tasks) {
      expect(span.endTime).toBeGreaterThanOrEqual(span.startTime);
    }
  });

  it('records a failed build with the platforms of its configuration', async () => {
    const { run } = await collect('container-failed');
    expect(run.builds).toEqual([
      expect.objectContaining({
        task: 'extproc:container:ci-linux-arm64',
        configuration: 'ci-linux-arm64',
        platforms: ['linux/arm64'],
        status: 'failure',
      }),
    ]);
    expect(run.builds[0].dependencies.map((each) => each.status)).toEqual(
      DEPENDENCIES.map(() => 'local-cache'),
    );
  });

  it('records no build when Nx never started the container task', async () => {
    const { run, asked } = await collect('dependency-failed');
    expect(run.builds).toEqual([]);
    expect(run.tasks.find((span) => span.status === 'failure')?.task).toBe(
      'ml-binding:build-linux-arm64',
    );
    expect(asked).toEqual([]);
  });

  it.each([
    ['the configuration', {}, ['linux/arm64']],
    [
      "nx-container's INPUT_PLATFORMS",
      { INPUT_PLATFORMS: 'linux/amd64,linux/arm64' },
      ['linux/amd64', 'linux/arm64'],
    ],
    [
      'the project-prefixed input first',
      {
        INPUT_PLATFORMS: 'linux/amd64',
        INPUT_EXTPROC_PLATFORMS: 'linux/arm64\n',
      },
      ['linux/arm64'],
    ],
  ])('takes the platforms from %s', async (_, env, platforms) => {
    const { run } = await collect('container-failed', env);
    expect(run.builds[0].platforms).toEqual(platforms);
  });

  it('formats the captured run as one report row', async () => {
    const { run } = await collect('fresh');
    const rows = markdownReport(run.builds, []).split('\n');
    expect(rows.filter((row) => row.startsWith('| `'))).toEqual([
      '| `extproc` | linux/amd64 | default | built | Build time: 0m 0s | 60m | ' +
        'n/a | 6 success | 178.5 MiB | `sha256:5b0c8e2d41f7` |',
    ]);
  });
});

describe('collectRun: what is not an image build', () => {
  it('records no build for a project without image metadata', async () => {
    const context = capturedContext('fresh');
    const input = capturedInput(context);
    delete input.graph.nodes.extproc.data.metadata;
    const { probe, asked } = recordingProbe();

    const run = await collectRun(input, probe);
    expect(run.builds).toEqual([]);
    expect(run.tasks).toHaveLength(7);
    expect(asked).toEqual([]);
  });

  it('does not ask the engine about a build Nx skipped', async () => {
    const context = capturedContext('fresh');
    const result = context.taskResults['extproc:container'];
    result.status = 'skipped';
    delete result.task.startTime;
    delete result.task.endTime;
    const { probe, asked } = recordingProbe();

    const run = await collectRun(capturedInput(context), probe);
    expect(run.builds[0]).toMatchObject({
      status: 'skipped',
      startTime: context.endTime,
      durationMs: 0,
      engine: {
        notes: ['the build did not run (a task it depends on failed)'],
      },
    });
    expect(asked).toEqual([]);
  });

  it('notes that dependencies are unknown when Nx cannot build the task graph', async () => {
    const input = capturedInput(capturedContext('fresh'));
    // A malformed dependsOn entry, as a hand-edited project.json can have.
    input.graph.nodes.extproc.data.targets!.container.dependsOn = [
      null as never,
    ];
    const run = await collectRun(input, recordingProbe().probe);
    expect(run.builds[0].dependencies).toEqual([]);
    expect(run.builds[0].engine.notes).toEqual([
      expect.stringMatching(
        /^the dependencies of extproc:container are unknown: Nx could not build its task graph \(.+\)$/,
      ),
    ]);
  });
});

describe('taskSpans', () => {
  const base = {
    runId: 'r',
    startTime: 1000,
    endTime: 9000,
    graph: capturedGraph(),
  };
  const spanOf = (startTime?: number, endTime?: number): TaskSpan =>
    taskSpans({
      ...base,
      targetName: 'container',
      hostPlatform: 'linux/amd64',
      env: {},
      taskResults: {
        'a:build': {
          task: {
            id: 'a:build',
            target: { project: 'a', target: 'build' },
            startTime,
            endTime,
          },
          status: 'skipped',
          code: 0,
        },
      },
    })[0];

  it.each([
    ['both times', 2000, 3000, 2000, 3000],
    ['only an end', undefined, 4000, 4000, 4000],
    ['no times', undefined, undefined, 9000, 9000],
    ['an end before its start', 5000, 4000, 5000, 5000],
  ])('places a task with %s', (_, start, end, wantStart, wantEnd) => {
    const span = spanOf(start, end);
    expect([span.startTime, span.endTime]).toEqual([wantStart, wantEnd]);
  });
});
