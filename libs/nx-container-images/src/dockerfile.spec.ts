import { describe, expect, it } from 'vitest';
import { analyseDockerfile, expandWord, platformArgs } from './dockerfile';
import type { Platform } from './images';

const paths = (
  text: string,
  platform: Platform = 'linux/amd64',
  buildArgs: Record<string, string> = {},
) =>
  analyseDockerfile(text, { platform, buildArgs }).sources.map((s) => s.path);

describe('expandWord', () => {
  const scope = new Map<string, string | undefined>([
    ['ARCH', 'arm64'],
    ['EMPTY', ''],
    ['DECLARED', undefined],
  ]);

  it.each([
    ['linux-${ARCH}/lib', 'linux-arm64/lib'],
    ['linux-$ARCH/lib', 'linux-arm64/lib'],
    ['${EMPTY:-amd64}', 'amd64'],
    ['${EMPTY-amd64}', ''],
    ['${MISSING-amd64}', 'amd64'],
    ['${ARCH:+set}', 'set'],
    ['${EMPTY:+set}', ''],
    ['${MISSING+set}', ''],
    ['\\$ARCH', '$ARCH'],
    ["'$ARCH'", '$ARCH'],
    ['"$ARCH"', 'arm64'],
    ['cost$', 'cost$'],
  ])('expands %s to %s', (word, expected) => {
    expect(expandWord(word, scope).value).toBe(expected);
  });

  it('names the variables that had no value', () => {
    expect(expandWord('a/${DECLARED}/$MISSING', scope).unset).toEqual([
      'DECLARED',
      'MISSING',
    ]);
  });
});

describe('ARG resolution', () => {
  it.each<[Platform, string]>([
    ['linux/amd64', 'dist/app/linux-amd64/app'],
    ['linux/arm64', 'dist/app/linux-arm64/app'],
  ])('expands TARGETARCH for %s', (platform, expected) => {
    const text =
      'FROM scratch\nARG TARGETARCH\nCOPY dist/app/linux-${TARGETARCH}/app /\n';
    expect(paths(text, platform)).toEqual([expected]);
  });

  it('expands TARGETOS, TARGETPLATFORM and BUILDARCH', () => {
    const text =
      'FROM scratch\nARG TARGETOS TARGETPLATFORM BUILDARCH\n' +
      'COPY out/$TARGETPLATFORM/$TARGETOS-$BUILDARCH /\n';
    expect(paths(text, 'linux/arm64')).toEqual(['out/linux/arm64/linux-amd64']);
  });

  it('leaves TARGETARCH empty in a stage that does not declare it', () => {
    const text = 'FROM scratch\nCOPY dist/linux-${TARGETARCH}/app /\n';
    const [source] = analyseDockerfile(text, {
      platform: 'linux/amd64',
      buildArgs: {},
    }).sources;
    expect(source).toMatchObject({
      path: 'dist/linux-/app',
      unsetVariables: ['TARGETARCH'],
      line: 2,
    });
  });

  it('takes a global ARG default only where a stage declares it again', () => {
    const text =
      'ARG DIR=config\nFROM scratch AS a\nCOPY $DIR /a\n' +
      'FROM scratch AS b\nARG DIR\nCOPY $DIR /b\n';
    expect(paths(text)).toEqual(['.', 'config']);
  });

  it('lets a build argument override an ARG default', () => {
    const text = 'FROM scratch\nARG DIR=config\nCOPY ${DIR}/x /\n';
    expect(paths(text, 'linux/amd64', { DIR: 'other' })).toEqual(['other/x']);
  });

  it('expands ARG defaults that refer to earlier ARGs and ENV values', () => {
    const text =
      'FROM scratch\nARG TARGETARCH\nARG OUT=dist/linux-${TARGETARCH}\n' +
      'ENV LIB=$OUT/lib\nCOPY ${LIB}/x.so /\n';
    expect(paths(text, 'linux/arm64')).toEqual(['dist/linux-arm64/lib/x.so']);
  });

  it('returns the automatic platform arguments of a platform', () => {
    expect(platformArgs('linux/arm64')).toMatchObject({
      TARGETARCH: 'arm64',
      TARGETOS: 'linux',
      TARGETPLATFORM: 'linux/arm64',
      BUILDPLATFORM: 'linux/amd64',
    });
  });
});

describe('context sources', () => {
  it('skips COPY --from a stage and --from an external image', () => {
    const text =
      'FROM debian AS build\nCOPY src /src\n' +
      'FROM scratch\nCOPY --from=build /out /\n' +
      'COPY --from=busybox:stable /bin/sh /bin/\nCOPY --from=0 /x /\n';
    expect(paths(text)).toEqual(['src']);
  });

  it('skips remote ADD sources but keeps local ones', () => {
    const text =
      'FROM scratch\nADD https://example.com/a.tgz /\n' +
      'ADD git@github.com:o/r.git /r\nADD vendor/b.tgz /\n';
    expect(paths(text)).toEqual(['vendor/b.tgz']);
  });

  it('reads every source of a COPY with several, in JSON form too', () => {
    const text =
      'FROM scratch\nCOPY --chown=1:1 a ./b /dst/\nCOPY ["c d", "e", "/x/"]\n';
    expect(paths(text)).toEqual(['a', 'b', 'c d', 'e']);
  });

  it('does not read here-documents from the context', () => {
    const text = 'FROM scratch\nCOPY <<EOF /etc/x\nhello\nEOF\nCOPY f /\n';
    expect(paths(text)).toEqual(['f']);
  });

  it('reads bind mounts from the context but not from stages or caches', () => {
    const text =
      'FROM debian AS build\n' +
      'RUN --mount=type=bind,source=go.mod,target=/go.mod \\\n' +
      '    --mount=type=cache,target=/root/.cache \\\n' +
      '    --mount=type=bind,from=build,source=/x,target=/y true\n';
    expect(paths(text)).toEqual(['go.mod']);
  });

  it('treats a leading ./ or / as the context root', () => {
    const text = 'FROM scratch\nCOPY ./a/ /\nCOPY /b /\nCOPY . /src\n';
    expect(paths(text)).toEqual(['a', 'b', '.']);
  });

  it('reports the line and stage of each source', () => {
    const text = 'FROM scratch AS runtime\n\nCOPY \\\n  a /\n';
    const { sources, stages } = analyseDockerfile(text, {
      platform: 'linux/amd64',
      buildArgs: {},
    });
    expect(stages).toEqual(['runtime']);
    expect(sources[0]).toMatchObject({ line: 3, stage: 'runtime' });
  });

  it('lists every declared ARG', () => {
    const text = 'ARG A=1\nFROM scratch\nARG B C=2\n';
    const analysis = analyseDockerfile(text, {
      platform: 'linux/amd64',
      buildArgs: {},
    });
    expect(analysis.declaredArgs).toEqual(['A', 'B', 'C']);
  });
});
