import { describe, expect, it } from 'vitest';
import {
  baseStage,
  findStage,
  findStageCycles,
  readStages,
  stageLabel,
  stageReferences,
} from './stages';

const text = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('readStages', () => {
  it('splits a Dockerfile at its FROM lines, keeping the global ARGs apart', () => {
    const parsed = readStages(
      text(
        'ARG BASE=debian',
        'FROM --platform=$BUILDPLATFORM ${BASE} AS Build',
        'RUN true',
        '',
        'FROM scratch',
        'COPY --from=build /out /',
      ),
    );
    expect(parsed.preamble.map((i) => i.getKeyword())).toEqual(['ARG']);
    expect(
      parsed.stages.map(
        ({ index, name, line, base, platform, instructions }) => ({
          index,
          name,
          line,
          base,
          platform,
          keywords: instructions.map((i) => i.getKeyword()),
        }),
      ),
    ).toEqual([
      {
        index: 0,
        name: 'build',
        line: 2,
        base: '${BASE}',
        platform: '$BUILDPLATFORM',
        keywords: ['RUN'],
      },
      {
        index: 1,
        name: undefined,
        line: 5,
        base: 'scratch',
        platform: undefined,
        keywords: ['COPY'],
      },
    ]);
    expect(parsed.stages.map(stageLabel)).toEqual(['build', '#1 (unnamed)']);
  });
});

describe('findStage', () => {
  const { stages } = readStages(
    text('FROM scratch AS build', 'FROM scratch AS runtime'),
  );

  it.each([
    ['a name', 'runtime', 1],
    ['a name in other case', 'BUILD', 0],
    ['an index', '1', 1],
  ])('resolves %s', (_, target, index) => {
    expect(findStage(stages, target)?.index).toBe(index);
  });

  it.each(['busybox:stable', '2', 'buil'])(
    'finds no stage for %j',
    (target) => {
      expect(findStage(stages, target)).toBeUndefined();
    },
  );
});

describe('baseStage', () => {
  it('resolves a FROM word only against the stages before it', () => {
    const { stages } = readStages(
      text(
        'FROM later AS first',
        'FROM scratch AS later',
        'FROM first AS last',
      ),
    );
    expect(baseStage(stages, stages[0])).toBeUndefined();
    expect(baseStage(stages, stages[2])?.name).toBe('first');
  });
});

describe('stageReferences', () => {
  it('lists COPY --from, ADD --from and RUN --mount from= with their lines', () => {
    const { stages } = readStages(
      text(
        'FROM scratch',
        'COPY --from=build /a /a',
        'ADD --from=1 /b /b',
        'RUN --mount=type=bind,from=tools,target=/t --mount=type=cache,target=/c ls',
        'COPY c /c',
      ),
    );
    expect(stageReferences(stages[0])).toEqual([
      { target: 'build', line: 2, via: 'COPY --from' },
      { target: '1', line: 3, via: 'COPY --from' },
      { target: 'tools', line: 4, via: 'RUN --mount' },
    ]);
  });
});

describe('findStageCycles', () => {
  const cycles = (...lines: string[]) =>
    findStageCycles(readStages(text(...lines)).stages).map(({ reads }) =>
      reads.map(({ stage, line }) => `${stageLabel(stage)}@${line}`),
    );

  it('reports a stage that copies from itself', () => {
    expect(cycles('FROM scratch AS a', 'COPY --from=a /x /y')).toEqual([
      ['a@2'],
    ]);
  });

  it('reports two stages that read each other, with each reading line', () => {
    expect(
      cycles('FROM scratch AS a', 'COPY --from=b /x /x', 'FROM a AS b'),
    ).toEqual([['a@2', 'b@3']]);
  });

  it('finds no loop in stages that read one way', () => {
    expect(
      cycles(
        'FROM scratch AS a',
        'FROM a AS b',
        'COPY --from=a /x /x',
        'FROM scratch',
        'COPY --from=b /x /x',
      ),
    ).toEqual([]);
  });
});
