'use client';

import type { ReactNode } from 'react';
import { createContext, createElement, useContext } from 'react';
import type { TenantSwitcherData } from '../shared/tenant-summary.js';

const TenantContext = createContext<TenantSwitcherData | null>(null);

/** Props of {@link TenantProvider}: serializable data from `getTenantSwitcherData()` on the server. */
export interface TenantProviderProps {
  readonly value: TenantSwitcherData;
  readonly children?: ReactNode | undefined;
}

/**
 * Makes the current tenant and the user's tenants available to client components below it.
 * @example
 * // app/t/[tenant]/layout.tsx (a server component)
 * export default async function Layout({ children }: { children: React.ReactNode }) {
 *   return <TenantProvider value={await getTenantSwitcherData()}>{children}</TenantProvider>;
 * }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/next.md#tenant-switcher
 */
export function TenantProvider({ value, children }: TenantProviderProps): ReactNode {
  return createElement(TenantContext.Provider, { value }, children);
}

/**
 * The current tenant (`current`, `null` outside one) and the user's tenants, in a client component under
 * `TenantProvider`. Throws when there is no provider above, so a missing provider is not mistaken for "no tenant".
 * @example
 * 'use client';
 * export function TenantSwitcher() {
 *   const { current, tenants } = useTenant();
 *   return <ul>{tenants.map((t) => <li key={t.id}><a href={t.url ?? '#'}>{t.id === current?.id ? <b>{t.name}</b> : t.name}</a></li>)}</ul>;
 * }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/next.md#tenant-switcher
 */
export function useTenant(): TenantSwitcherData {
  const value = useContext(TenantContext);
  if (value === null) throw new Error('useTenant() needs a <TenantProvider> above this component.');
  return value;
}
