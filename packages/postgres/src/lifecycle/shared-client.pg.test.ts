import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantDb } from '../db/create-tenant-db.js';
import type { FoundationTestDatabase } from '../foundation/test-foundation.js';
import { createFoundationTestDatabase } from '../foundation/test-foundation.js';
import { eraseUserData } from '../gdpr/erase-user-data.js';
import { createTenantLifecycle } from './create-tenant-lifecycle.js';

// Drizzle swaps the json serializers of the postgres.js client it is built on (createTenantDb too). The lifecycle
// and GDPR functions must keep writing correct JSON on such a shared client.
describe('lifecycle and GDPR on a client shared with createTenantDb', () => {
  let db: FoundationTestDatabase;
  let shared: postgres.Sql;

  beforeAll(async () => {
    db = await createFoundationTestDatabase();
    shared = postgres(db.url, { max: 2, onnotice: () => {} });
    createTenantDb({ client: shared, config: db.config });
  });
  afterAll(async () => {
    await shared.end();
    await db.dropAll();
  });

  it('stores settings, branding and audit data as JSON objects, not strings', async () => {
    const lifecycle = createTenantLifecycle({ sql: shared, config: db.config });
    const { tenant, owner } = await lifecycle.createTenant({
      slug: 'shared-acme',
      name: 'Acme',
      owner: { email: 'ada@shared.test' },
      settings: { locale: 'de-DE' },
      branding: { primaryColor: '#0a7cff' },
    });
    await lifecycle.updateTenant({ tenantId: tenant.id, branding: { primaryColor: '#112233' } });
    await eraseUserData({ sql: shared, config: db.config, tenantId: tenant.id, userId: owner.id });

    const [row] = await db.sql<{ settings: string; branding: string; st: string; bt: string }[]>`
      select settings::text as settings, branding::text as branding,
        jsonb_typeof(settings) as st, jsonb_typeof(branding) as bt
      from tenancy.tenants where id = ${tenant.id}`;
    expect(row).toEqual({
      settings: '{"locale": "de-DE"}',
      branding: '{"primaryColor": "#112233"}',
      st: 'object',
      bt: 'object',
    });
    const audit = await db.sql<{ action: string; kind: string }[]>`
      select action, jsonb_typeof(data) as kind from tenancy.audit_log where tenant_id = ${tenant.id} order by action`;
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(audit.every((a) => a.kind === 'object')).toBe(true);
  });
});
