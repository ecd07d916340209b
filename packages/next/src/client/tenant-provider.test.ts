import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { TenantSwitcherData } from '../shared/tenant-summary.js';
import { TenantProvider, useTenant } from './tenant-provider.js';

const data: TenantSwitcherData = {
  current: { id: 't1', slug: 'acme', name: 'Acme', url: 'https://acme.example.test', roles: ['admin'] },
  tenants: [
    { id: 't1', slug: 'acme', name: 'Acme', url: 'https://acme.example.test', roles: ['admin'] },
    { id: 't2', slug: 'globex', name: 'Globex', url: null, roles: ['viewer'] },
  ],
};

function Switcher() {
  const { current, tenants } = useTenant();
  return createElement(
    'ul',
    null,
    tenants.map((t) => createElement('li', { key: t.id }, t.id === current?.id ? `[${t.name}]` : t.name)),
  );
}

describe('TenantProvider', () => {
  it('gives client components the current tenant and the tenant list', () => {
    expect(renderToStaticMarkup(createElement(TenantProvider, { value: data }, createElement(Switcher)))).toBe(
      '<ul><li>[Acme]</li><li>Globex</li></ul>',
    );
  });

  it('makes useTenant() throw without a provider, rather than answer "no tenant"', () => {
    expect(() => renderToStaticMarkup(createElement(Switcher))).toThrowError(
      'useTenant() needs a <TenantProvider> above this component.',
    );
  });
});
