import type { AuditErrorHandler, AuditEvent, AuditSink } from '@tenancy/core';
import { DEFAULT_RESERVED_SLUGS, emitAuditEvent, TenancyError } from '@tenancy/core';
import type postgres from 'postgres';
import { z } from 'zod';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { toTenancyError } from '../foundation/database-error.js';
import { defaultFoundationConfig, withPlatformTransaction } from '../foundation/platform-transaction.js';
import { notifyTenantChanged, TENANT_INVALIDATION_CHANNEL } from '../store/listen-for-invalidations.js';
import './lifecycle-audit-events.js';
import { jsonText } from '../foundation/json-text.js';

/** Options shared by every lifecycle function: where the foundation lives and where audit events go. */
export interface LifecycleOptions {
  /** A postgres.js client connected as the login role, which must be granted the platform role. */
  sql: postgres.Sql;
  /** The resolved config (`foundation: true`). Default: the defaults with `foundation: true`. */
  config?: ResolvedTenancyConfig | undefined;
  /** Receives one event per successful change, after it committed. The `audit_log` row is written either way. */
  auditSink?: AuditSink | undefined;
  /** Told when the sink throws or rejects (default: `console.error`). */
  onAuditError?: AuditErrorHandler | undefined;
  /** The NOTIFY channel the tenant stores listen on. Default `tenancy_invalidate`. */
  channel?: string | undefined;
  /** Slugs no tenant may take. Default core's `DEFAULT_RESERVED_SLUGS`. */
  reservedSlugs?: readonly string[] | undefined;
  /** How long an invitation is valid, in ms. Default 7 days. */
  invitationTtlMs?: number | undefined;
}

/** {@link LifecycleOptions} with every default applied. */
export interface LifecycleContext {
  readonly sql: postgres.Sql;
  readonly config: ResolvedTenancyConfig;
  readonly auditSink: AuditSink | undefined;
  readonly onAuditError: AuditErrorHandler | undefined;
  readonly channel: string;
  readonly reservedSlugs: ReadonlySet<string>;
  readonly invitationTtlMs: number;
}

const optionsSchema = z.object({
  sql: z.custom<postgres.Sql>((value) => typeof value === 'function', 'Expected a postgres.js client'),
  channel: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,39}$/)
    .optional(),
  reservedSlugs: z.array(z.string()).optional(),
  invitationTtlMs: z
    .int()
    .min(60_000)
    .max(90 * 24 * 3600 * 1000)
    .optional(),
});

/** Validates lifecycle options once and applies the defaults. */
export function createLifecycleContext(options: LifecycleOptions): LifecycleContext {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String) ?? [];
    throw new TenancyError('INVALID_CONFIG', `Invalid lifecycle option "${path.join('.')}": ${issue?.message}.`, {
      details: { path },
    });
  }
  const config = options.config ?? defaultFoundationConfig();
  if (!config.foundation) {
    throw new TenancyError(
      'INVALID_CONFIG',
      'The lifecycle functions work on the foundation schema: set foundation: true.',
      {
        details: { path: ['foundation'] },
      },
    );
  }
  return {
    sql: options.sql,
    config,
    auditSink: options.auditSink,
    onAuditError: options.onAuditError,
    channel: options.channel ?? TENANT_INVALIDATION_CHANNEL,
    reservedSlugs: new Set(options.reservedSlugs ?? DEFAULT_RESERVED_SLUGS),
    invitationTtlMs: options.invitationTtlMs ?? 7 * 24 * 3600 * 1000,
  };
}

/** What one lifecycle step hands back: its result, and the events to emit once it committed. */
export interface StepOutcome<T> {
  readonly result: T;
  readonly events: readonly AuditEvent[];
  /** The tenants to notify about (default: the transaction's tenant). Empty for a step that changed nothing. */
  readonly notify?: readonly string[] | undefined;
}

