import { ModifiableInstruction, type Instruction } from 'dockerfile-ast';
import {
  findStageCycles,
  lineOf,
  readStages,
  stageLabel,
  type DockerfileStages,
  type StageCycle,
} from './stages';

const INSTRUCTIONS = [
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
];

// The flags BuildKit's Dockerfile frontend accepts; any other one fails
// the build with "unknown flag".
const FLAGS: Record<string, string[]> = {
  ADD: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude'],
  COPY: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  FROM: ['platform'],
  HEALTHCHECK: [
    'interval',
    'timeout',
    'start-period',
    'start-interval',
    'retries',
  ],
  RUN: ['mount', 'network', 'security'],
};

/**
 * findDockerfileProblems reports what makes BuildKit refuse a Dockerfile
 * before it builds anything: unknown instructions and flags, missing
 * arguments, instructions before the first FROM, duplicate stage names and
 * stages that read each other in a loop. Each problem is one line,
 * "file:line: problem (fix)".
 */
export function findDockerfileProblems(file: string, text: string): string[] {
  const parsed = readStages(text);
  const all = [
    ...parsed.preamble,
    ...parsed.stages.flatMap((stage) => [stage.from, ...stage.instructions]),
  ].sort((a, b) => lineOf(a) - lineOf(b));

  const problems = all.flatMap((instruction) =>
    instructionProblems(instruction),
  );
  problems.push(...structureProblems(parsed));
  return problems
    .sort((a, b) => a.line - b.line)
    .map(({ line, text: problem }) => `${file}:${line}: ${problem}`);
}

interface Problem {
  line: number;
  text: string;
}

function instructionProblems(instruction: Instruction): Problem[] {
  const keyword = instruction.getKeyword();
  const line = lineOf(instruction);
  if (!INSTRUCTIONS.includes(keyword)) {
    const guess = closest(keyword, INSTRUCTIONS);
    const fix = guess ? `did you mean ${guess}?` : 'check the spelling';
    return [{ line, text: `unknown instruction "${keyword}" (${fix})` }];
  }
  const problems: Problem[] = [];
  const words = instruction.getArguments();
  if (words.length === 0) {
    problems.push({
      line,
      text: `${keyword} has no arguments (write what it applies to after ${keyword})`,
    });
  } else if ((keyword === 'COPY' || keyword === 'ADD') && words.length < 2) {
    problems.push({
      line,
      text:
        `${keyword} needs a source and a destination ` +
        `(write ${keyword} <source>... <destination>)`,
    });
  } else if (keyword === 'FROM') {
    problems.push(...fromProblems(instruction, line));
  }
  if (instruction instanceof ModifiableInstruction && FLAGS[keyword]) {
    problems.push(...flagProblems(instruction, keyword, line));
  }
  return problems;
}

function fromProblems(from: Instruction, line: number): Problem[] {
  const words = from.getArguments().map((argument) => argument.getValue());
  const as = words.findIndex((word) => word.toUpperCase() === 'AS');
  const shapeOk =
    (words.length === 1 && as < 0) || (words.length === 3 && as === 1);
  if (shapeOk) {
    return [];
  }
  return [
    {
      line,
      text:
        `FROM ${words.join(' ')} is not "FROM <image> [AS <name>]" ` +
        '(name the base image, and the stage after AS if you need one)',
    },
  ];
}

function flagProblems(
  instruction: ModifiableInstruction,
  keyword: string,
  line: number,
): Problem[] {
  const known = FLAGS[keyword];
  return instruction
    .getFlags()
    .filter((flag) => !known.includes(flag.getName().toLowerCase()))
    .map((flag) => {
      const name = flag.getName();
      const guess = closest(name.toLowerCase(), known);
      const fix = guess
        ? `did you mean --${guess}?`
        : `known flags: ${known.map((flag) => `--${flag}`).join(', ')}`;
      return { line, text: `${keyword} has no flag --${name} (${fix})` };
    });
}

function structureProblems(parsed: DockerfileStages): Problem[] {
  const problems: Problem[] = [];
  if (parsed.stages.length === 0) {
    problems.push({
      line: 1,
      text: 'no FROM instruction, so there is no stage to build (start with FROM <image>)',
    });
  }
  for (const instruction of parsed.preamble) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'ARG' && INSTRUCTIONS.includes(keyword)) {
      problems.push({
        line: lineOf(instruction),
        text: `${keyword} comes before the first FROM, where only ARG may stand (move it below a FROM line)`,
      });
    }
  }

  const seen = new Map<string, number>();
  for (const stage of parsed.stages) {
    const first = stage.name && seen.get(stage.name);
    if (first) {
      problems.push({
        line: stage.line,
        text: `stage name "${stage.name}" is already used at line ${first} (give each stage its own name)`,
      });
    } else if (stage.name) {
      seen.set(stage.name, stage.line);
    }
  }

  for (const cycle of findStageCycles(parsed.stages)) {
    problems.push({ line: cycle.reads[0].line, text: describeCycle(cycle) });
  }
  return problems;
}

function describeCycle(cycle: StageCycle): string {
  const { reads } = cycle;
  const steps = reads.map(({ stage, line }, i) => {
    const next = reads[(i + 1) % reads.length].stage;
    return `"${stageLabel(stage)}" reads "${stageLabel(next)}" (line ${line})`;
  });
  return (
    `stages read each other in a loop: ${steps.join(', ')}; BuildKit ` +
    'refuses it with "circular dependency detected on stage" (copy only ' +
    'from stages that do not read back, or move the shared files into a ' +
    'stage of their own)'
  );
}

/** closest returns the candidate within two edits of word, if any. */
export function closest(
  word: string,
  candidates: string[],
): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toUpperCase(), candidate.toUpperCase());
    if (distance <= 2 && (!best || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
