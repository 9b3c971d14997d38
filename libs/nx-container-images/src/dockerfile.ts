import {
  Arg,
  DockerfileParser,
  Env,
  Instruction,
  JSONInstruction,
  ModifiableInstruction,
  type Argument,
  type Flag,
  type Heredoc,
} from 'dockerfile-ast';
import type { Platform } from './images';

/** ContextSource is one path an instruction reads from the build context. */
export interface ContextSource {
  /** path is relative to the build context, expanded, without leading ./ */
  path: string;
  /** line is 1-based, for file:line messages */
  line: number;
  instruction: 'COPY' | 'ADD' | 'RUN --mount';
  stage: string;
  /** unsetVariables were referenced but had no value (they expanded empty) */
  unsetVariables: string[];
}

/** DockerfileAnalysis is what one Dockerfile reads for one platform. */
export interface DockerfileAnalysis {
  stages: string[];
  sources: ContextSource[];
  /** declaredArgs lists every ARG name, global or per stage */
  declaredArgs: string[];
}

/** AnalysisState is the input that the analysis depends on besides text. */
export interface AnalysisState {
  platform: Platform;
  buildArgs: Record<string, string>;
  /**
   * buildPlatform is fixed rather than read from the host so that the graph
   * is the same on every machine; CI builds on linux/amd64.
   */
  buildPlatform?: Platform;
}

type Scope = Map<string, string | undefined>;

type Range = ReturnType<Argument['getRange']>;

/** platformArgs returns BuildKit's automatic platform ARGs for a build. */
export function platformArgs(
  platform: Platform,
  buildPlatform: Platform = 'linux/amd64',
): Record<string, string> {
  const [targetOs, targetArch] = platform.split('/');
  const [buildOs, buildArch] = buildPlatform.split('/');
  return {
    TARGETPLATFORM: platform,
    TARGETOS: targetOs,
    TARGETARCH: targetArch,
    TARGETVARIANT: '',
    BUILDPLATFORM: buildPlatform,
    BUILDOS: buildOs,
    BUILDARCH: buildArch,
    BUILDVARIANT: '',
  };
}

/**
 * analyseDockerfile lists the build-context paths a Dockerfile reads when it
 * is built for one platform. Stages and external images named by --from are
 * not context reads; neither are remote ADD sources nor here-documents.
 */
export function analyseDockerfile(
  text: string,
  state: AnalysisState,
): DockerfileAnalysis {
  const dockerfile = DockerfileParser.parse(text);
  const lines = text.split(/\r?\n/);
  const automatic = platformArgs(state.platform, state.buildPlatform);
  const globalScope: Scope = new Map(Object.entries(automatic));
  const declaredArgs = new Set<string>();
  const stages: string[] = [];
  const sources: ContextSource[] = [];
  let stageScope: Scope | undefined;

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      stages.push(stageName(instruction, stages.length));
      stageScope = new Map();
    } else if (instruction instanceof Arg) {
      const scope = stageScope ?? globalScope;
      declareArgs(instruction, scope, { globalScope, automatic, state });
      argDeclarations(instruction).forEach(({ name }) =>
        declaredArgs.add(name),
      );
    } else if (instruction instanceof Env && stageScope) {
      for (const property of instruction.getProperties()) {
        const raw = property.getValue() ?? '';
        stageScope.set(property.getName(), expandWord(raw, stageScope).value);
      }
    } else if (stageScope) {
      const stage = stages[stages.length - 1];
      const found = instructionSources(instruction, stageScope, {
        stage,
        lines,
      });
      sources.push(...found);
    }
  }

  return { stages, sources, declaredArgs: [...declaredArgs].sort() };
}

function stageName(from: Instruction, index: number): string {
  const args = from.getArguments().map((argument) => argument.getValue());
  const as = args.findIndex((value) => value.toUpperCase() === 'AS');
  return as >= 0 && args[as + 1] ? args[as + 1] : String(index);
}

