import type { Instruction } from 'dockerfile-ast';
import { lineOf, stageLabel, type Stage } from '../stages';
import { compileStep, installStep, runCommand } from './commands';
import { findingAt, type LintedDockerfile, type Rule } from './finding';
import { onBuildPlatform } from './scope';

const compileId = 'compile-on-build-platform';

/**
 * compileOnBuildPlatform applies to a Dockerfile built for several
 * platforms at once (other than a crossDockerfile, which the stricter
 * rule below covers): a stage that compiles must run on $BUILDPLATFORM,
 * or the arm64 build compiles under QEMU, 10-40 times slower.
 */
export const compileOnBuildPlatform: Rule = {
  id: compileId,
  summary:
    'in a Dockerfile built for several platforms, stages that compile run on $BUILDPLATFORM',
  check(dockerfile) {
    if (!dockerfile.multiPlatform || dockerfile.cross) {
      return [];
    }
    return emulatedSteps(dockerfile, compileStep).map(
      ({ stage, instruction, step }) =>
        findingAt(
          dockerfile,
          compileId,
          lineOf(instruction),
          `stage "${stageLabel(stage)}" runs \`${step}\` on the target ` +
            `platform, so building for ${platformList(dockerfile)} ` +
            'compiles under emulation',
          `start the stage with FROM --platform=$BUILDPLATFORM and ` +
            'cross-compile for $TARGETARCH, or build it with an Nx target ' +
            'and COPY the artifact',
        ),
    );
  },
};

const crossId = 'no-compile-in-target-stage';

/**
 * noCompileInTargetStage applies to an image's crossDockerfile: its
 * target-platform stages may copy but not compile or install packages;
 * both would run under emulation for every platform but the builder's.
 */
export const noCompileInTargetStage: Rule = {
  id: crossId,
  summary:
    'in a crossDockerfile, target-platform stages neither compile nor install packages',
  check(dockerfile) {
    if (!dockerfile.cross) {
      return [];
    }
    const step = (command: string) =>
      compileStep(command) ?? installStep(command);
    return emulatedSteps(dockerfile, step).map(
      ({ stage, instruction, step: found }) =>
        findingAt(
          dockerfile,
          crossId,
          lineOf(instruction),
          `stage "${stageLabel(stage)}" of the cross Dockerfile runs ` +
            `\`${found}\` on the target platform, under emulation`,
          'move the step to a stage FROM --platform=$BUILDPLATFORM (or to ' +
            'an Nx build target) and COPY --from its result',
        ),
    );
  },
};

interface EmulatedStep {
  stage: Stage;
  instruction: Instruction;
  step: string;
}

function emulatedSteps(
  dockerfile: LintedDockerfile,
  detect: (command: string) => string | undefined,
): EmulatedStep[] {
  const found: EmulatedStep[] = [];
  for (const stage of dockerfile.stages.stages) {
    if (onBuildPlatform(dockerfile.stages, stage)) {
      continue;
    }
    for (const instruction of stage.instructions) {
      const step = detect(runCommand(instruction) ?? '');
      if (step) {
        found.push({ stage, instruction, step });
      }
    }
  }
  return found;
}

function platformList(dockerfile: LintedDockerfile): string {
  return dockerfile.image.platforms.join(' and ');
}
