import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readImages } from '../images';
import { formatFinding } from '../policy/finding';
import { lintImage, POLICY_RULES } from '../policy/lint';

/** LintOptions are the parsed flags of lint-dockerfile. */
export interface LintOptions {
  images: string[];
  localRegistry: string;
}

export const LINT_USAGE = `lint-dockerfile: check the images' Dockerfiles against the policy.

Usage: npx tsx libs/nx-container-images/src/cli/lint-dockerfile.ts [options]

  --image NAME             lint this image (repeatable; default: every image)
  --local-registry H:P     registry of the air-gapped bases (default 127.0.0.1:5000)
  -h, --help               this text

Rules:
${POLICY_RULES.map((rule) => `  ${rule.id}: ${rule.summary}`).join('\n')}

Each finding is printed as "file:line: rule: problem (fix)". The exit
status is 0 when there is none, 1 when there are findings or the images
cannot be read, 2 on a usage error.`;

/** UsageError is a mistake in the command line; it exits with 2. */
export class UsageError extends Error {}

/** parseLintOptions reads argv (without node and script). */
export function parseLintOptions(argv: string[]): LintOptions | 'help' {
  const options: LintOptions = { images: [], localRegistry: '127.0.0.1:5000' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '' || next.startsWith('-')) {
        throw new UsageError(`${flag} needs a value (see --help)`);
      }
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--image':
        options.images.push(value());
        break;
      case '--local-registry':
        options.localRegistry = value().replace(/\/+$/, '');
        break;
      default:
        throw new UsageError(`unknown option "${flag}" (see --help)`);
    }
  }
  return options;
}

/** runLint lints the images of a workspace; it returns the exit status. */
export function runLint(
  workspaceRoot: string,
  options: LintOptions,
  write: (line: string) => void,
): number {
  const images = readImages(workspaceRoot);
  const known = images.map((image) => image.name);
  const unknown = options.images.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `--image ${unknown.join(', ')}: no such image in tools/docker/images.json (images: ${known.join(', ')})`,
    );
  }

  const chosen = images.filter(
    (image) =>
      options.images.length === 0 || options.images.includes(image.name),
  );
  const read = (file: string) =>
    readFileSync(join(workspaceRoot, file), 'utf8');
  let total = 0;
  for (const image of chosen) {
    const findings = lintImage(image, read, options.localRegistry);
    findings.forEach((finding) => write(formatFinding(finding)));
    const count =
      findings.length === 1 ? '1 finding' : `${findings.length} findings`;
    write(`lint-dockerfile: ${image.name}: ${count}`);
    total += findings.length;
  }
  return total > 0 ? 1 : 0;
}

/** CommandOutput is where lint-dockerfile writes: findings and errors. */
export interface CommandOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * lintDockerfileCommand runs the whole command for argv and returns its
 * exit status. Only user errors reach its catch (bad flags, an unreadable
 * images.json); they are printed without a stack, which would say
 * nothing about the input.
 */
export function lintDockerfileCommand(
  argv: string[],
  workspaceRoot: string,
  output: CommandOutput,
): number {
  try {
    const options = parseLintOptions(argv);
    if (options === 'help') {
      output.out(LINT_USAGE);
      return 0;
    }
    return runLint(workspaceRoot, options, output.out);
  } catch (error) {
    output.err(`lint-dockerfile: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  process.exitCode = lintDockerfileCommand(
    process.argv.slice(2),
    process.cwd(),
    {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    },
  );
}
