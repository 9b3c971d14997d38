/** BuildOptions are the parsed flags of build-affected. */
export interface BuildOptions {
  base?: string;
  head?: string;
  images?: string[];
  configurations: Array<string | undefined>;
  repositoryPrefix?: string;
  receipts: string;
  builder?: string;
  load: boolean;
  index: boolean;
  tags: string[];
  dryRun: boolean;
  list: boolean;
  reportFile?: string;
  target: string;
  /** timeoutMs kills one image build (nx run) that runs longer. */
  timeoutMs?: number;
}

export const USAGE = `build-affected: build the container images a change can alter, once.

Usage: npx tsx libs/nx-container-images/src/cli/build-affected.ts [options]

  --base SHA, --head SHA   candidates: nx show projects --affected -t container
                           (default: $NX_BASE and $NX_HEAD, as nrwl/nx-set-shas sets)
  --images a,b             these images instead of the affected ones
  --list                   print the candidates as a JSON array and exit
  --configuration C[,C]    container configurations to run per image
                           (default: the target's default configuration)
  --repository-prefix P    use P/<image> instead of images.json registryName
  --receipts KIND          registry (default), file:PATH or none
  --builder NAME           buildx builder for builds and receipt lookups
  --load                   load one-platform results into the engine, push nothing
  --index                  join each image's per-platform digests into one index
  --tag T                  a tag of that index (repeatable)
  --dry-run                hash and decide, build and push nothing
  --report FILE            write the results as JSON
  --timeout DURATION       kill one image build that runs longer, e.g. 90s,
                           45m (default: $IMAGE_BUILD_TIMEOUT, else none)
  -h, --help               this text

For each candidate and configuration it hashes the container task with
Nx's hasher and looks for the receipt tag nxhash-<hash>. A match is
reused (no build); otherwise nx run <image>:container:<configuration>
builds it with the label ${'org.semrouter.nx.container-hash'}=<hash>.
Every image is tried, even after one fails or times out; the report,
the metrics (terminal, tmp/metrics, GitHub step summary) and the exit
status (1 when any failed) come after the last one.`;

/** parseOptions reads argv (without node and script); it throws on misuse. */
export function parseOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
): BuildOptions | 'help' {
  const options: BuildOptions = {
    base: env.NX_BASE || undefined,
    head: env.NX_HEAD || undefined,
    configurations: [undefined],
    receipts: 'registry',
    load: false,
    index: false,
    tags: [],
    dryRun: false,
    list: false,
    target: 'container',
    timeoutMs: env.IMAGE_BUILD_TIMEOUT
      ? parseDuration(env.IMAGE_BUILD_TIMEOUT, 'IMAGE_BUILD_TIMEOUT')
      : undefined,
  };
  const list = (value: string) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);

  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) {
        throw new Error(`${flag} needs a value (see --help)`);
      }
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--base':
        options.base = value();
        break;
      case '--head':
        options.head = value();
        break;
      case '--images':
        options.images = list(value());
        break;
      case '--configuration':
        options.configurations = list(value());
        break;
      case '--repository-prefix':
        options.repositoryPrefix = value().replace(/\/+$/, '');
        break;
      case '--receipts':
        options.receipts = value();
        break;
      case '--builder':
        options.builder = value();
        break;
      case '--tag':
        options.tags.push(value());
        break;
      case '--report':
        options.reportFile = value();
        break;
      case '--timeout':
        options.timeoutMs = parseDuration(value(), '--timeout');
        break;
      case '--load':
        options.load = true;
        break;
      case '--index':
        options.index = true;
        break;
      case '--dry-run':
        options.dryRun = true;
        break;
      case '--list':
        options.list = true;
        break;
      default:
        throw new Error(`unknown option "${flag}" (see --help)`);
    }
  }

  if (!options.images && !options.base) {
    throw new Error(
      'no images: pass --images, or --base (and --head) to build the ' +
        'affected ones, or set NX_BASE as nrwl/nx-set-shas does',
    );
  }
  if (options.index && options.load) {
    throw new Error('--index joins pushed digests; it cannot go with --load');
  }
  return options;
}

/** parseDuration reads "90s", "45m", "1h" or plain seconds as milliseconds. */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  const seconds = match
    ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] ?? 's']!
    : NaN;
  if (!(seconds > 0)) {
    throw new Error(
      `${name} "${text}" is not a duration (use a number with s, m or h, ` +
        'for example 90s or 45m)',
    );
  }
  return seconds * 1000;
}
