import { ModifiableInstruction, type Instruction } from 'dockerfile-ast';
import { IMAGES_FILE } from '../images';
import { lineOf, stageLabel } from '../stages';
import { compileStep, runCommand } from './commands';
import { findingAt, type Finding, type Rule } from './finding';
import { declarations, stageDeclarations, variableReferences } from './scope';

/**
 * WORKFLOW_BUILD_ARGS are the build arguments docker-publish.yml sets for
 * builds besides those in images.json. The workflow hands everything else
 * to the images through images.json (tools/ci/build-image.sh passes no
 * --build-arg); build-args.spec.ts checks that this stays true.
 */
export const WORKFLOW_BUILD_ARGS = ['CARGO_BUILD_JOBS'];

const id = 'build-arg-declared-in-stage';

/**
 * buildArgDeclaredInStage: BuildKit gives a build argument to a stage only
 * if the stage declares it with ARG (a global ARG reaches only FROM lines),
 * so an undeclared one expands empty and the setting silently does nothing.
 * That is how CARGO_BUILD_JOBS once did nothing. cargo reads
 * CARGO_BUILD_JOBS from its environment, so a stage that runs cargo needs
 * the ARG even without a $ reference.
 */
export const buildArgDeclaredInStage: Rule = {
  id,
  summary:
    'every build argument the workflow passes (images.json buildArgs, airgapBuildArgs, CARGO_BUILD_JOBS) is declared with ARG in the stage that uses it',
  check(dockerfile) {
    const passed = passedBuildArgs(dockerfile.image);
    const { preamble, stages } = dockerfile.stages;
    const globals = new Set(declarations(preamble).map(({ name }) => name));
    const findings: Finding[] = [];

    for (const stage of stages) {
      for (const name of variableReferences(stage.base)) {
        if (passed.has(name) && !globals.has(name)) {
          findings.push(
            findingAt(
              dockerfile,
              id,
              stage.line,
              `FROM uses $${name}, which ${passed.get(name)} passes, but no ARG ${name} comes before the first FROM`,
              `declare ARG ${name} at the top of the file, before the first FROM`,
            ),
          );
        }
      }

      const declared = stageDeclarations(dockerfile.stages, stage);
      for (const instruction of stage.instructions) {
        const line = lineOf(instruction);
        const visible = new Set(
          declared.filter((entry) => entry.line < line).map(({ name }) => name),
        );
        const used = usedVariables(instruction);
        for (const name of new Set(used)) {
          if (!passed.has(name) || visible.has(name)) {
            continue;
          }
          findings.push(
            findingAt(
              dockerfile,
              id,
              line,
              `stage "${stageLabel(stage)}" uses ${name}, which ${passed.get(name)} passes, but does not declare ARG ${name}, so it is empty here`,
              `add \`ARG ${name}\` in this stage before line ${line}`,
            ),
          );
        }
      }
    }
    return findings;
  },
};

// The variables an instruction expands, its flags included
// (`RUN --mount=type=cache,id=cargo-$TARGETARCH`), and CARGO_BUILD_JOBS
// for a RUN of cargo.
function usedVariables(instruction: Instruction): string[] {
  if (instruction.getKeyword() === 'ARG') {
    return [];
  }
  const flags =
    instruction instanceof ModifiableInstruction
      ? instruction.getFlags().map((flag) => flag.getValue() ?? '')
      : [];
  const text = [...flags, instruction.getRawArgumentsContent() ?? ''];
  const used = variableReferences(text.join(' '));
  const step = compileStep(runCommand(instruction) ?? '');
  if (step && /^(?:xx-)?cargo\s/.test(step)) {
    used.push('CARGO_BUILD_JOBS');
  }
  return used;
}

/** passedBuildArgs maps each build argument to where it is passed from. */
export function passedBuildArgs(image: {
  name: string;
  buildArgs: Record<string, string>;
  airgapBuildArgs: Record<string, string>;
}): Map<string, string> {
  const passed = new Map<string, string>();
  for (const name of WORKFLOW_BUILD_ARGS) {
    passed.set(name, `CI (${name} in .github/workflows/docker-publish.yml)`);
  }
  for (const name of Object.keys(image.airgapBuildArgs)) {
    passed.set(name, `${IMAGES_FILE} images.${image.name}.airgapBuildArgs`);
  }
  for (const name of Object.keys(image.buildArgs)) {
    passed.set(name, `${IMAGES_FILE} images.${image.name}.buildArgs`);
  }
  return passed;
}
