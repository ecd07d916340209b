import { z } from 'zod';
import { domainSchema, sourceSchema } from './config-schemas.js';
import { isIpHost } from './normalize-host.js';
import { parseConfig } from './parse-config.js';
import type { ResolutionInput, TenantCandidate, TenantStrategy } from './tenant-strategy.js';

/** Options for {@link fromCustomDomain}. */
export interface FromCustomDomainOptions {
  /**
   * The platform's own domains (e.g. `app.example.com`), never looked up as a tenant's domain. Base domains of
   * `fromSubdomain()` strategies and the resolver's `platformDomains` are added automatically.
   */
  platformDomains?: readonly string[] | undefined;
  /** Default `custom-domain`. */
  source?: string | undefined;
}

const optionsSchema = z
  .strictObject({ platformDomains: z.array(domainSchema).optional(), source: sourceSchema.optional() })
  .optional();

/**
 * Names the tenant by the whole host, looked up with the store's `findByDomain` (`acme.com` -> the tenant that
 * registered `acme.com`). Only for hosts that are not the platform's own: platform domains and names under them,
 * single-label hosts (`localhost`) and IP addresses name nothing. An unknown domain is `TENANT_NOT_FOUND`.
 * @example
 * createTenantResolver({
 *   store,
 *   strategies: [fromSubdomain({ baseDomain: 'example.com' }), fromCustomDomain()],
 * });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#custom-domain
 */
export function fromCustomDomain(options?: FromCustomDomainOptions): TenantStrategy {
  const parsed = parseConfig(optionsSchema, options, 'fromCustomDomain()');
  const source = parsed?.source ?? 'custom-domain';
  return {
    source,
    platformDomains: parsed?.platformDomains ?? [],
    resolve(input: ResolutionInput): TenantCandidate | undefined {
      const host = input.host;
      if (host.indexOf('.') === -1 || isIpHost(host) || input.isPlatformHost(host)) return undefined;
      return { kind: 'domain', value: host, source };
    },
  };
}
