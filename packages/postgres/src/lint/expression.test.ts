import { describe, expect, it } from 'vitest';
import { isAlwaysTrue, pinsTenant, splitTopLevel, stripParens } from './expression.js';

// Inputs are written the way pg_get_expr deparses policy expressions.
const GUARD = '(tenant_id = ( SELECT tenancy.tenant_id() AS tenant_id))';

describe('isAlwaysTrue', () => {
  it.each([
    'true',
    '(1 = 1)',
    "('a'::text = 'a'::text)",
    '((tenant_id = tenant_id) AND (NOT false))',
    "((x = 'a'::text) OR ('1'::text = '1'::text))",
    '(true OR (x IS NULL))',
    '(NOT (1 = 2 AND false))',
  ])('treats %s as always true', (expr) => {
    expect(isAlwaysTrue(expr)).toBe(true);
  });

  it.each([
    GUARD,
    'false',
    '(1 = 2)',
    '(random() = random())',
    "(x = 'a'::text)",
    "('a OR true'::text = x)",
    '((tenant_id = ( SELECT tenancy.tenant_id() AS tenant_id)) AND true)',
    '(name IS NOT NULL)',
  ])('does not treat %s as always true', (expr) => {
    expect(isAlwaysTrue(expr)).toBe(false);
  });
});

describe('pinsTenant', () => {
  const pins = (expr: string, column = 'tenant_id') => pinsTenant(expr, column, 'tenancy', 'tenancy.tenant_id');

  it('accepts the generated predicate, alone or AND-ed with more conditions', () => {
    expect(pins(GUARD)).toBe(true);
    expect(pins(`(${GUARD} AND (workspace_id = ( SELECT tenancy.workspace_id() AS workspace_id)))`)).toBe(true);
    expect(pins(`((SELECT tenancy.has_permission('project:read'::text)) AND ${GUARD})`)).toBe(true);
    expect(pins('(id = ( SELECT tenancy.tenant_id() AS tenant_id))', 'id')).toBe(true);
  });

  it('accepts hand-written guards that read the setting directly', () => {
    expect(pins("(tenant_id = (NULLIF(current_setting('tenancy.tenant_id'::text, true), ''::text))::uuid)")).toBe(true);
    expect(pins("(tenant_id = (current_setting('tenancy.tenant_id'::text))::uuid)")).toBe(true);
    expect(pins('(tenant_id = tenancy.tenant_id())')).toBe(true);
  });

  it('refuses anything that lets rows of other tenants through', () => {
    expect(pins(`(${GUARD} OR (name IS NOT NULL))`)).toBe(false);
    expect(pins('(tenant_id = COALESCE(( SELECT tenancy.tenant_id() AS tenant_id), tenant_id))')).toBe(false);
    expect(pins("(tenant_id = (current_setting('other.tenant'::text))::uuid)")).toBe(false);
    expect(pins('(owner_id = ( SELECT tenancy.tenant_id() AS tenant_id))')).toBe(false);
    expect(pins('(tenant_id IS NOT NULL)')).toBe(false);
    expect(pins(GUARD, 'org_id')).toBe(false);
  });
});

describe('splitTopLevel', () => {
  it('splits only outside parentheses and quotes', () => {
    expect(splitTopLevel("(a = 1) OR (b = 'x OR y') OR c", 'OR')).toEqual(['(a = 1)', "(b = 'x OR y')", 'c']);
    expect(splitTopLevel('((a OR b) AND c)', 'OR')).toEqual(['((a OR b) AND c)']);
  });

  it('strips only parentheses that wrap the whole expression', () => {
    expect(stripParens('((a = 1))')).toBe('a = 1');
    expect(stripParens('(a = 1) AND (b = 2)')).toBe('(a = 1) AND (b = 2)');
  });
});
