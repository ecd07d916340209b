import { z } from 'zod';
import { sourceSchema } from './config-schemas.js';
import { parseConfig } from './parse-config.js';
import type { ResolutionInput, TenantCandidate, TenantStrategy } from './tenant-strategy.js';

/** Options for {@link fromHeader}. */
export interface FromHeaderOptions {
  /** Header name, case-insensitive. Default `x-tenant-id`. */
  name?: string | undefined;
  /** What the header holds. Default `id`. */
  kind?: 'id' | 'slug' | undefined;
  /** Default `header:<name>`. */
  source?: string | undefined;
}

const optionsSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'must be an HTTP header name')
      .refine(
        (n) => !/^(?:host|x-forwarded-host|forwarded)$/i.test(n),
        'must not be a host header: use fromSubdomain()',
      )
      .optional(),
    kind: z.enum(['id', 'slug']).optional(),
    source: sourceSchema.optional(),
  })
  .optional();

/**
 * Names the tenant by a request header (default `x-tenant-id`, holding an id). A header the client can set is only a
 * claim: a principal still has to be a member of the tenant it names, and when another strategy names a different
 * tenant the request fails with `TENANT_AMBIGUOUS`. A header sent twice arrives as "a, b" and is `INVALID_INPUT`.
 * @example
 * const resolve = createTenantResolver({ store, strategies: [fromHeader({ name: 'x-tenant-id', kind: 'id' })] });
 * await resolve(new Request('https://api.example.com/v1/projects', { headers: { 'x-tenant-id': tenantId } }));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#header
 */
export function fromHeader(options?: FromHeaderOptions): TenantStrategy {
  const parsed = parseConfig(optionsSchema, options, 'fromHeader()');
  const name = (parsed?.name ?? 'x-tenant-id').toLowerCase();
  const kind = parsed?.kind ?? 'id';
  const source = parsed?.source ?? `header:${name}`;
  return {
    source,
    resolve(input: ResolutionInput): TenantCandidate | undefined {
      const value = input.header(name);
      return value === null ? undefined : { kind, value, source };
    },
  };
}