interface ArgDefaults {
  globalScope: Scope;
  automatic: Record<string, string>;
  state: AnalysisState;
}

// A build argument overrides an ARG default. A bare ARG inside a stage takes
// the global ARG's value or, for the automatic platform ARGs, BuildKit's.
function declareArgs(arg: Arg, scope: Scope, defaults: ArgDefaults): void {
  const { globalScope, automatic, state } = defaults;
  const inStage = scope !== globalScope;
  for (const { name, raw } of argDeclarations(arg)) {
    let value: string | undefined;
    if (name in state.buildArgs) {
      value = state.buildArgs[name];
    } else if (raw !== null) {
      value = expandWord(raw, scope).value;
    } else if (inStage && globalScope.has(name)) {
      value = globalScope.get(name);
    } else if (name in automatic) {
      value = automatic[name];
    }
    scope.set(name, value);
  }
}

/**
 * argDeclarations lists the names an ARG declares. dockerfile-ast 0.7.1
 * returns only the first property of `ARG A B=1` when A has no default, so
 * that form is split from the arguments instead.
 */
export function argDeclarations(
  arg: Arg,
): Array<{ name: string; raw: string | null }> {
  const properties = arg.getProperties();
  const words = arg.getArguments().map((argument) => argument.getValue());
  if (properties.length > 1 || words.length <= 1) {
    return properties.map((property) => ({
      name: property.getName(),
      raw: property.getValue(),
    }));
  }
  return words.map((word) => {
    const equals = word.indexOf('=');
    return equals < 0
      ? { name: word, raw: null }
      : { name: word.slice(0, equals), raw: word.slice(equals + 1) };
  });
}

function instructionSources(
  instruction: Instruction,
  scope: Scope,
  { stage, lines }: { stage: string; lines: string[] },
): ContextSource[] {
  const keyword = instruction.getKeyword();
  const line = instruction.getRange().start.line + 1;
  const source = (word: string, kind: ContextSource['instruction']) => {
    const { value, unset } = expandWord(word, scope);
    return {
      path: normaliseSourcePath(value),
      line,
      instruction: kind,
      stage,
      unsetVariables: unset,
    };
  };

  if (keyword === 'COPY' || keyword === 'ADD') {
    const copy = instruction as JSONInstruction;
    if (findFlag(copy, 'from')) {
      return [];
    }
    return copySourceWords(copy, lines)
      .filter((word) => !(keyword === 'ADD' && isRemoteSource(word)))
      .map((word) => source(word, keyword));
  }
  if (keyword === 'RUN') {
    return bindMountSources(instruction as ModifiableInstruction).map((word) =>
      source(word, 'RUN --mount'),
    );
  }
  return [];
}

function findFlag(
  instruction: ModifiableInstruction,
  name: string,
): Flag | undefined {
  return instruction
    .getFlags()
    .find((flag) => flag.getName().toLowerCase() === name);
}

// Sources are every argument but the last (the destination). JSON strings
// are decoded from the file's text because dockerfile-ast 0.7.1 drops the
// spaces inside them; here-documents are inline files, not paths.
function copySourceWords(copy: JSONInstruction, lines: string[]): string[] {
  const json = copy.getJSONStrings();
  if (json.length > 0) {
    return json
      .slice(0, -1)
      .map((item) => JSON.parse(textOf(item.getRange(), lines)));
  }
  const heredocs = 'getHeredocs' in copy ? heredocsOf(copy) : [];
  const words = copy
    .getArguments()
    .filter((argument) => !insideHeredoc(argument, heredocs))
    .map((argument) => argument.getValue());
  return words.slice(0, -1).filter((word) => !word.startsWith('<<'));
}

function textOf(range: Range, lines: string[]): string {
  const { start, end } = range;
  if (start.line === end.line) {
    return lines[start.line].slice(start.character, end.character);
  }
  const middle = lines.slice(start.line + 1, end.line);
  return [
    lines[start.line].slice(start.character),
    ...middle,
    lines[end.line].slice(0, end.character),
  ].join('\n');
}

