import { IMAGES_FILE } from '../images';
import { findingAt, type Rule } from './finding';
import { declarations } from './scope';

// Name parts that mark a credential. A whole part must match, so
// MONKEY_PATH or TOKENIZER_DIR are not taken for secrets.
const SECRET_PARTS = new Set([
  'TOKEN',
  'PASSWORD',
  'PASSWD',
  'SECRET',
  'KEY',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
]);

/**
 * looksLikeSecret tells whether an ARG or ENV name names a credential;
 * parts are split at non-alphanumerics and camelCase humps.
 */
export function looksLikeSecret(name: string): boolean {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .some((part) => SECRET_PARTS.has(part));
}

const id = 'no-secret-in-arg-env';

/**
 * noSecretInArgEnv: ARG and ENV values are recorded in the image config
 * and its history, where anyone who pulls the image can read them. A
 * secret goes in with `--secret` and is mounted for one RUN only. A name
 * the image lists in its images.json "secrets" counts as a secret whatever
 * it looks like.
 */
export const noSecretInArgEnv: Rule = {
  id,
  summary:
    'no ARG or ENV is named like a secret (TOKEN, PASSWORD, SECRET, KEY, ...) or like a secret id in images.json; use RUN --mount=type=secret',
  check(dockerfile) {
    const { preamble, stages } = dockerfile.stages;
    const all = [
      ...declarations(preamble),
      ...stages.flatMap((stage) => declarations(stage.instructions)),
    ];
    const secretIds = new Set(dockerfile.image.secrets ?? []);
    return all
      .filter(({ name }) => looksLikeSecret(name) || secretIds.has(name))
      .map(({ name, line, kind }) =>
        findingAt(
          dockerfile,
          id,
          line,
          `${kind} ${name} looks like a secret; ${kind} values stay in the ` +
            'image config and history',
          `remove it, pass the value as a build secret (list "${name}" in ` +
            `${IMAGES_FILE} images.${dockerfile.image.name}.secrets, or ` +
            `\`--secret id=${name}\`) and read it in ` +
            `\`RUN --mount=type=secret,id=${name} ...\` from ` +
            `/run/secrets/${name}`,
        ),
      );
  },
};
