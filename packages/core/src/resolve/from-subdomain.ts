import { z } from 'zod';
import { domainSchema, sourceSchema } from './config-schemas.js';
import { parseConfig } from './parse-config.js';
import type { ResolutionInput, TenantCandidate, TenantStrategy } from './tenant-strategy.js';

/** Options for {@link fromSubdomain}. */
export interface FromSubdomainOptions {
  /** The domain tenants live under: with `example.com`, `acme.example.com` names the tenant with slug `acme`. */
  baseDomain: string;
  /**
   * Labels that are the platform's own and name no tenant, on top of the resolver's `reservedSlugs`. Default
   * `['www']`, so `www` stays the platform's even when `reservedSlugs` is replaced by a list without it.
   */
  ignore?: readonly string[] | undefined;
  /** Default `subdomain`. */
  source?: string | undefined;
}

const optionsSchema = z.strictObject({
  baseDomain: domainSchema,
  ignore: z.array(z.string().regex(/^[a-z0-9-]{1,63}$/, 'must be a lowercase DNS label')).optional(),
  source: sourceSchema.optional(),
});

/**
 * Names the tenant by the one label in front of the base domain: `acme.example.com` -> slug `acme`. The bare base
 * domain, reserved labels (`www`, …), nested names (`a.b.example.com`), other hosts and IP addresses name nothing.
 * The base domain also becomes a platform domain, so `fromCustomDomain()` never looks it up.
 * @example
 * const resolve = createTenantResolver({ store, strategies: [fromSubdomain({ baseDomain: 'example.com' })] });
 * await resolve(new Request('https://acme.example.com/projects')); // { tenant: { slug: 'acme', … }, … }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#subdomain
 */
export function fromSubdomain(options: FromSubdomainOptions): TenantStrategy {
  const { baseDomain, ignore = ['www'], source = 'subdomain' } = parseConfig(optionsSchema, options, 'fromSubdomain()');
  const suffix = `.${baseDomain}`;
  const ignored: ReadonlySet<string> = new Set(ignore);
  return {
    source,
    platformDomains: [baseDomain],
    resolve(input: ResolutionInput): TenantCandidate | undefined {
      const host = input.host;
      if (host.length <= suffix.length || !host.endsWith(suffix)) return undefined;
      const label = host.slice(0, host.length - suffix.length);
      // Only the label right in front of the base domain is a tenant; "x.acme.example.com" is not acme's host.
      if (label.indexOf('.') !== -1) return undefined;
      if (input.reservedSlugs.has(label) || ignored.has(label)) return undefined;
      return { kind: 'slug', value: label, source };
    },
  };
}
