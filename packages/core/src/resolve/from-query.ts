import { z } from 'zod';
import { TenancyError } from '../errors/tenancy-error.js';
import { sourceSchema } from './config-schemas.js';
import { parseConfig } from './parse-config.js';
import type { ResolutionInput, TenantCandidate, TenantStrategy } from './tenant-strategy.js';

/** Options for {@link fromQuery}. */
export interface FromQueryOptions {
  /** Query parameter name. Default `tenant`. */
  name?: string | undefined;
  /** What the parameter holds. Default `slug`. */
  kind?: 'id' | 'slug' | undefined;
  /** Default `query:<name>`. */
  source?: string | undefined;
}

const optionsSchema = z
  .strictObject({
    name: z.string().min(1).max(100).optional(),
    kind: z.enum(['id', 'slug']).optional(),
    source: sourceSchema.optional(),
  })
  .optional();

/**
 * Names the tenant by a query parameter (default `?tenant=<slug>`), percent-decoded as URLSearchParams does. A
 * parameter given twice (`?tenant=a&tenant=b`) is `INVALID_INPUT`: no first-wins or last-wins guessing.
 * @example
 * const resolve = createTenantResolver({ store, strategies: [fromQuery({ name: 'tenant', kind: 'slug' })] });
 * await resolve(new Request('https://app.example.com/invite?tenant=acme'));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#query-parameter
 */
export function fromQuery(options?: FromQueryOptions): TenantStrategy {
  const parsed = parseConfig(optionsSchema, options, 'fromQuery()');
  const name = parsed?.name ?? 'tenant';
  const kind = parsed?.kind ?? 'slug';
  const source = parsed?.source ?? `query:${name}`;
  return {
    source,
    resolve(input: ResolutionInput): TenantCandidate | undefined {
      const params = input.searchParams;
      const value = params.get(name);
      if (value === null) return undefined;
      if (params.getAll(name).length > 1) {
        throw new TenancyError('INVALID_INPUT', `The query parameter from "${source}" appears more than once.`, {
          details: { field: kind === 'id' ? 'tenantId' : 'slug' },
        });
      }
      return { kind, value, source };
    },
  };
}
