import { expandWord } from '../dockerfile';
import { baseStage, lineOf, stageLabel, type Stage } from '../stages';
import { findingAt, type LintedDockerfile, type Rule } from './finding';
import { globalScope, stageDeclarations } from './scope';

const id = 'final-user-not-root';

/**
 * finalUserNotRoot: the image runs as the USER of its last stage. It must
 * be set there (or in the stage it builds on) and must not be root: a base
 * image's default user is root more often than not.
 */
export const finalUserNotRoot: Rule = {
  id,
  summary: 'the final stage sets USER, and not to root or 0',
  check(dockerfile) {
    const { stages } = dockerfile.stages;
    const final = stages[stages.length - 1];
    if (!final) {
      return [];
    }
    const user = lastUser(dockerfile, final);
    if (!user) {
      return [
        findingAt(
          dockerfile,
          id,
          final.line,
          `the final stage "${stageLabel(final)}" sets no USER, so the ` +
            "container runs as the base image's user, usually root",
          'add `USER 65532:65532` (or another non-root user) at the end ' +
            'of the final stage',
        ),
      ];
    }
    if (!isRoot(user.value)) {
      return [];
    }
    return [
      findingAt(
        dockerfile,
        id,
        user.line,
        `the final stage "${stageLabel(final)}" runs as USER ${user.value}`,
        'switch to a non-root user after the last step that needs root, ' +
          'e.g. `USER 65532:65532`',
      ),
    ];
  },
};

function lastUser(
  dockerfile: LintedDockerfile,
  stage: Stage,
): { value: string; line: number } | undefined {
  const users = stage.instructions.filter(
    (instruction) => instruction.getKeyword() === 'USER',
  );
  const last = users[users.length - 1];
  if (last) {
    const line = lineOf(last);
    const scope = userScope(dockerfile, stage, line);
    const raw = last.getArgumentsContent() ?? '';
    return { value: expandWord(raw.trim(), scope).value, line };
  }
  const base = baseStage(dockerfile.stages.stages, stage);
  return base ? lastUser(dockerfile, base) : undefined;
}

// What USER can expand at a line: a build argument wins over an ARG's
// default, and a bare ARG takes the global ARG's value.
function userScope(
  dockerfile: LintedDockerfile,
  stage: Stage,
  line: number,
): Map<string, string | undefined> {
  const { buildArgs } = dockerfile.image;
  const globals = globalScope(dockerfile.stages, buildArgs);
  const scope = new Map<string, string | undefined>();
  for (const entry of stageDeclarations(dockerfile.stages, stage)) {
    if (entry.line >= line) {
      continue;
    }
    const value =
      entry.kind === 'ENV'
        ? (entry.raw ?? undefined)
        : (buildArgs[entry.name] ?? entry.raw ?? globals.get(entry.name));
    scope.set(entry.name, value);
  }
  return scope;
}

function isRoot(user: string): boolean {
  const name = user.split(':')[0].trim();
  return name === '' || name === 'root' || name === '0';
}
