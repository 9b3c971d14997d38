import { describe, expect, it } from 'vitest';
import { readStages } from '../stages';
import { dockerfile } from './lint-fixture';
import {
  declarations,
  globalScope,
  onBuildPlatform,
  stageDeclarations,
  variableReferences,
} from './scope';

describe('declarations', () => {
  it('lists ARG and ENV names with their line and raw value', () => {
    const parsed = readStages(
      dockerfile('FROM scratch', 'ARG A B=2', 'ENV C=${B} \\', '    D=4'),
    );
    expect(declarations(parsed.stages[0].instructions)).toEqual([
      { name: 'A', line: 2, kind: 'ARG', raw: null },
      { name: 'B', line: 2, kind: 'ARG', raw: '2' },
      { name: 'C', line: 3, kind: 'ENV', raw: '${B}' },
      { name: 'D', line: 3, kind: 'ENV', raw: '4' },
    ]);
  });
});

describe('stageDeclarations', () => {
  it('includes what a stage inherits from the stage it builds on', () => {
    const parsed = readStages(
      dockerfile(
        'FROM scratch AS base',
        'ARG A',
        'FROM base AS next',
        'ENV B=1',
      ),
    );
    const names = stageDeclarations(parsed, parsed.stages[1]).map(
      ({ name }) => name,
    );
    expect(names).toEqual(['A', 'B']);
  });
});

describe('globalScope', () => {
  it('lets a build argument win over a default and leaves a bare ARG unset', () => {
    const parsed = readStages(
      dockerfile('ARG A=1', 'ARG B=${A}-x', 'ARG C', 'ARG D=4', 'FROM scratch'),
    );
    expect(Object.fromEntries(globalScope(parsed, { A: '9', D: '5' }))).toEqual(
      { A: '9', B: '9-x', C: undefined, D: '5' },
    );
  });
});

describe('onBuildPlatform', () => {
  it.each([
    ['FROM --platform=$BUILDPLATFORM scratch AS s', true],
    ['FROM --platform=${BUILDPLATFORM} scratch AS s', true],
    ['FROM --platform=$TARGETPLATFORM scratch AS s', false],
    ['FROM --platform=linux/amd64 scratch AS s', false],
    ['FROM scratch AS s', false],
  ])('answers %j with %s', (from, expected) => {
    const parsed = readStages(dockerfile(from));
    expect(onBuildPlatform(parsed, parsed.stages[0])).toBe(expected);
  });

  it('follows a stage to the stage it builds on', () => {
    const parsed = readStages(
      dockerfile('FROM --platform=$BUILDPLATFORM scratch AS a', 'FROM a AS b'),
    );
    expect(onBuildPlatform(parsed, parsed.stages[1])).toBe(true);
  });
});

describe('variableReferences', () => {
  it('lists each name once, braced or not', () => {
    expect(variableReferences('$A ${B:-x} ${A} $$ 1$')).toEqual(['A', 'B']);
  });
});
