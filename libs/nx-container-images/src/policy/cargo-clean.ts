import { lineOf } from '../stages';
import { cleansCargo, runCommand } from './commands';
import { findingAt, type Rule } from './finding';

const id = 'no-cargo-clean';

/**
 * noCargoClean keeps cargo's target directory: a clean forces the next
 * build to compile every crate again, which is what made image builds take
 * hours. Artifacts come from Nx's cache, not from rebuilding.
 */
export const noCargoClean: Rule = {
  id,
  summary: 'no RUN runs `cargo clean`',
  check(dockerfile) {
    return dockerfile.stages.stages.flatMap((stage) =>
      stage.instructions
        .filter((instruction) => cleansCargo(runCommand(instruction) ?? ''))
        .map((instruction) =>
          findingAt(
            dockerfile,
            id,
            lineOf(instruction),
            'RUN runs `cargo clean`, which throws away every compiled crate',
            'remove it; build the crate with its Nx target and COPY the ' +
              'artifact from dist/',
          ),
        ),
    );
  },
};
