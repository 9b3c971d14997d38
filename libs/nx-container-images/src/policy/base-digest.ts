import { expandWord } from '../dockerfile';
import { AIRGAP_NAMESPACE } from '../image-plan';
import { IMAGES_FILE } from '../images';
import {
  baseStage,
  findStage,
  stageReferences,
  type DockerfileStages,
  type Stage,
} from '../stages';
import {
  findingAt,
  type Finding,
  type LintedDockerfile,
  type Rule,
} from './finding';
import { declarations, globalScope } from './scope';

const id = 'base-pinned-by-digest';

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** ImageReference is one image a Dockerfile pulls, where it is written. */
interface ImageReference {
  word: string;
  line: number;
  what: 'FROM' | 'COPY --from' | 'RUN --mount';
  /** stage is the stage that holds the reference */
  stage: Stage;
}

/**
 * basePinnedByDigest: every image pulled (FROM, COPY --from=<image>, RUN
 * --mount,from=<image>) is pinned by digest, so a rebuild gets the bytes
 * that were tested. The one exception is by rule, not by comment: an
 * air-gapped base under <localRegistry>/semrouter-airgap/ that the image's
 * airgapBuildArgs select. Dockerfile defaults stay upstream and pinned.
 */
export const basePinnedByDigest: Rule = {
  id,
  summary:
    'base images are pinned by digest; only air-gapped bases under <localRegistry>/semrouter-airgap/ selected by airgapBuildArgs are excepted',
  check(dockerfile) {
    const { image } = dockerfile;
    const scopes = {
      plain: globalScope(dockerfile.stages, image.buildArgs),
      airgap: globalScope(dockerfile.stages, {
        ...image.buildArgs,
        ...image.airgapBuildArgs,
      }),
    };
    return pulledImages(dockerfile.stages).flatMap((reference) =>
      referenceFindings(dockerfile, reference, scopes),
    );
  },
};

type Scope = Map<string, string | undefined>;

function referenceFindings(
  dockerfile: LintedDockerfile,
  reference: ImageReference,
  scopes: { plain: Scope; airgap: Scope },
): Finding[] {
  const { line, what, word } = reference;
  const ref = expandWord(word, scopes.plain);
  if (ref.unset.length > 0) {
    const name = ref.unset[0];
    return [
      findingAt(
        dockerfile,
        id,
        line,
        `${what} ${word}: $${name} has no default and no build argument sets it, so the image cannot be checked or pinned`,
        `give ARG ${name} a default pinned by digest (image:tag@sha256:<digest>)`,
      ),
    ];
  }

  const localBases = `${dockerfile.localRegistry}${AIRGAP_NAMESPACE}`;
  const airgapRef = expandWord(word, scopes.airgap).value;
  const candidates = [{ value: ref.value, configuration: 'default and ci' }];
  if (airgapRef !== ref.value) {
    candidates.push({ value: airgapRef, configuration: 'airgap' });
  }
  const unpinned = candidates.filter(
    ({ value, configuration }) =>
      !(configuration === 'airgap' && value.startsWith(localBases)) &&
      !DIGEST.test(value) &&
      !pullsNothing(dockerfile.stages, reference, value),
  );

  return unpinned.map(({ value, configuration }) =>
    findingAt(
      dockerfile,
      id,
      line,
      `${what} pulls "${value}"${valueSource(dockerfile, word, configuration)} in the ${configuration} configurations, which is not pinned by digest`,
      configuration === 'airgap'
        ? `pin it (@sha256:<digest>), or use an air-gapped base under ${localBases}`
        : 'append @sha256:<digest> of the image you tested (docker buildx imagetools inspect <image>)',
    ),
  );
}

function pulledImages(parsed: DockerfileStages): ImageReference[] {
  const references: ImageReference[] = [];
  for (const stage of parsed.stages) {
    if (!baseStage(parsed.stages, stage)) {
      references.push({
        word: stage.base,
        line: stage.line,
        what: 'FROM',
        stage,
      });
    }
    for (const reference of stageReferences(stage)) {
      if (!findStage(parsed.stages, reference.target)) {
        references.push({
          word: reference.target,
          line: reference.line,
          what: reference.via,
          stage,
        });
      }
    }
  }
  return references;
}

// BuildKit expands a FROM or --from word before it looks for a stage of
// that name, so `FROM envoy-from-${SOURCE}` picks a stage, and
// `FROM ${BASE:-scratch}` may be the empty image: neither is pulled.
function pullsNothing(
  parsed: DockerfileStages,
  reference: ImageReference,
  value: string,
): boolean {
  if (value.toLowerCase() === 'scratch') {
    return true;
  }
  if (reference.what !== 'FROM') {
    return findStage(parsed.stages, value) !== undefined;
  }
  const name = value.toLowerCase();
  return parsed.stages
    .slice(0, reference.stage.index)
    .some((earlier) => earlier.name === name);
}

// Names where a FROM ${NAME} value comes from, when it is one variable.
function valueSource(
  dockerfile: LintedDockerfile,
  word: string,
  configuration: string,
): string {
  const name = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(word)?.[1];
  if (!name) {
    return '';
  }
  const { image } = dockerfile;
  if (configuration === 'airgap' && name in image.airgapBuildArgs) {
    return ` (${IMAGES_FILE} images.${image.name}.airgapBuildArgs.${name})`;
  }
  if (name in image.buildArgs) {
    return ` (${IMAGES_FILE} images.${image.name}.buildArgs.${name})`;
  }
  const arg = declarations(dockerfile.stages.preamble).find(
    (entry) => entry.name === name,
  );
  return arg ? ` (the default of ARG ${name} at line ${arg.line})` : '';
}
