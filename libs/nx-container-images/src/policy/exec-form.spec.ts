import { describe, expect, it } from 'vitest';
import { jsonEntrypointCmd } from './exec-form';
import {
  checkRule,
  dockerfile,
  FIXTURE_DOCKERFILE,
  PINNED,
} from './lint-fixture';

describe('json-entrypoint-cmd', () => {
  it.each([
    [
      'a shell-form CMD',
      'CMD node /app/server.js',
      'CMD uses the shell form',
      'write CMD ["node","/app/server.js"]',
    ],
    [
      'an ENTRYPOINT in single quotes',
      "ENTRYPOINT ['/app/bin/router']",
      'ENTRYPOINT is not valid JSON',
      'write ENTRYPOINT ["/app/bin/router"]',
    ],
    [
      'a shell-form HEALTHCHECK CMD',
      'HEALTHCHECK --interval=10s CMD curl -f http://127.0.0.1:8080/health',
      'HEALTHCHECK CMD uses the shell form',
      'write HEALTHCHECK CMD ["curl","-f","http://127.0.0.1:8080/health"]',
    ],
  ])(
    'reports %s with the JSON form to write',
    (_, instruction, message, fix) => {
      const findings = checkRule(
        jsonEntrypointCmd,
        dockerfile(`FROM ${PINNED}`, 'USER 65532', instruction),
      );
      expect(findings).toEqual([
        expect.objectContaining({
          file: FIXTURE_DOCKERFILE,
          line: 3,
          rule: 'json-entrypoint-cmd',
        }),
      ]);
      expect(findings[0].message).toContain(message);
      expect(findings[0].fix).toBe(fix);
    },
  );

  it('accepts the exec form, the empty form and HEALTHCHECK NONE', () => {
    const text = dockerfile(
      `FROM ${PINNED}`,
      'HEALTHCHECK --interval=10s --timeout=3s \\',
      '  CMD ["/app/bin/router", "healthcheck"]',
      'ENTRYPOINT []',
      'ENTRYPOINT ["/app/bin/router"]',
      'CMD ["--config=/app/config/config.yaml"]',
      `FROM ${PINNED}`,
      'HEALTHCHECK NONE',
    );
    expect(checkRule(jsonEntrypointCmd, text)).toEqual([]);
  });
});
