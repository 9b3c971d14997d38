import type { Instruction } from 'dockerfile-ast';
import { lineOf } from '../stages';
import { findingAt, type Rule } from './finding';

const id = 'json-entrypoint-cmd';

/**
 * jsonEntrypointCmd: the shell form wraps the command in `/bin/sh -c`,
 * which distroless bases do not have, and the shell (not the process)
 * receives SIGTERM. HEALTHCHECK CMD is held to the same form.
 */
export const jsonEntrypointCmd: Rule = {
  id,
  summary: 'ENTRYPOINT, CMD and HEALTHCHECK CMD use the JSON (exec) form',
  check(dockerfile) {
    const instructions = dockerfile.stages.stages.flatMap(
      (stage) => stage.instructions,
    );
    return instructions.flatMap((instruction) => {
      const command = commandText(instruction);
      if (command === undefined || isJsonForm(command)) {
        return [];
      }
      const keyword = instruction.getKeyword();
      const label = keyword === 'HEALTHCHECK' ? 'HEALTHCHECK CMD' : keyword;
      const suggestion = JSON.stringify(execWords(command));
      const why = command.trim().startsWith('[')
        ? 'is not valid JSON (JSON needs double quotes)'
        : 'uses the shell form, which needs /bin/sh and keeps signals from the process';
      return [
        findingAt(
          dockerfile,
          id,
          lineOf(instruction),
          `${label} ${why}`,
          `write ${label} ${suggestion}`,
        ),
      ];
    });
  },
};

// The command part of ENTRYPOINT, CMD and HEALTHCHECK CMD; undefined for
// other instructions and for HEALTHCHECK NONE.
function commandText(instruction: Instruction): string | undefined {
  const keyword = instruction.getKeyword();
  const content = instruction.getRawArgumentsContent() ?? '';
  if (keyword === 'ENTRYPOINT' || keyword === 'CMD') {
    return content;
  }
  if (keyword !== 'HEALTHCHECK') {
    return undefined;
  }
  const match = /(?:^|\s)CMD(?=[\s[])/i.exec(content);
  return match ? content.slice(match.index + match[0].length) : undefined;
}

// The words of a shell-form command, or of a bracketed list in single
// quotes, for the fix to show. A command that relies on the shell (&&,
// $VAR) needs a script instead; the fix lists its words all the same.
function execWords(command: string): string[] {
  const text = command.replace(/\\\r?\n/g, ' ').trim();
  const list = /^\[(.*)\]$/s.exec(text);
  const words = list ? list[1].split(',') : text.split(/\s+/);
  return words
    .map((word) => word.trim().replace(/^(['"])(.*)\1$/s, '$2'))
    .filter(Boolean);
}

// Docker's own test for the exec form is whether the text parses as a
// JSON array of strings; a parse error simply means the shell form. The
// empty array is the exec form too: `ENTRYPOINT []` clears the base's.
function isJsonForm(command: string): boolean {
  try {
    const parsed: unknown = JSON.parse(command.replace(/\\\r?\n/g, ' '));
    return (
      Array.isArray(parsed) && parsed.every((word) => typeof word === 'string')
    );
  } catch {
    return false;
  }
}
