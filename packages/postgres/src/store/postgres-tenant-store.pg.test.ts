import { setTimeout as sleep } from 'node:timers/promises';
import { createCachedTenantStore, createTenantResolver, fromCustomDomain, fromSubdomain } from '@tenancy/core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoundationTestDatabase } from '../foundation/test-foundation.js';
import { createFoundationTestDatabase } from '../foundation/test-foundation.js';
import { createTenantLifecycle } from '../lifecycle/create-tenant-lifecycle.js';
import { listenForTenantInvalidations, notifyTenantChanged } from './listen-for-invalidations.js';
import { createPostgresTenantStore } from './postgres-tenant-store.js';
import { createUncachedPostgresTenantStore } from './uncached-postgres-tenant-store.js';

const ACME = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a51';
const GLOBEX = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a52';
const GONE = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a53';
const ALICE = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4b01';
const BOB = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4b02';
const WS = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4c01';

let db: FoundationTestDatabase;
let login: string;
const clients: postgres.Sql[] = [];

// A client as the runtime login role: not a superuser, no table privileges, only membership in the two roles.
function loginClient(max = 2): postgres.Sql {
  const url = new URL(db.url);
  url.username = login;
  const client = postgres(url.toString(), { max, onnotice: () => {} });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  db = await createFoundationTestDatabase();
  login = `tenancy_login_${db.suffix}`;
  await db.sql.unsafe(`create role "${login}" login nosuperuser nobypassrls;
    grant "${db.config.roles.platform}" to "${login}"; grant "${db.config.roles.app}" to "${login}"`);
  await db.sql.unsafe(`
    insert into tenancy.tenants (id, slug, name, status, plan, settings, branding) values
      ('${ACME}', 'acme', 'Acme', 'active', 'pro', '{"locale":"de-DE"}', '{"primaryColor":"#0a7cff"}'),
      ('${GLOBEX}', 'globex', 'Globex', 'suspended', null, '{}', '{}');
    insert into tenancy.tenants (id, slug, name, status, deleted_at) values ('${GONE}', 'gone', 'Gone', 'deleted', now());
    insert into tenancy.users (id, email) values ('${ALICE}', 'alice@example.com'), ('${BOB}', 'bob@example.com');
    insert into tenancy.memberships (tenant_id, user_id, roles) values
      ('${ACME}', '${ALICE}', '{owner}'), ('${GLOBEX}', '${ALICE}', '{member}'), ('${GONE}', '${ALICE}', '{owner}'),
      ('${ACME}', '${BOB}', '{viewer}');
    insert into tenancy.workspaces (tenant_id, id, slug, name) values ('${ACME}', '${WS}', 'main', 'Main');
    insert into tenancy.workspace_memberships (tenant_id, workspace_id, user_id, roles) values ('${ACME}', '${WS}', '${BOB}', '{editor}');
    insert into tenancy.domains (tenant_id, domain, verified, verified_at) values ('${ACME}', 'acme.test', true, now());
    insert into tenancy.domains (tenant_id, domain) values ('${GLOBEX}', 'globex.test');
  `);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end({ timeout: 1 })));
  await db.dropAll();
  const admin = postgres(db.url.replace(/\/[^/]*$/, '/postgres'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop role if exists "${login}"`);
  await admin.end();
});

describe('createUncachedPostgresTenantStore', () => {
  it('finds a tenant by id, slug and verified domain with its settings and branding, as a non-superuser login role', async () => {
    const store = createUncachedPostgresTenantStore({ sql: loginClient(), config: db.config });
    const acme = {
      id: ACME,
      slug: 'acme',
      name: 'Acme',
      status: 'active',
      plan: 'pro',
      settings: { locale: 'de-DE' },
      branding: { primaryColor: '#0a7cff' },
    };
    expect(await store.findById(ACME)).toEqual(acme);
    expect(await store.findById(ACME.toUpperCase())).toEqual(acme);
    expect(await store.findBySlug('acme')).toEqual(acme);
    expect(await store.findByDomain('acme.test')).toEqual(acme);
    expect(await store.findByDomain('ACME.test.')).toEqual(acme);
    expect(await store.findBySlug('globex')).toMatchObject({ id: GLOBEX, status: 'suspended', plan: null });
  });

  it('answers null for an unverified domain, an unknown slug and identifiers no tenant can have', async () => {
    const store = createUncachedPostgresTenantStore({ sql: loginClient(), config: db.config });
    expect(await store.findByDomain('globex.test')).toBeNull();
    expect(await store.findBySlug('nobody')).toBeNull();
    expect(await store.findById('not-a-uuid')).toBeNull();
    expect(await store.findById("'; drop table tenancy.tenants; --")).toBeNull();
    expect(await store.findBySlug('Acme')).toBeNull();
    expect(await store.findByDomain('acme.test/evil')).toBeNull();
    expect(await store.getMembership('x', ALICE)).toBeNull();
    expect(await store.listMemberships('user_1')).toEqual([]);
  });

  it('finds a deleted tenant by id with status deleted, but no longer by its freed slug', async () => {
    const store = createUncachedPostgresTenantStore({ sql: loginClient(), config: db.config });
    expect(await store.findById(GONE)).toMatchObject({ id: GONE, status: 'deleted' });
    expect(await store.findBySlug('gone')).toBeNull();
  });

  it('returns memberships with workspace roles, and lists a user memberships without deleted tenants', async () => {
    const store = createUncachedPostgresTenantStore({ sql: loginClient(), config: db.config });
    expect(await store.getMembership(ACME, BOB)).toEqual({
      tenantId: ACME,
      userId: BOB,
      roles: ['viewer'],
      workspaces: [{ workspaceId: WS, roles: ['editor'] }],
    });
    expect(await store.getMembership(ACME, ALICE)).toEqual({ tenantId: ACME, userId: ALICE, roles: ['owner'] });
    expect(await store.getMembership(GLOBEX, BOB)).toBeNull();
    expect(await store.listMemberships(ALICE)).toEqual([
      { tenantId: ACME, userId: ALICE, roles: ['owner'] },
      { tenantId: GLOBEX, userId: ALICE, roles: ['member'] },
    ]);
  });

  it('reads nothing as a login role that lacks the platform role', async () => {
    const outsider = `tenancy_outsider_${db.suffix}`;
    await db.sql.unsafe(`create role "${outsider}" login`);
    try {
      const url = new URL(db.url);
      url.username = outsider;
      const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
      clients.push(client);
      const store = createUncachedPostgresTenantStore({ sql: client, config: db.config });
      await expect(store.findById(ACME)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await db.sql.unsafe(`drop owned by "${outsider}"`);
    }
  });
});

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
  return performance.now() - started;
}

async function expectNotificationsDelivered(cache: ReturnType<typeof createCachedTenantStore>): Promise<void> {
  await cache.findById(ACME);
  const before = cache.stats().loads;
  await notifyTenantChanged(db.sql, ACME);
  await until(async () => {
    await cache.findById(ACME);
    return cache.stats().loads > before;
  }, 1000);
}

describe('createPostgresTenantStore', () => {
  it('refuses a tenant suspended in another process within a second (two clients, two caches)', async () => {
    // Process one: its own client, store and lifecycle. Process two: its own client, store and core resolver.
    const clientOne = loginClient();
    const clientTwo = loginClient();
    const one = createPostgresTenantStore({ sql: clientOne, config: db.config, cache: { ttlMs: 600_000 } });
    const two = createPostgresTenantStore({ sql: clientTwo, config: db.config, cache: { ttlMs: 600_000 } });
    await Promise.all([one.ready, two.ready]);
    const lifecycle = createTenantLifecycle({ sql: clientOne, config: db.config });
    const resolve = createTenantResolver({
      store: two,
      strategies: [fromSubdomain({ baseDomain: 'example.com' }), fromCustomDomain()],
    });
    const request = (url: string) => new Request(url);
    try {
      expect((await resolve(request('https://acme.example.com/'))).tenant?.id).toBe(ACME);
      expect((await resolve(request('https://acme.test/'))).tenant?.id).toBe(ACME);
      expect((await one.findById(ACME))?.status).toBe('active');
      const loads = two.stats().loads;
      expect((await resolve(request('https://acme.example.com/'))).tenant?.id).toBe(ACME);
      expect(two.stats().loads).toBe(loads); // served from the cache: only a notification can change the answer

      expect(await lifecycle.suspendTenant({ tenantId: ACME, reason: 'test' })).toBe(true);

      const refused = async () =>
        (await resolve(request('https://acme.example.com/')).catch((error: { code?: string }) => error.code)) ===
        'TENANT_SUSPENDED';
      const elapsed = await until(refused, 1000);
      expect(elapsed).toBeLessThan(1000);
      await expect(resolve(request('https://acme.test/'))).rejects.toMatchObject({ code: 'TENANT_SUSPENDED' });
      await until(async () => (await one.findById(ACME))?.status === 'suspended', 1000);

      await lifecycle.reactivateTenant({ tenantId: ACME });
      await until(
        async () =>
          (await resolve(request('https://acme.example.com/')).then(
            (r) => r.tenant?.id,
            () => undefined,
          )) === ACME,
        1000,
      );
    } finally {
      await db.sql`update tenancy.tenants set status = 'active', suspended_at = null where id = ${ACME}`;
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('does not invalidate on a rolled-back change', async () => {
    const store = createPostgresTenantStore({ sql: loginClient(), config: db.config, cache: { ttlMs: 600_000 } });
    await store.ready;
    try {
      await store.findById(ACME);
      const loads = store.stats().loads;
      await expect(
        db.sql.begin(async (tx) => {
          await notifyTenantChanged(tx, ACME);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await sleep(200);
      await store.findById(ACME);
      expect(store.stats().loads).toBe(loads);
    } finally {
      await store.close();
    }
  });

  it('clears the whole cache when the LISTEN connection reconnects, since notifications may have been missed', async () => {
    const client = loginClient();
    const cache = createCachedTenantStore(createUncachedPostgresTenantStore({ sql: client, config: db.config }), {
      ttlMs: 600_000,
    });
    let subscriptions = 0;
    const listener = listenForTenantInvalidations({
      sql: client,
      target: cache,
      healthCheckMs: 0,
      onSubscribed: () => subscriptions++,
    });
    await listener.ready;
    try {
      expect(subscriptions).toBe(1);
      await cache.findBySlug('acme');
      await cache.findBySlug('globex');
      const loads = cache.stats().loads;
      await cache.findBySlug('acme');
      expect(cache.stats().loads).toBe(loads);

      // A change nobody hears about: no listener is connected while it commits.
      const [terminated] = await db.sql<Array<{ ok: boolean }>>`
        select pg_terminate_backend(pid) as ok from pg_stat_activity
        where datname = current_database() and usename = ${login} and query ilike 'listen%'`;
      expect(terminated?.ok).toBe(true);
      await until(() => subscriptions === 2, 5000);

      await cache.findBySlug('acme');
      await cache.findBySlug('globex');
      expect(cache.stats().loads).toBe(loads + 2);
    } finally {
      await listener.close();
    }
  });

  it('recovers when the server refused the reconnection for a while, and clears the cache', async () => {
    const client = loginClient();
    const cache = createCachedTenantStore(createUncachedPostgresTenantStore({ sql: client, config: db.config }), {
      ttlMs: 600_000,
    });
    let subscriptions = 0;
    const listener = listenForTenantInvalidations({
      sql: client,
      target: cache,
      healthCheckMs: 0,
      onSubscribed: () => subscriptions++,
    });
    await listener.ready;
    try {
      await cache.findById(ACME);
      const loads = cache.stats().loads;
      await db.sql.unsafe(`alter role "${login}" nologin`);
      await db.sql`
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and usename = ${login} and query ilike 'listen%'`;
      await sleep(300);
      await db.sql.unsafe(`alter role "${login}" login`);
      await until(() => subscriptions >= 2, 5000);
      await cache.findById(ACME);
      // At least once more: how often the reconnection attempts cleared the cache depends on timing.
      expect(cache.stats().loads).toBeGreaterThan(loads);
      await expectNotificationsDelivered(cache);
    } finally {
      await db.sql.unsafe(`alter role "${login}" login`);
      await listener.close();
    }
  });

  it('listens again when the LISTEN connection stays open but stops delivering, found by the health check', async () => {
    const client = loginClient();
    const cache = createCachedTenantStore(createUncachedPostgresTenantStore({ sql: client, config: db.config }), {
      ttlMs: 600_000,
    });
    let subscriptions = 0;
    const listener = listenForTenantInvalidations({
      sql: client,
      target: cache,
      healthCheckMs: 100,
      onSubscribed: () => subscriptions++,
    });
    await listener.ready;
    try {
      await cache.findById(ACME);
      const loads = cache.stats().loads;
      // A deaf connection (what a LISTEN that failed without the connection closing leaves behind): postgres.js keeps
      // its LISTEN connection on `sql.listen.sql`; UNLISTEN on it stops delivery without any close event.
      const internal = (client.listen as unknown as { sql: postgres.Sql }).sql;
      await internal`unlisten *`;
      await until(() => subscriptions >= 2, 2000);
      await cache.findById(ACME);
      expect(cache.stats().loads).toBe(loads + 1);
      await expectNotificationsDelivered(cache);
    } finally {
      await listener.close();
    }
  });
});
