import type { CachedTenantStore, CachedTenantStoreOptions } from '@tenancy/core';
import { createCachedTenantStore } from '@tenancy/core';
import type postgres from 'postgres';
import type { PlatformConfig } from '../foundation/platform-transaction.js';
import { defaultFoundationConfig } from '../foundation/platform-transaction.js';
import type { ListenForTenantInvalidationsOptions } from './listen-for-invalidations.js';
import { listenForTenantInvalidations } from './listen-for-invalidations.js';
import type { PostgresTenantRecord } from './uncached-postgres-tenant-store.js';
import { createUncachedPostgresTenantStore } from './uncached-postgres-tenant-store.js';

/** Options for {@link createPostgresTenantStore}. */
export interface PostgresTenantStoreOptions {
  /** A postgres.js client connected as the login role, which must be granted the platform role. */
  sql: postgres.Sql;
  /** The resolved config (helper schema, role and setting names). Default: the defaults with `foundation: true`. */
  config?: PlatformConfig | undefined;
  /** Options of core's cache (TTL, negative TTL, size). */
  cache?: CachedTenantStoreOptions | undefined;
  /**
   * Invalidate the cache from `LISTEN/NOTIFY` (default `true`): a tenant suspended, deleted or changed by the lifecycle
   * functions in any process is dropped from this cache as soon as that transaction commits.
   */
  listen?: boolean | Pick<ListenForTenantInvalidationsOptions, 'channel' | 'healthCheckMs' | 'onError'> | undefined;
}

/** A cached, self-invalidating tenant store on the foundation tables. */
export interface PostgresTenantStore extends CachedTenantStore {
  findById(id: string): Promise<PostgresTenantRecord | null>;
  findBySlug(slug: string): Promise<PostgresTenantRecord | null>;
  findByDomain(domain: string): Promise<PostgresTenantRecord | null>;
  /** Resolves once notifications are being received (at once when `listen` is false). */
  readonly ready: Promise<void>;
  /** Stops listening. The postgres.js client stays open: it is yours. */
  close(): Promise<void>;
}

/**
 * The tenant store for production: the foundation tables read as the platform role, behind core's cache, kept fresh
 * across processes by `LISTEN/NOTIFY`.
 * @example
 * const store = createPostgresTenantStore({ sql, config });
 * await store.ready;
 * const tenancy = createTenancy({ store, strategies: [subdomain({ baseDomain: 'example.com' })] });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#tenant-store
 */
export function createPostgresTenantStore(options: PostgresTenantStoreOptions): PostgresTenantStore {
  const config = options.config ?? defaultFoundationConfig();
  const cached = createCachedTenantStore(
    createUncachedPostgresTenantStore({ sql: options.sql, config }),
    options.cache,
  ) as CachedTenantStore & Pick<PostgresTenantStore, 'findById' | 'findBySlug' | 'findByDomain'>;
  const listen = options.listen ?? true;
  const listener =
    listen === false
      ? undefined
      : listenForTenantInvalidations({ sql: options.sql, target: cached, ...(listen === true ? {} : listen) });
  return {
    ...cached,
    ready: listener?.ready ?? Promise.resolve(),
    close: async () => {
      await listener?.close();
    },
  };
}
