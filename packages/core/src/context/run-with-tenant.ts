import { TenancyError } from '../errors/tenancy-error.js';
import { contextStorage } from './storage.js';
import type { TenantContext } from './tenant-context.js';

/**
 * Runs `fn` with `context` as the current tenant. Everything `fn` starts (awaits, timers, promises, streams) sees it;
 * concurrent calls never see each other's tenant.
 * @example
 * await runWithTenant({ tenantId }, async () => {
 *   await db.run((tx) => tx.select().from(projects));
 * });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/context.md
 */
export function runWithTenant<T>(context: TenantContext, fn: () => T): T {
  if (typeof context?.tenantId !== 'string' || context.tenantId.length === 0) {
    throw new TenancyError('INVALID_INPUT', 'runWithTenant() needs a context with a non-empty tenantId.');
  }
  // Frozen so code inside the scope cannot re-point the tenant of everything else running in it.
  return contextStorage().run({ context: Object.freeze({ ...context }) }, fn);
}

/**
 * Runs `fn` explicitly without a tenant (e.g. sign-up before a tenant exists). Inside, `getTenant()` is undefined
 * and `requireTenant()` throws, so tenant-scoped data stays unreachable.
 * @example
 * await withoutTenant(() => createTenantForSignup(input));
 */
export function withoutTenant<T>(fn: () => T): T {
  return contextStorage().run({ context: undefined }, fn);
}

/**
 * The current tenant context, or `undefined` outside any tenant scope.
 * @example
 * const tenantId = getTenant()?.tenantId;
 */
export function getTenant(): TenantContext | undefined {
  return contextStorage().getStore()?.context;
}

/**
 * The current tenant context; throws `TENANT_REQUIRED` when there is none. Fail closed: never a default tenant.
 * @example
 * const { tenantId } = requireTenant();
 */
export function requireTenant(): TenantContext {
  const context = getTenant();
  if (context === undefined) {
    throw new TenancyError(
      'TENANT_REQUIRED',
      'No tenant in context. Run this code inside runWithTenant() or behind the tenancy middleware.',
    );
  }
  return context;
}

/**
 * Binds `fn` to the tenant context current now, so it runs in it wherever it is called later: event-emitter
 * listeners (which otherwise run in the emitter's context), callbacks handed to pools or libraries.
 * @example
 * emitter.on('data', bindTenantContext((chunk) => handle(chunk)));
 */
export function bindTenantContext<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const frame = contextStorage().getStore();
  const storage = contextStorage();
  if (frame === undefined) return (...args: A) => storage.exit(() => fn(...args));
  return (...args: A) => storage.run(frame, () => fn(...args));
}
