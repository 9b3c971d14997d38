import { Arg, Env } from 'dockerfile-ast';
import { argDeclarations, expandWord } from '../dockerfile';
import {
  baseStage,
  lineOf,
  type DockerfileStages,
  type Stage,
} from '../stages';

/** Declaration is an ARG or ENV name and the line that sets it. */
export interface Declaration {
  name: string;
  line: number;
  kind: 'ARG' | 'ENV';
  /** raw is the unexpanded default or value; null for a bare ARG */
  raw: string | null;
}

/** declarations lists the ARG and ENV names set by instructions. */
export function declarations(
  instructions: DockerfileStages['preamble'],
): Declaration[] {
  const found: Declaration[] = [];
  for (const instruction of instructions) {
    const line = lineOf(instruction);
    if (instruction instanceof Arg) {
      for (const { name, raw } of argDeclarations(instruction)) {
        found.push({ name, line, kind: 'ARG', raw });
      }
    } else if (instruction instanceof Env) {
      for (const property of instruction.getProperties()) {
        const raw = property.getValue();
        found.push({ name: property.getName(), line, kind: 'ENV', raw });
      }
    }
  }
  return found;
}

/**
 * stageDeclarations lists what a stage declares, including what it
 * inherits from the earlier stage it is built FROM.
 */
export function stageDeclarations(
  parsed: DockerfileStages,
  stage: Stage,
): Declaration[] {
  const base = baseStage(parsed.stages, stage);
  const inherited = base ? stageDeclarations(parsed, base) : [];
  return [...inherited, ...declarations(stage.instructions)];
}

/**
 * globalScope holds the values the global ARGs have for a FROM line: a
 * build argument wins over the default; an ARG without either is unset.
 */
export function globalScope(
  parsed: DockerfileStages,
  buildArgs: Record<string, string>,
): Map<string, string | undefined> {
  const scope = new Map<string, string | undefined>();
  for (const { name, raw, kind } of declarations(parsed.preamble)) {
    if (kind !== 'ARG') {
      continue;
    }
    if (name in buildArgs) {
      scope.set(name, buildArgs[name]);
    } else {
      scope.set(name, raw === null ? undefined : expandWord(raw, scope).value);
    }
  }
  return scope;
}

const BUILD_PLATFORM = /^\$(?:BUILDPLATFORM|\{BUILDPLATFORM\})$/;

/**
 * onBuildPlatform tells whether a stage runs on the machine that builds,
 * not under emulation: its FROM says --platform=$BUILDPLATFORM, or it
 * builds on an earlier stage that does.
 */
export function onBuildPlatform(
  parsed: DockerfileStages,
  stage: Stage,
): boolean {
  if (stage.platform !== undefined) {
    return BUILD_PLATFORM.test(stage.platform.trim());
  }
  const base = baseStage(parsed.stages, stage);
  return base ? onBuildPlatform(parsed, base) : false;
}

/** variableReferences lists the $NAME and ${NAME...} names in a text. */
export function variableReferences(text: string): string[] {
  const names = [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map(
    (match) => match[1],
  );
  return [...new Set(names)];
}
