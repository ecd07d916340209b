import { z } from 'zod';
import { sourceSchema } from './config-schemas.js';
import { parseConfig } from './parse-config.js';
import type { ResolutionInput, TenantCandidate, TenantStrategy } from './tenant-strategy.js';

/** Options for {@link fromPath}. */
export interface FromPathOptions {
  /** The path segments in front of the tenant. Default `/t`: `/t/acme/projects` names `acme`. */
  prefix?: string | undefined;
  /** What the segment holds. Default `slug`. */
  kind?: 'slug' | 'id' | undefined;
  /** Default `path`. */
  source?: string | undefined;
}

const optionsSchema = z
  .strictObject({
    prefix: z
      .string()
      .regex(/^(?:\/[A-Za-z0-9._~-]+)+$/, 'must be one or more "/segment"s without a trailing "/", like "/t"')
      .optional(),
    kind: z.enum(['slug', 'id']).optional(),
    source: sourceSchema.optional(),
  })
  .optional();

/**
 * Names the tenant by the path segment after a prefix: `/t/acme/projects` -> slug `acme`. The path is the one the
 * WHATWG URL parser produced (`/t/acme/../other` is `/t/other`); the segment is compared as sent, never
 * percent-decoded, so `/t/%61cme` is `INVALID_INPUT`, not `acme`. `/t` alone names nothing; `/t//x` is `INVALID_INPUT`.
 * @example
 * const resolve = createTenantResolver({ store, strategies: [fromPath({ prefix: '/t' })] });
 * await resolve(new Request('https://app.example.com/t/acme/projects'));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#path
 */
export function fromPath(options?: FromPathOptions): TenantStrategy {
  const parsed = parseConfig(optionsSchema, options, 'fromPath()');
  const start = `${parsed?.prefix ?? '/t'}/`;
  const kind = parsed?.kind ?? 'slug';
  const source = parsed?.source ?? 'path';
  return {
    source,
    resolve(input: ResolutionInput): TenantCandidate | undefined {
      const path = input.pathname;
      if (!path.startsWith(start)) return undefined;
      const end = path.indexOf('/', start.length);
      return { kind, value: end === -1 ? path.slice(start.length) : path.slice(start.length, end), source };
    },
  };
}
