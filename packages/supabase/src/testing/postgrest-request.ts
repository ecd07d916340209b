// Test support: what PostgREST does with each API request, against a harness database. It verifies the bearer
// token (here through @tenancy/core's identity, jose underneath), then in one transaction sets the verified claims
// transaction-locally and switches to the role the token names (`anon` without a token), runs the request's SQL,
// and commits. PostgREST's own statement is `select set_config('search_path', ...), set_config('role', ...),
// set_config('request.jwt.claims', ...), set_config('request.method', ...), set_config('request.path', ...)`.
import type { Identity } from '@tenancy/core';
import { createIdentity } from '@tenancy/core';
import type { TestDatabase } from '@tenancy/postgres/testing';
import { JWT_SECRET } from './supabase-tokens.js';

/** The harness's postgres.js client; typed through @tenancy/postgres, so this package needs no driver of its own. */
export type Sql = TestDatabase['sql'];
/** The transaction handle postgres.js passes to `begin` (its second overload: options, then callback). */
export type Tx = Parameters<Parameters<Sql['begin']>[1]>[0];

/** Verifies tokens like a Supabase project configured with {@link JWT_SECRET} (HS256, audience `authenticated`). */
export const projectIdentity: Identity = createIdentity({
  secret: JWT_SECRET,
  audience: 'authenticated',
  verifiedTokenCache: false,
});

/** Options of one emulated request. */
export interface PostgrestRequestOptions {
  method?: string | undefined;
  path?: string | undefined;
}

/**
 * Runs `fn` the way PostgREST runs a request carrying `token` (or none: the anon role). A token that does not verify
 * throws (PostgREST answers 401) before any SQL runs.
 */
export async function asPostgrest<T>(
  sql: Sql,
  token: string | null,
  fn: (tx: Tx) => Promise<T>,
  options: PostgrestRequestOptions = {},
): Promise<T> {
  const claims = token === null ? { role: 'anon' } : (await projectIdentity.verify(token)).claims;
  const role = typeof claims['role'] === 'string' ? claims['role'] : 'anon';
  return sql.begin('read write', async (tx) => {
    await tx.unsafe(
      `select pg_catalog.set_config('search_path', 'public, extensions', true),
              pg_catalog.set_config('role', $1, true),
              pg_catalog.set_config('request.jwt.claims', $2, true),
              pg_catalog.set_config('request.method', $3, true),
              pg_catalog.set_config('request.path', $4, true)`,
      [role, JSON.stringify(claims), options.method ?? 'GET', options.path ?? '/'],
    );
    return fn(tx);
  }) as Promise<T>;
}

/** The SQLSTATE a promise failed with, or undefined when it did not fail. */
export async function sqlState(query: PromiseLike<unknown>): Promise<string | undefined> {
  try {
    await query;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}
