import { createHash, timingSafeEqual } from 'node:crypto';

import type { Scope } from '@osprey/model';

export interface TokenConfig {
  ingest?: string;
  read?: string;
  admin?: string;
}

/** What a bearer token may do; admin implies ingest and read. */
export function grants(scope: Scope, required: Exclude<Scope, 'admin'> | 'admin'): boolean {
  return scope === 'admin' || scope === required;
}

/**
 * Looks a presented bearer token up among the configured ones.
 * Tokens are compared as SHA-256 digests with timingSafeEqual: digests have equal length whatever
 * the token length, and every configured token is compared, so timing reveals neither which token
 * nor how many leading characters matched.
 */
export class TokenRegistry {
  private readonly entries: Array<{ digest: Buffer; scope: Scope }> = [];

  constructor(tokens: TokenConfig) {
    for (const scope of ['ingest', 'read', 'admin'] as const) {
      const token = tokens[scope];
      if (token !== undefined && token !== '') {
        this.entries.push({ digest: digest(token), scope });
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Scopes the token carries (empty when unknown). */
  scopesOf(token: string): Scope[] {
    const presented = digest(token);
    const scopes: Scope[] = [];
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented)) {
        scopes.push(entry.scope);
      }
    }
    return scopes;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) {
    return undefined;
  }
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}
