import { createAuditEvent, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import type { LifecycleContext } from './lifecycle-context.js';
import { lockActiveTenant, runStep, writeAuditLog } from './lifecycle-context.js';
import { actorSchema, domainSchema, parseInput, uuidSchema } from './lifecycle-input.js';

/** Input of {@link addDomain}, {@link verifyDomain} and {@link removeDomain}. */
export interface TenantDomainInput {
  tenantId: string;
  /** Normalized like a request host: lowercase ASCII (IDNA), no port, no trailing dot. IP addresses are refused. */
  domain: string;
  actorId?: string | null | undefined;
}

const schema = z.strictObject({ tenantId: uuidSchema, domain: domainSchema, actorId: actorSchema });

type Change = 'added' | 'verified' | 'removed';

async function changeDomain(
  context: LifecycleContext,
  input: TenantDomainInput,
  change: Change,
  action: string,
): Promise<string> {
  const data = parseInput(schema, input, action);
  const actorId = data.actorId ?? null;
  return runStep(context, { action, tenantId: data.tenantId, actorId }, async (tx) => {
    await lockActiveTenant(tx, context, data.tenantId);
    const s = tx(context.config.helperSchema);
    if (change === 'added') {
      // A domain taken by another tenant is a unique violation on domains_domain_key: CONFLICT, naming no tenant.
      await tx`insert into ${s}.domains (tenant_id, domain) values (${data.tenantId}, ${data.domain})`;
    } else {
      const rows =
        change === 'verified'
          ? await tx`update ${s}.domains set verified = true, verified_at = coalesce(verified_at, now())
              where tenant_id = ${data.tenantId} and domain = ${data.domain} returning domain`
          : await tx`delete from ${s}.domains where tenant_id = ${data.tenantId} and domain = ${data.domain}
              returning domain`;
      if (rows.length === 0) throw new TenancyError('INVALID_INPUT', `${action}: the tenant has no such domain.`);
    }
    await writeAuditLog(tx, context, {
      tenantId: data.tenantId,
      actorId,
      action: `domain.${change}`,
      targetType: 'domain',
      targetId: data.domain,
    });
    return {
      result: data.domain,
      events: [
        createAuditEvent('domain.changed', {
          tenantId: data.tenantId,
          principalId: actorId,
          domain: data.domain,
          change,
        }),
      ],
    };
  });
}

/**
 * Adds a custom domain to a tenant, unverified: it does not resolve until {@link verifyDomain} (after your DNS or
 * HTTP check). A domain belongs to at most one tenant: a taken one is `CONFLICT`. Returns the normalized domain.
 * @example
 * const domain = await lifecycle.addDomain({ tenantId, domain: 'App.Acme.com' }); // 'app.acme.com'
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#custom-domains
 */
export function addDomain(context: LifecycleContext, input: TenantDomainInput): Promise<string> {
  return changeDomain(context, input, 'added', 'addDomain');
}

/**
 * Marks a tenant's domain verified, so the tenant store resolves it. Call it once you checked ownership.
 * @example
 * await lifecycle.verifyDomain({ tenantId, domain: 'app.acme.com' });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#custom-domains
 */
export function verifyDomain(context: LifecycleContext, input: TenantDomainInput): Promise<string> {
  return changeDomain(context, input, 'verified', 'verifyDomain');
}

/**
 * Removes a custom domain from a tenant; it stops resolving in every process when the transaction commits.
 * @example
 * await lifecycle.removeDomain({ tenantId, domain: 'app.acme.com' });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#custom-domains
 */
export function removeDomain(context: LifecycleContext, input: TenantDomainInput): Promise<string> {
  return changeDomain(context, input, 'removed', 'removeDomain');
}
