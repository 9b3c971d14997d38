import type { ImageDefinition } from '../images';
import type { DockerfileStages } from '../stages';

/** Finding is one policy violation at one line of one Dockerfile. */
export interface Finding {
  /** file is workspace-relative */
  file: string;
  line: number;
  rule: string;
  message: string;
  fix: string;
}

/** LintedDockerfile is one Dockerfile of an image, parsed, with its role. */
export interface LintedDockerfile {
  image: ImageDefinition;
  /** file is workspace-relative */
  file: string;
  stages: DockerfileStages;
  /** multiPlatform: the ci configurations build it for every platform */
  multiPlatform: boolean;
  /** cross: it is the image's crossDockerfile */
  cross: boolean;
  /** localRegistry is where the air-gapped bases live, e.g. 127.0.0.1:5000 */
  localRegistry: string;
}

/** Rule is one policy check; check returns nothing when the file passes. */
export interface Rule {
  id: string;
  /** summary says what the rule requires, for --help and the README */
  summary: string;
  check(dockerfile: LintedDockerfile): Finding[];
}

/** formatFinding renders a finding as "file:line: rule: message (fix)". */
export function formatFinding(finding: Finding): string {
  const { file, line, rule, message, fix } = finding;
  return `${file}:${line}: ${rule}: ${message} (${fix})`;
}

/** findingAt builds a finding of rule in the given Dockerfile. */
export function findingAt(
  dockerfile: LintedDockerfile,
  rule: string,
  line: number,
  message: string,
  fix: string,
): Finding {
  return { file: dockerfile.file, line, rule, message, fix };
}
