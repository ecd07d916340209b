import { z } from 'zod';
import { TenancyError } from '../errors/tenancy-error.js';
import { requireTenant, runWithTenant } from './run-with-tenant.js';
import type { TenantContext } from './tenant-context.js';

/**
 * The part of a tenant context that travels with a background job. Identifiers only: the worker re-reads the
 * tenant (status, membership) instead of trusting a snapshot taken when the job was queued.
 */
export interface TenantJobPayload {
  readonly v: 1;
  readonly tenantId: string;
  readonly userId?: string | undefined;
  readonly workspaceId?: string | undefined;
}

const id = z
  .string()
  .min(1)
  .max(255)
  // No control characters: the payload crossed a queue and is untrusted until checked.
  .regex(/^[^\p{Cc}]+$/u);

const payloadSchema = z.strictObject({
  v: z.literal(1),
  tenantId: id,
  userId: id.optional(),
  workspaceId: id.optional(),
});

/**
 * Captures the current tenant (or `context`) as a JSON-safe payload to put on a job.
 * Throws `TENANT_REQUIRED` outside a tenant scope, so a job is never queued without its tenant.
 * @example
 * await queue.add('send-invoice', { invoiceId, tenancy: toTenantJobPayload() });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/context.md#background-jobs
 */
export function toTenantJobPayload(context: TenantContext = requireTenant()): TenantJobPayload {
  return {
    v: 1,
    tenantId: context.tenantId,
    ...(context.userId === undefined ? {} : { userId: context.userId }),
    ...(context.workspaceId === undefined ? {} : { workspaceId: context.workspaceId }),
  };
}

/**
 * Parses a job's tenant payload; throws `INVALID_INPUT` (naming the bad field) when it is missing or malformed.
 */
export function parseTenantJobPayload(value: unknown): TenantJobPayload {
  const parsed = payloadSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TenancyError('INVALID_INPUT', `Invalid tenant job payload at "${issue?.path.join('.') || '(root)'}".`, {
      details: { path: issue?.path.map(String) ?? [] },
      cause: parsed.error,
    });
  }
  const { v, tenantId, userId, workspaceId } = parsed.data;
  return { v, tenantId, ...(userId ? { userId } : {}), ...(workspaceId ? { workspaceId } : {}) };
}

/** Options for {@link runWithTenantJob}. */
export interface RunWithTenantJobOptions {
  /**
   * Re-validates the tenant before the job body runs (status, membership) and returns the full context.
   * `createTenancy().runJob()` passes one that reads the tenant store; pass your own to do the same.
   */
  verify?: ((payload: TenantJobPayload) => Promise<TenantContext> | TenantContext) | undefined;
}

/**
 * Re-enters the tenant a job was queued for, then runs `fn` inside it.
 * @example
 * worker.process(async (job) => runWithTenantJob(job.data.tenancy, () => sendInvoice(job.data.invoiceId)));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/context.md#background-jobs
 */
export async function runWithTenantJob<T>(
  payload: unknown,
  fn: (context: TenantContext) => T | Promise<T>,
  options: RunWithTenantJobOptions = {},
): Promise<T> {
  const parsed = parseTenantJobPayload(payload);
  const context: TenantContext = options.verify ? await options.verify(parsed) : toContext(parsed);
  if (context.tenantId !== parsed.tenantId) {
    throw new TenancyError('INTERNAL', 'The job verifier returned a context for a different tenant.');
  }
  return runWithTenant(context, () => fn(context));
}

function toContext(p: TenantJobPayload): TenantContext {
  return {
    tenantId: p.tenantId,
    ...(p.userId === undefined ? {} : { userId: p.userId }),
    ...(p.workspaceId === undefined ? {} : { workspaceId: p.workspaceId }),
  };
}
