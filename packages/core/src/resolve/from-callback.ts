import { z } from 'zod';
import { sourceSchema } from './config-schemas.js';
import { parseConfig } from './parse-config.js';
import type { ResolutionInput, TenantCandidate, TenantCandidateKind, TenantStrategy } from './tenant-strategy.js';

/** What a {@link fromCallback} function returns: the tenant it found, or nothing. */
export type TenantCallbackResult = { readonly kind: TenantCandidateKind; readonly value: string } | null | undefined;

/** Options for {@link fromCallback}. */
export interface FromCallbackOptions {
  /** Default `callback`. Give each callback strategy its own name. */
  source?: string | undefined;
}

const optionsSchema = z.strictObject({ source: sourceSchema.optional() }).optional();
const fnSchema = z.custom<(input: ResolutionInput) => unknown>((v) => typeof v === 'function', 'must be a function');

/**
 * Names the tenant with your own code: a session lookup, an API key, a cookie. Return `{ kind, value }` or nothing;
 * the resolver validates the value like any other candidate, so the callback cannot smuggle in a malformed id.
 * @example
 * fromCallback(async ({ request }) => {
 *   const session = await sessions.get(request);
 *   return session?.tenantId ? { kind: 'id', value: session.tenantId } : undefined;
 * }, { source: 'session' });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#callback
 */
export function fromCallback(
  fn: (input: ResolutionInput) => TenantCallbackResult | Promise<TenantCallbackResult>,
  options?: FromCallbackOptions,
): TenantStrategy {
  parseConfig(fnSchema, fn, 'fromCallback()');
  const source = parseConfig(optionsSchema, options, 'fromCallback()')?.source ?? 'callback';
  const toCandidate = (result: TenantCallbackResult): TenantCandidate | undefined =>
    result === undefined || result === null ? undefined : { kind: result.kind, value: result.value, source };
  return {
    source,
    resolve(input: ResolutionInput): TenantCandidate | undefined | Promise<TenantCandidate | undefined> {
      const result = fn(input);
      // Any thenable, not only native promises: callbacks may come from libraries with their own promise types.
      return isThenable(result) ? Promise.resolve(result).then(toCandidate) : toCandidate(result);
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<TenantCallbackResult> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
