import { TenantProvider } from '@tenancy/next/client';
import type { ReactNode } from 'react';
import { getTenantSwitcherData } from '../../../lib/tenancy-server';
import { TenantName } from './tenant-name';

export default async function TenantLayout({ children }: { children: ReactNode }) {
  let data: Awaited<ReturnType<typeof getTenantSwitcherData>>;
  try {
    data = await getTenantSwitcherData();
  } catch {
    data = { current: null, tenants: [] };
  }
  return (
    <TenantProvider value={data}>
      <TenantName />
      {children}
    </TenantProvider>
  );
}
