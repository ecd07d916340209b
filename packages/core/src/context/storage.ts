import { AsyncLocalStorage } from 'node:async_hooks';
import type { TenantContext } from './tenant-context.js';

/** What the async-local store holds: a tenant, or an explicit "no tenant" from `withoutTenant`. */
export interface ContextFrame {
  readonly context: TenantContext | undefined;
}

// One storage per process, kept on a global symbol: when two copies of @tenancy/core are installed (a duplicated
// dependency), both must read the same tenant, or one of them would run unscoped.
const KEY = Symbol.for('tenancy.context');

type GlobalWithStorage = typeof globalThis & { [KEY]?: AsyncLocalStorage<ContextFrame> };

export function contextStorage(): AsyncLocalStorage<ContextFrame> {
  const g = globalThis as GlobalWithStorage;
  let storage = g[KEY];
  if (storage === undefined) {
    storage = new AsyncLocalStorage<ContextFrame>();
    g[KEY] = storage;
  }
  return storage;
}