/**
 * Runs one lifecycle step: one transaction as the platform role with the tenant and actor set, a NOTIFY for every
 * changed tenant inside it (delivered on commit only), database errors mapped to TenancyError codes, and the audit
 * events emitted after the commit.
 */
export async function runStep<T>(
  context: LifecycleContext,
  step: { action: string; tenantId?: string | null | undefined; actorId?: string | null | undefined },
  fn: (tx: postgres.TransactionSql) => Promise<StepOutcome<T>>,
): Promise<T> {
  let outcome: StepOutcome<T>;
  try {
    outcome = await withPlatformTransaction(
      context.sql,
      context.config,
      { tenantId: step.tenantId, actorId: step.actorId },
      async (tx) => {
        const out = await fn(tx);
        const tenants = out.notify ?? (step.tenantId ? [step.tenantId] : []);
        for (const tenantId of tenants) await notifyTenantChanged(tx, tenantId, context.channel);
        return out;
      },
    );
  } catch (error) {
    throw toTenancyError(error, step.action);
  }
  if (context.auditSink !== undefined) {
    for (const event of outcome.events) emitAuditEvent(context.auditSink, event, context.onAuditError);
  }
  return outcome.result;
}

/** Writes one row of the tenant's append-only audit log. */
export async function writeAuditLog(
  tx: postgres.TransactionSql,
  context: LifecycleContext,
  row: {
    tenantId: string;
    actorId: string | null;
    action: string;
    targetType?: string | undefined;
    targetId?: string | undefined;
    data?: Record<string, unknown> | undefined;
  },
): Promise<void> {
  const s = tx(context.config.helperSchema);
  await tx`insert into ${s}.audit_log (tenant_id, actor_id, action, target_type, target_id, data)
    values (${row.tenantId}, ${row.actorId}, ${row.action}, ${row.targetType ?? null}, ${row.targetId ?? null},
      ${jsonText(row.data)}::text::jsonb)`;
}

/** Writes one row of the platform audit log: what must outlive the tenant it is about. */
export async function writePlatformAuditLog(
  tx: postgres.TransactionSql,
  config: Pick<ResolvedTenancyConfig, 'helperSchema'>,
  row: { subjectTenantId: string; actorId: string | null; action: string; data?: Record<string, unknown> | undefined },
): Promise<void> {
  const s = tx(config.helperSchema);
  await tx`insert into ${s}.platform_audit_log (subject_tenant_id, actor_id, action, data)
    values (${row.subjectTenantId}, ${row.actorId}, ${row.action}, ${jsonText(row.data)}::text::jsonb)`;
}

/** The tenant row locked for the rest of the transaction, or TENANT_NOT_FOUND. */
export async function lockTenant(
  tx: postgres.TransactionSql,
  context: LifecycleContext,
  tenantId: string,
): Promise<{ id: string; slug: string; status: 'active' | 'suspended' | 'deleted' }> {
  const s = tx(context.config.helperSchema);
  const [row] = await tx<Array<{ id: string; slug: string; status: 'active' | 'suspended' | 'deleted' }>>`
    select id, slug, status from ${s}.tenants where id = ${tenantId} for update`;
  if (row === undefined) throw new TenancyError('TENANT_NOT_FOUND', 'No tenant with this id.');
  return row;
}

/** Like {@link lockTenant}, but only an active tenant will do: suspended and deleted ones are refused. */
export async function lockActiveTenant(
  tx: postgres.TransactionSql,
  context: LifecycleContext,
  tenantId: string,
): Promise<{ id: string; slug: string; status: 'active' | 'suspended' | 'deleted' }> {
  const tenant = await lockTenant(tx, context, tenantId);
  if (tenant.status === 'deleted') throw new TenancyError('TENANT_NOT_FOUND', 'No tenant with this id.');
  if (tenant.status === 'suspended') throw new TenancyError('TENANT_SUSPENDED', 'The tenant is suspended.');
  return tenant;
}
