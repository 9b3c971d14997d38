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
});
