import { Instruction, JSONInstruction } from 'dockerfile-ast';

// Each pattern is matched against one simple command (see simpleCommands),
// so "cargo build" matches while "apt-get install -y make",
// "echo go build" and "my-cargo-build.sh" do not. tonistiigi/xx's
// wrappers (xx-cargo, xx-go, xx-clang) compile too.
const COMPILE_STEPS = [
  /^(?:xx-)?cargo\s+(?:\+\S+\s+)?(?:build|b|install|rustc|test|t|bench)(?=\s|$)/,
  /^rustc(?=\s|$)/,
  /^(?:xx-)?go\s+(?:build|install|test|generate)(?=\s|$)/,
  /^(?:[\w.]+-)*(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-\d+)?(?=\s|$)/,
  /^(?:make|cmake|ninja|meson|bazel|mvn|gradle|gradlew)(?=\s|$)/,
  /^(?:npm|pnpm|yarn)\s+(?:ci|install|i|run\s+build)(?=\s|$)/,
  /^tsc(?=\s|$)/,
];

const INSTALL_STEPS = [
  /^apt(?:-get)?\s+(?:-\S+\s+)*install(?=\s|$)/,
  /^(?:dnf|yum|microdnf)\s+(?:-\S+\s+)*install(?=\s|$)/,
  /^apk\s+(?:-\S+\s+)*add(?=\s|$)/,
  /^(?:pip3?|python3?\s+-m\s+pip)\s+install(?=\s|$)/,
];

const CARGO_CLEAN = /^(?:xx-)?cargo\s+(?:\+\S+\s+)?clean(?=\s|$)/;

// Shell operators after which a new command starts.
const SEPARATOR = /&&|\|\||\$\(|[;&|(){}\n`]/;

// Words that run the command after them: shell keywords, wrappers and
// shells given a command string (`sh -c "cargo build"`).
const PREFIXES = new Set([
  '!',
  'if',
  'then',
  'else',
  'elif',
  'do',
  'while',
  'until',
  'sudo',
  'env',
  'exec',
  'time',
  'nice',
  'nohup',
  'command',
  'npx',
  'sh',
  'bash',
]);

/**
 * runCommand returns the shell text of a RUN instruction, continuation
 * lines joined, or the JSON form's words joined by spaces; undefined for
 * any other instruction.
 */
export function runCommand(instruction: Instruction): string | undefined {
  if (instruction.getKeyword() !== 'RUN') {
    return undefined;
  }
  const json = (instruction as JSONInstruction).getJSONStrings?.() ?? [];
  if (json.length > 0) {
    return json.map((word) => word.getJSONValue()).join(' ');
  }
  return instruction.getArgumentsContent() ?? '';
}

/**
 * simpleCommands splits a RUN text at its shell operators into the
 * commands it runs, each without leading VAR=value assignments, shell
 * keywords and wrappers, and named without its directory. Quotes are dropped rather than parsed, so a
 * separator inside a quoted string splits too: the rules err towards
 * reporting a step.
 */
export function simpleCommands(command: string): string[] {
  return command
    .replace(/\\\r?\n/g, ' ')
    .replace(/["']/g, ' ')
    .split(SEPARATOR)
    .map((text) => commandName(dropPrefixes(text.trim().split(/\s+/))))
    .filter(Boolean);
}

/** compileStep returns the compile command a RUN text runs, if any. */
export function compileStep(command: string): string | undefined {
  return firstMatch(command, COMPILE_STEPS);
}

/** installStep returns the package installation a RUN text runs, if any. */
export function installStep(command: string): string | undefined {
  return firstMatch(command, INSTALL_STEPS);
}

/** cleansCargo tells whether a RUN text runs `cargo clean`. */
export function cleansCargo(command: string): boolean {
  return firstMatch(command, [CARGO_CLEAN]) !== undefined;
}

function dropPrefixes(words: string[]): string[] {
  let start = 0;
  while (start < words.length) {
    const word = words[start];
    const isAssignment = /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
    const isWrapperFlag = start > 0 && word.startsWith('-');
    const isOptionValue = start > 0 && words[start - 1] === '-o';
    const isPrefix =
      PREFIXES.has(word) || isAssignment || isWrapperFlag || isOptionValue;
    if (!isPrefix) {
      break;
    }
    start++;
  }
  return words.slice(start);
}

// A command run by its path (/root/.cargo/bin/cargo, ./gradlew) is
// matched by its name.
function commandName(words: string[]): string {
  const [first, ...rest] = words;
  return first === undefined
    ? ''
    : [first.replace(/^.*\//, ''), ...rest].join(' ');
}

function firstMatch(command: string, patterns: RegExp[]): string | undefined {
  for (const simple of simpleCommands(command)) {
    for (const pattern of patterns) {
      const match = pattern.exec(simple);
      if (match) {
        return match[0];
      }
    }
  }
  return undefined;
}
