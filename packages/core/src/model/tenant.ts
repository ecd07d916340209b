/** Lifecycle state of a tenant. Only `active` tenants may be acted in. */
export type TenantStatus = 'active' | 'suspended' | 'deleted';

/**
 * A tenant as the store returns it. `TSettings` types the tenant's settings object when you know its shape.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md
 */
export interface TenantRecord<TSettings extends Record<string, unknown> = Record<string, unknown>> {
  /** Stable identifier (a uuid by default). This is what reaches the database as `tenancy.tenant_id`. */
  readonly id: string;
  /** URL-safe unique name, used by subdomain and path resolution. */
  readonly slug: string;
  readonly name: string;
  readonly status: TenantStatus;
  readonly plan?: string | null | undefined;
  readonly settings?: Readonly<TSettings> | undefined;
}
