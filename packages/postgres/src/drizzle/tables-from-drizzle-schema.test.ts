import { integer, pgSchema, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { tablesFromDrizzleSchema } from './tables-from-drizzle-schema.js';

describe('tablesFromDrizzleSchema', () => {
  it('lists every exported pgTable with its schema and column names, and nothing else', () => {
    const billing = pgSchema('billing');
    const module = {
      projects: pgTable('projects', { tenantId: uuid('tenant_id').notNull(), id: uuid('id'), name: text('name') }),
      invoices: billing.table('invoices', { tenantId: uuid('tenant_id'), total: integer('total') }),
      billing,
      helper: () => 1,
      answer: 42,
    };
    expect(tablesFromDrizzleSchema(module)).toEqual([
      { schema: 'public', name: 'projects', columns: ['tenant_id', 'id', 'name'] },
      { schema: 'billing', name: 'invoices', columns: ['tenant_id', 'total'] },
    ]);
  });
});
