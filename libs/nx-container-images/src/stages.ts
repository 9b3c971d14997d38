import {
  DockerfileParser,
  From,
  Instruction,
  ModifiableInstruction,
} from 'dockerfile-ast';

/** Stage is one FROM and the instructions up to the next FROM. */
export interface Stage {
  index: number;
  /** name is the AS name, or undefined for an unnamed stage */
  name?: string;
  /** line is the 1-based line of the FROM instruction */
  line: number;
  /** base is the image or stage word of FROM, unexpanded */
  base: string;
  /** platform is the raw --platform value, e.g. $BUILDPLATFORM */
  platform?: string;
  from: From;
  instructions: Instruction[];
}

/** DockerfileStages is a Dockerfile split at its FROM lines. */
export interface DockerfileStages {
  /** preamble holds what comes before the first FROM (global ARGs) */
  preamble: Instruction[];
  stages: Stage[];
}

/** StageReference is an instruction that reads another stage's files. */
export interface StageReference {
  /** target is the stage name or index as written */
  target: string;
  line: number;
  via: 'COPY --from' | 'RUN --mount';
}

/** lineOf returns the 1-based line an instruction starts on. */
export function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
}

/** readStages parses a Dockerfile with dockerfile-ast and splits stages. */
export function readStages(text: string): DockerfileStages {
  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction instanceof From) {
      stages.push(newStage(instruction, stages.length));
    } else if (stages.length === 0) {
      preamble.push(instruction);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { preamble, stages };
}

function newStage(from: From, index: number): Stage {
  const words = from.getArguments().map((argument) => argument.getValue());
  const as = words.findIndex((word) => word.toUpperCase() === 'AS');
  return {
    index,
    name: as >= 0 ? words[as + 1]?.toLowerCase() : undefined,
    line: lineOf(from),
    base: words[0] ?? '',
    platform: from.getPlatformFlag()?.getValue() ?? undefined,
    from,
    instructions: [],
  };
}

/** stageLabel names a stage the way messages quote it. */
export function stageLabel(stage: Stage): string {
  return stage.name ?? `#${stage.index} (unnamed)`;
}

/**
 * findStage resolves a --from value or a FROM word to a stage. BuildKit
 * matches names case-insensitively and also accepts a stage's index.
 */
export function findStage(stages: Stage[], target: string): Stage | undefined {
  if (/^[0-9]+$/.test(target)) {
    return stages[Number(target)];
  }
  const name = target.toLowerCase();
  return stages.find((stage) => stage.name === name);
}

/**
 * baseStage returns the earlier stage a FROM builds on, if any: BuildKit
 * resolves a FROM word only against the stages declared before it.
 */
export function baseStage(stages: Stage[], stage: Stage): Stage | undefined {
  const name = stage.base.toLowerCase();
  return stages.slice(0, stage.index).find((earlier) => earlier.name === name);
}

/** stageReferences lists the COPY --from and RUN --mount,from= reads. */
export function stageReferences(stage: Stage): StageReference[] {
  const references: StageReference[] = [];
  for (const instruction of stage.instructions) {
    if (!(instruction instanceof ModifiableInstruction)) {
      continue;
    }
    const keyword = instruction.getKeyword();
    for (const flag of instruction.getFlags()) {
      const name = flag.getName().toLowerCase();
      const value = flag.getValue() ?? '';
      if ((keyword === 'COPY' || keyword === 'ADD') && name === 'from') {
        references.push({
          target: value,
          line: lineOf(instruction),
          via: 'COPY --from',
        });
      } else if (keyword === 'RUN' && name === 'mount') {
        const from = /(?:^|,)from=([^,]+)/.exec(value)?.[1];
        if (from) {
          references.push({
            target: from,
            line: lineOf(instruction),
            via: 'RUN --mount',
          });
        }
      }
    }
  }
  return references;
}

/** StageCycle is stages that read each other in a loop. */
export interface StageCycle {
  /** reads[i] is stage i reading stage i+1 (the last reads the first) */
  reads: Array<{ stage: Stage; line: number }>;
}

/**
 * findStageCycles reports stages that read from themselves through COPY
 * --from, RUN --mount,from= or FROM, directly or through other stages.
 * BuildKit refuses the first two with "circular dependency detected on
 * stage" and no location; this names every line of the loop.
 */
export function findStageCycles(stages: Stage[]): StageCycle[] {
  const edges = new Map(
    stages.map((stage) => [stage, stageEdges(stages, stage)]),
  );
  const cycles: StageCycle[] = [];
  const finished = new Set<Stage>();

  const visit = (path: Stage[], lines: number[]) => {
    const stage = path[path.length - 1];
    for (const edge of edges.get(stage) ?? []) {
      const at = path.indexOf(edge.stage);
      if (at >= 0) {
        const readLines = [...lines.slice(at), edge.line];
        const members = path.slice(at);
        cycles.push({
          reads: members.map((member, i) => ({
            stage: member,
            line: readLines[i],
          })),
        });
      } else if (!finished.has(edge.stage)) {
        visit([...path, edge.stage], [...lines, edge.line]);
      }
    }
    finished.add(stage);
  };

  for (const stage of stages) {
    if (!finished.has(stage)) {
      visit([stage], []);
    }
  }
  return cycles;
}

function stageEdges(
  stages: Stage[],
  stage: Stage,
): Array<{ stage: Stage; line: number }> {
  const edges: Array<{ stage: Stage; line: number }> = [];
  for (const reference of stageReferences(stage)) {
    const target = findStage(stages, reference.target);
    if (target) {
      edges.push({ stage: target, line: reference.line });
    }
  }
  const base = baseStage(stages, stage);
  return base ? [...edges, { stage: base, line: stage.line }] : edges;
}
