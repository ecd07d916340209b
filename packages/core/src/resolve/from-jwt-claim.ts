import { z } from 'zod';
import { TenancyError } from '../errors/tenancy-error.js';
import { sourceSchema } from './config-schemas.js';
import { parseConfig } from './parse-config.js';
import type { ResolutionInput, TenantCandidate, TenantStrategy } from './tenant-strategy.js';

/** Options for {@link fromJwtClaim}. */
export interface FromJwtClaimOptions {
  /**
   * The claim holding the tenant. A string is one top-level claim name, used as is (namespaced claims such as
   * `https://example.com/tenant_id` contain dots); an array is a path into nested claims
   * (`['app_metadata', 'tenant_id']`). Default `tenant_id`.
   */
  claim?: string | readonly string[] | undefined;
  /** What the claim holds. Default `id`. */
  kind?: 'id' | 'slug' | undefined;
  /** Default `jwt:<claim path joined with ".">`. */
  source?: string | undefined;
}

const claimName = z.string().min(1).max(200);
const optionsSchema = z
  .strictObject({
    claim: z.union([claimName, z.array(claimName).min(1).max(8)]).optional(),
    kind: z.enum(['id', 'slug']).optional(),
    source: sourceSchema.optional(),
  })
  .optional();

/**
 * Names the tenant by a claim of the already verified principal passed to `resolve(request, { principal })`. It never
 * reads or parses a token itself: without a principal, or without the claim, it names nothing. Numeric claims are
 * accepted for integer ids.
 * @example
 * const resolve = createTenantResolver({
 *   store,
 *   strategies: [fromSubdomain({ baseDomain: 'example.com' }), fromJwtClaim({ claim: ['app_metadata', 'tenant_id'] })],
 * });
 * await resolve(request, { principal: await identity.authenticate(request) });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#jwt-claim
 */
export function fromJwtClaim(options?: FromJwtClaimOptions): TenantStrategy {
  const parsed = parseConfig(optionsSchema, options, 'fromJwtClaim()');
  const claim = parsed?.claim ?? 'tenant_id';
  const path: readonly string[] = typeof claim === 'string' ? [claim] : [...claim];
  const kind = parsed?.kind ?? 'id';
  const source = parsed?.source ?? `jwt:${path.join('.')}`;
  return {
    source,
    resolve(input: ResolutionInput): TenantCandidate | undefined {
      const principal = input.principal;
      if (principal === undefined) return undefined;
      let value: unknown = principal.claims;
      for (const segment of path) {
        // Own properties only: a claim path of "__proto__" or "constructor" must not walk into prototypes.
        if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, segment)) {
          return undefined;
        }
        value = (value as Record<string, unknown>)[segment];
      }
      if (value === undefined || value === null) return undefined;
      if (typeof value === 'string') return { kind, value, source };
      if (typeof value === 'number' && kind === 'id' && Number.isSafeInteger(value) && value >= 0) {
        return { kind, value: String(value), source };
      }
      throw new TenancyError('INVALID_INPUT', `The claim read by "${source}" is not a string.`, {
        details: { field: kind === 'id' ? 'tenantId' : 'slug' },
      });
    },
  };
}
