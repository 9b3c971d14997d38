import { describe, expect, it } from 'vitest';
import { parseOptions } from './options';

describe('parseOptions', () => {
  it('takes the base and head from nrwl/nx-set-shas when no flag names them', () => {
    const options = parseOptions([], { NX_BASE: 'abc', NX_HEAD: 'def' });
    expect(options).toMatchObject({ base: 'abc', head: 'def' });
  });

  it('reads images, configurations and repeated tags', () => {
    const options = parseOptions(
      [
        ...[
          '--images',
          'extproc',
          '--configuration',
          'ci-linux-amd64,ci-linux-arm64',
        ],
        ...['--index', '--tag', 'main', '--tag', 'sha-1234567'],
      ],
      {},
    );
    expect(options).toMatchObject({
      images: ['extproc'],
      configurations: ['ci-linux-amd64', 'ci-linux-arm64'],
      index: true,
      tags: ['main', 'sha-1234567'],
    });
  });

  it('says what is missing and how to fix it', () => {
    expect(() => parseOptions([], {})).toThrow(/pass --images, or --base/);
    expect(() => parseOptions(['--images'], {})).toThrow(
      /--images needs a value/,
    );
    expect(() => parseOptions(['--bogus'], {})).toThrow(
      /unknown option "--bogus"/,
    );
    expect(() =>
      parseOptions(['--images', 'x', '--index', '--load'], {}),
    ).toThrow(/cannot go with --load/);
  });

  it.each([
    ['90s', 90_000],
    ['45m', 2_700_000],
    ['1h', 3_600_000],
    ['2.5', 2_500],
  ])('reads --timeout %s as %d ms', (text, ms) => {
    const options = parseOptions(['--images', 'x', '--timeout', text], {});
    expect(options).toMatchObject({ timeoutMs: ms });
  });

  it('takes the timeout from IMAGE_BUILD_TIMEOUT and names a bad one', () => {
    expect(
      parseOptions(['--images', 'x'], { IMAGE_BUILD_TIMEOUT: '20m' }),
    ).toMatchObject({ timeoutMs: 1_200_000 });
    expect(() =>
      parseOptions(['--images', 'x', '--timeout', 'soon'], {}),
    ).toThrow(/--timeout "soon" is not a duration \(use a number with s, m/);
  });
});
