import { describe, expect, it } from 'vitest';
import { isGlob, matchesGlob, staticPrefix } from './glob';

describe('matchesGlob', () => {
  it.each([
    ['dist/libs/a/linux-amd64/liba.so', 'dist/libs/*/linux-*/*.so', true],
    ['dist/libs/a/b/liba.so', 'dist/libs/*/*.so', false],
    ['tools/docker/x/y/z.sh', 'tools/docker/**/*.sh', true],
    ['tools/docker/z.sh', 'tools/docker/**/*.sh', true],
    ['tools/docker/.env', 'tools/docker/*', true],
    ['a/b.c', 'a/b?c', true],
    ['a/b/c', 'a/b?c', false],
    ['a/x1', 'a/x[0-9]', true],
    ['a/xy', 'a/x[!0-9]', true],
    ['a/b.yaml', 'a/*.{yaml,yml}', true],
    ['a/b.json', 'a/*.{yaml,yml}', false],
    ['a/b+c', 'a/b+c', true],
  ])('matches %s against %s: %s', (path, pattern, expected) => {
    expect(matchesGlob(path, pattern)).toBe(expected);
  });
});

describe('staticPrefix', () => {
  it.each([
    ['dist/libs/*/linux-amd64', 'dist/libs'],
    ['tools/docker/entrypoint.sh', 'tools/docker/entrypoint.sh'],
    ['*.sh', '.'],
    ['a/b/**', 'a/b'],
  ])('returns the plain leading segments of %s', (pattern, expected) => {
    expect(staticPrefix(pattern)).toBe(expected);
    expect(isGlob(pattern)).toBe(pattern !== expected);
  });
});
