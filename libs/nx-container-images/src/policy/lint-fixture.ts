import type { ImageDefinition } from '../images';
import { readStages } from '../stages';
import type { Finding, LintedDockerfile, Rule } from './finding';

// Helpers for the policy specs: a rule checked against one Dockerfile
// written inline, in the role lintImage would give it.

/** FIXTURE_DOCKERFILE is where checkRule says the Dockerfile lives. */
export const FIXTURE_DOCKERFILE = 'tools/docker/Dockerfile.app';

/** PINNED is an upstream base pinned by a (made-up) digest. */
export const PINNED = `debian:bookworm-slim@sha256:${'a'.repeat(64)}`;

/** fixtureImage is an image "app" for amd64 and arm64 with no arguments. */
export function fixtureImage(
  change: Partial<ImageDefinition> = {},
): ImageDefinition {
  return {
    name: 'app',
    dockerfile: FIXTURE_DOCKERFILE,
    context: '.',
    platforms: ['linux/amd64', 'linux/arm64'],
    buildArgs: {},
    airgapBuildArgs: {},
    budgetMinutes: 10,
    registryName: 'ghcr.io/semrouter/app',
    ...change,
  };
}

/** FixtureRole is how lintImage would see the Dockerfile. */
export interface FixtureRole {
  image?: Partial<ImageDefinition>;
  multiPlatform?: boolean;
  cross?: boolean;
  localRegistry?: string;
}

/** checkRule applies one rule to a Dockerfile text. */
export function checkRule(
  rule: Rule,
  text: string,
  role: FixtureRole = {},
): Finding[] {
  const dockerfile: LintedDockerfile = {
    image: fixtureImage(role.image),
    file: FIXTURE_DOCKERFILE,
    stages: readStages(text),
    multiPlatform: role.multiPlatform ?? false,
    cross: role.cross ?? false,
    localRegistry: role.localRegistry ?? '127.0.0.1:5000',
  };
  return rule.check(dockerfile);
}

/** dockerfile joins lines, so a spec can count them at a glance. */
export function dockerfile(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
