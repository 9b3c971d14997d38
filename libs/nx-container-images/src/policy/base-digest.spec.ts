import { describe, expect, it } from 'vitest';
import { basePinnedByDigest } from './base-digest';
import {
  checkRule,
  dockerfile,
  FIXTURE_DOCKERFILE,
  PINNED,
} from './lint-fixture';

const LOCAL_BASE = '127.0.0.1:5000/semrouter-airgap/tools:bookworm';

describe('base-pinned-by-digest', () => {
  it.each([
    [
      'a FROM by tag',
      dockerfile('FROM debian:bookworm AS runtime'),
      1,
      'FROM pulls "debian:bookworm"',
    ],
    [
      'a COPY --from image',
      dockerfile(
        `FROM ${PINNED}`,
        'COPY --from=busybox:stable /bin/busybox /bin/',
      ),
      2,
      'COPY --from pulls "busybox:stable"',
    ],
    [
      'a RUN --mount from image',
      dockerfile(
        `FROM ${PINNED}`,
        'RUN --mount=type=bind,from=alpine:3.20,target=/a ls /a',
      ),
      2,
      'RUN --mount pulls "alpine:3.20"',
    ],
    [
      'an ARG default by tag',
      dockerfile('ARG BASE=node:20-bookworm-slim', '', 'FROM ${BASE}'),
      3,
      'FROM pulls "node:20-bookworm-slim" (the default of ARG BASE at line 1) in the default and ci configurations',
    ],
  ])('reports %s', (_, text, line, message) => {
    const findings = checkRule(basePinnedByDigest, text);
    expect(findings).toEqual([
      expect.objectContaining({
        file: FIXTURE_DOCKERFILE,
        line,
        rule: 'base-pinned-by-digest',
      }),
    ]);
    expect(findings[0].message).toContain(message);
    expect(findings[0].fix).toContain('append @sha256:<digest>');
  });

  it('reports a base ARG without default that no build argument sets', () => {
    const findings = checkRule(
      basePinnedByDigest,
      dockerfile('ARG BASE', 'FROM $BASE'),
    );
    expect(findings).toEqual([
      expect.objectContaining({ line: 2, rule: 'base-pinned-by-digest' }),
    ]);
    expect(findings[0].message).toContain('$BASE has no default');
    expect(findings[0].fix).toContain(
      'give ARG BASE a default pinned by digest',
    );
  });

  it("reports an airgap base outside the local registry's air-gapped bases", () => {
    const findings = checkRule(
      basePinnedByDigest,
      dockerfile(`ARG BASE=${PINNED}`, 'FROM ${BASE}'),
      {
        image: { airgapBuildArgs: { BASE: '127.0.0.1:5000/mirror/debian:12' } },
      },
    );
    expect(findings).toEqual([
      expect.objectContaining({ line: 2, rule: 'base-pinned-by-digest' }),
    ]);
    expect(findings[0].message).toContain(
      '(tools/docker/images.json images.app.airgapBuildArgs.BASE) in the airgap configurations',
    );
    expect(findings[0].fix).toContain(
      'use an air-gapped base under 127.0.0.1:5000/semrouter-airgap/',
    );
  });

  it('reports a base pinned by default that images.json replaces with a tag', () => {
    const findings = checkRule(
      basePinnedByDigest,
      dockerfile(`ARG BASE=${PINNED}`, 'FROM ${BASE}'),
      { image: { buildArgs: { BASE: 'debian:bookworm' } } },
    );
    expect(findings.map(({ message }) => message)).toEqual([
      'FROM pulls "debian:bookworm" (tools/docker/images.json images.app.buildArgs.BASE) in the default and ci configurations, which is not pinned by digest',
    ]);
  });

  it("holds a local base to the plugin's local registry", () => {
    const text = dockerfile(`ARG BASE=${PINNED}`, 'FROM ${BASE}');
    const airgap = { airgapBuildArgs: { BASE: LOCAL_BASE } };
    expect(checkRule(basePinnedByDigest, text, { image: airgap })).toEqual([]);
    const elsewhere = checkRule(basePinnedByDigest, text, {
      image: airgap,
      localRegistry: 'registry.lan:5000',
    });
    expect(elsewhere.map(({ line }) => line)).toEqual([2]);
  });

  it.each([
    ['a base pinned by digest', dockerfile(`FROM ${PINNED}`)],
    ['scratch', dockerfile('FROM scratch', 'COPY app /app')],
    [
      'a default that expands to scratch',
      dockerfile(
        'ARG ENVOY_IMAGE=',
        'FROM ${ENVOY_IMAGE:-scratch} AS envoy-image',
      ),
    ],
    [
      'an earlier stage chosen by a build argument',
      dockerfile(
        'ARG SOURCE=',
        'FROM scratch AS from-image',
        'FROM scratch AS from-none',
        'FROM from-${SOURCE:-none} AS chosen',
      ),
    ],
    [
      'a COPY --from stage',
      dockerfile(
        `FROM ${PINNED} AS build`,
        `FROM ${PINNED}`,
        'COPY --from=build /out /app',
      ),
    ],
    [
      'an air-gapped base selected by airgapBuildArgs',
      dockerfile(`ARG TOOLS_IMAGE=${PINNED}`, 'FROM ${TOOLS_IMAGE}'),
    ],
  ])('accepts %s', (_, text) => {
    const image = { airgapBuildArgs: { TOOLS_IMAGE: LOCAL_BASE } };
    expect(checkRule(basePinnedByDigest, text, { image })).toEqual([]);
  });
});
