import { createHash, timingSafeEqual } from 'node:crypto';

/** Role is what a token may do: read and write, or only read. */
export type Role = 'read-write' | 'read-only';

/**
 * createAuthenticator maps an Authorization header to the role of its
 * bearer token, or undefined for a missing or unknown token. Tokens are
 * compared as sha256 digests in constant time, and every configured token
 * is compared, so timing reveals neither a token's prefix nor its length.
 */
export function createAuthenticator(
  readWriteTokens: string[],
  readOnlyTokens: string[],
): (authorization: string | undefined) => Role | undefined {
  const known = [
    ...readWriteTokens.map((token) => ({ role: 'read-write' as Role, token })),
    ...readOnlyTokens.map((token) => ({ role: 'read-only' as Role, token })),
  ].map(({ role, token }) => ({ role, digest: digest(token) }));

  return (authorization) => {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    if (!match) {
      return undefined;
    }
    const presented = digest(match[1]);
    let role: Role | undefined;
    for (const candidate of known) {
      if (timingSafeEqual(candidate.digest, presented)) {
        role ??= candidate.role;
      }
    }
    return role;
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
