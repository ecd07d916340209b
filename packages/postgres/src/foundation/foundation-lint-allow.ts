import type { LintAllowance, ResolvedTenancyConfig } from '../config/config-types.js';

/**
 * The two linter findings the foundation accepts, with the reason: slugs and custom domains are unique across all
 * tenants by definition (a slug or a host name routes to exactly one tenant), so their unique indexes cannot lead
 * with the tenant column. The app role cannot write either table (grants: select only), so the uniqueness oracle the
 * rule warns about is not reachable from tenant code; creating a tenant or adding a domain goes through the audited
 * platform path, which answers CONFLICT without saying which tenant holds the name.
 * @example
 * resolveConfig({ foundation: true }).lint.allow; // includes these when the config module merges them
 * @see https://github.com/tenancy/tenancy/blob/main/docs/foundation.md#keys-and-the-two-global-unique-indexes
 */
export function foundationLintAllow(config: Pick<ResolvedTenancyConfig, 'helperSchema'>): LintAllowance[] {
  const s = config.helperSchema;
  return [
    {
      rule: 'unique-without-tenant-column',
      object: `${s}.tenants.tenants_slug_key`,
      reason:
        'A live slug names exactly one tenant across the platform (subdomain and path resolution); the app role can only read its own tenant row.',
    },
    {
      rule: 'unique-without-tenant-column',
      object: `${s}.domains.domains_domain_key`,
      reason:
        'A custom domain routes to exactly one tenant; the app role cannot write domains, which change only through the audited platform path.',
    },
  ];
}
