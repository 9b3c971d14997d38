import { RECEIPT_LABEL } from '../receipts';

/** ConfigurationOptions are the nx-container options a build will use. */
export interface ConfigurationOptions {
  push?: boolean;
  load?: boolean;
  platforms?: string[];
  outputs?: string[];
  tags?: string[];
  labels?: string[];
}

/** BuildRequest is one image built with one configuration. */
export interface BuildRequest {
  registryName: string;
  repository: string;
  hash: string;
  options: ConfigurationOptions;
  load: boolean;
  builder?: string;
}

/**
 * containerEnv is the INPUT_* environment that nx-container reads on top of
 * the target's options: the receipt label always, and when asked, another
 * repository, another builder, or a local load instead of a push. Values
 * already in the environment (for example INPUT_BUILD_ARGS) pass through.
 */
export function containerEnv(request: BuildRequest): Record<string, string> {
  const { options, registryName, repository } = request;
  const env: Record<string, string> = {
    INPUT_LABELS: [
      ...(options.labels ?? []),
      `${RECEIPT_LABEL}=${request.hash}`,
    ].join('\n'),
  };
  if (request.builder) {
    env.INPUT_BUILDER = request.builder;
  }

  if (request.load) {
    env.INPUT_PUSH = 'false';
    env.INPUT_OUTPUTS = `type=docker,name=${repository}:nxhash-${request.hash}`;
    return env;
  }
  if (repository !== registryName) {
    const rename = (value: string) =>
      value.split(registryName).join(repository);
    if (options.outputs?.length) {
      env.INPUT_OUTPUTS = options.outputs.map(rename).join('\n');
    }
    if (options.tags?.length) {
      env.INPUT_TAGS = options.tags.map(rename).join('\n');
    }
  }
  return env;
}

/** pushes says whether a configuration leaves its image in a registry. */
export function pushes(options: ConfigurationOptions, load: boolean): boolean {
  if (load) {
    return false;
  }
  const byOutput = (options.outputs ?? []).some((output) =>
    /(^|,)push=true(,|$)/.test(output),
  );
  return Boolean(options.push) || byOutput;
}
