import { findDockerfileProblems } from '../dockerfile-problems';
import { imageDockerfiles } from '../image-plan';
import type { ImageDefinition } from '../images';
import { readStages } from '../stages';
import { basePinnedByDigest } from './base-digest';
import { buildArgDeclaredInStage } from './build-args';
import { noCargoClean } from './cargo-clean';
import { compileOnBuildPlatform, noCompileInTargetStage } from './emulation';
import { jsonEntrypointCmd } from './exec-form';
import type { Finding, LintedDockerfile, Rule } from './finding';
import { noSecretInArgEnv } from './secrets';
import { finalUserNotRoot } from './user';

/** POLICY_RULES are every rule lint-dockerfile applies, in report order. */
export const POLICY_RULES: Rule[] = [
  noCargoClean,
  compileOnBuildPlatform,
  noCompileInTargetStage,
  buildArgDeclaredInStage,
  noSecretInArgEnv,
  finalUserNotRoot,
  basePinnedByDigest,
  jsonEntrypointCmd,
];

/** SYNTAX_RULE names findings that stop BuildKit before any policy. */
export const SYNTAX_RULE = 'dockerfile-syntax';

/**
 * lintImage applies every rule to each of an image's Dockerfiles. A
 * Dockerfile BuildKit would refuse gets only its syntax findings.
 */
export function lintImage(
  image: ImageDefinition,
  read: (file: string) => string,
  localRegistry: string,
): Finding[] {
  const findings: Finding[] = [];
  for (const file of imageDockerfiles(image)) {
    const text = read(file);
    const syntax = findDockerfileProblems(file, text);
    if (syntax.length > 0) {
      findings.push(...syntax.map((problem) => syntaxFinding(file, problem)));
      continue;
    }

    const dockerfile: LintedDockerfile = {
      image,
      file,
      stages: readStages(text),
      multiPlatform:
        image.platforms.length > 1 &&
        file === (image.crossDockerfile ?? image.dockerfile),
      cross: file === image.crossDockerfile,
      localRegistry,
    };
    for (const rule of POLICY_RULES) {
      findings.push(...rule.check(dockerfile));
    }
  }
  return findings.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line,
  );
}

// findDockerfileProblems words its problems "file:line: problem (fix)".
function syntaxFinding(file: string, problem: string): Finding {
  const match = /^[^:]+:(\d+): (.*) \(([^()]*)\)$/.exec(problem);
  return {
    file,
    line: match ? Number(match[1]) : 1,
    rule: SYNTAX_RULE,
    message: match ? match[2] : problem.slice(file.length + 1),
    fix: match ? match[3] : 'fix the line BuildKit would refuse',
  };
}
