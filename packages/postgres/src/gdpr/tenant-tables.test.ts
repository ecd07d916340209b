import { describe, expect, it } from 'vitest';
import { tableKey, topologicalOrder } from './tenant-tables.js';

const t = (key: string) => {
  const [schema = '', name = ''] = key.split('.');
  return { schema, name };
};

describe('topologicalOrder', () => {
  it('puts every table after the tables it references, ties in name order', () => {
    const tables = ['public.tasks', 'tenancy.memberships', 'public.projects', 'tenancy.tenants', 'tenancy.users'].map(
      t,
    );
    const order = topologicalOrder(tables, [
      { child: 'public.tasks', parent: 'public.projects' },
      { child: 'public.projects', parent: 'tenancy.tenants' },
      { child: 'tenancy.memberships', parent: 'tenancy.tenants' },
      { child: 'tenancy.memberships', parent: 'tenancy.users' },
    ]).map(tableKey);
    expect(order).toEqual([
      'tenancy.tenants',
      'public.projects',
      'public.tasks',
      'tenancy.users',
      'tenancy.memberships',
    ]);
  });

  it('ignores self references and edges to tables outside the set, and breaks a cycle deterministically', () => {
    const order = topologicalOrder(['public.a', 'public.b', 'public.c'].map(t), [
      { child: 'public.a', parent: 'public.a' },
      { child: 'public.a', parent: 'public.zzz' },
      { child: 'public.a', parent: 'public.b' },
      { child: 'public.b', parent: 'public.a' },
      { child: 'public.c', parent: 'public.b' },
    ]).map(tableKey);
    expect(order).toEqual(['public.a', 'public.b', 'public.c']);
  });
});