function heredocsOf(copy: JSONInstruction): Heredoc[] {
  return (copy as unknown as { getHeredocs(): Heredoc[] }).getHeredocs();
}

function insideHeredoc(argument: Argument, heredocs: Heredoc[]): boolean {
  const start = argument.getRange().start;
  return heredocs.some((heredoc) => {
    const body = heredoc.getContentRange() ?? heredoc.getDelimiterRange();
    return body !== null && start.line >= body.start.line;
  });
}

function isRemoteSource(word: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(word) || word.startsWith('git@');
}

// RUN --mount=type=bind without from= mounts the build context; its source
// defaults to the whole context.
function bindMountSources(run: ModifiableInstruction): string[] {
  return run
    .getFlags()
    .filter((flag) => flag.getName().toLowerCase() === 'mount')
    .map((flag) => parseMountOptions(flag.getValue() ?? ''))
    .filter((mount) => (mount.type ?? 'bind') === 'bind' && !mount.from)
    .map((mount) => mount.source ?? mount.src ?? '.');
}

function parseMountOptions(value: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const part of value.split(',')) {
    const [key, ...rest] = part.split('=');
    options[key.trim().toLowerCase()] = rest.join('=');
  }
  return options;
}

/** normaliseSourcePath makes a source relative to the context root. */
export function normaliseSourcePath(path: string): string {
  const trimmed = path.replace(/^(?:\.?\/)+/, '').replace(/\/+$/, '');
  return trimmed === '' || trimmed === '.' ? '.' : trimmed;
}

/**
 * expandWord applies Dockerfile variable substitution: $NAME, ${NAME},
 * ${NAME:-word}, ${NAME-word}, ${NAME:+word}, ${NAME+word}, with quotes and
 * backslash escapes removed. unset names variables that had no value.
 */
export function expandWord(
  word: string,
  scope: ReadonlyMap<string, string | undefined>,
): { value: string; unset: string[] } {
  const unset: string[] = [];
  let value = '';
  let quote: string | undefined;
  for (let index = 0; index < word.length; index++) {
    const char = word[index];
    if (char === '\\' && quote !== "'" && index + 1 < word.length) {
      value += word[++index];
    } else if ((char === '"' || char === "'") && (!quote || quote === char)) {
      quote = quote ? undefined : char;
    } else if (char === '$' && quote !== "'") {
      const reference = readReference(word, index);
      if (!reference) {
        value += char;
        continue;
      }
      value += substitute(reference, scope, unset);
      index = reference.end - 1;
    } else {
      value += char;
    }
  }
  return { value, unset: [...new Set(unset)] };
}

interface Reference {
  name: string;
  operator?: string;
  word?: string;
  end: number;
}

function readReference(word: string, start: number): Reference | undefined {
  const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}/.exec(
    word.slice(start),
  );
  if (braced) {
    const [match, name, operator, rest] = braced;
    return { name, operator, word: rest, end: start + match.length };
  }
  const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(word.slice(start));
  return plain ? { name: plain[1], end: start + plain[0].length } : undefined;
}

function substitute(
  reference: Reference,
  scope: ReadonlyMap<string, string | undefined>,
  unset: string[],
): string {
  const current = scope.get(reference.name);
  const isSet = current !== undefined;
  const isNonEmpty = isSet && current !== '';
  const alternate = () => expandWord(reference.word ?? '', scope);
  switch (reference.operator) {
    case ':-':
      return isNonEmpty ? current : alternate().value;
    case '-':
      return isSet ? current : alternate().value;
    case ':+':
      return isNonEmpty ? alternate().value : '';
    case '+':
      return isSet ? alternate().value : '';
  }
  if (!isSet) {
    unset.push(reference.name);
  }
  return current ?? '';
}
