import { TenantProvider } from '@tenancy/next/client';
import Link from 'next/link';
import type { CSSProperties, ReactNode } from 'react';
import { SignOutButton } from '../../../../components/sign-out-button';
import { requireMember } from '../../../../lib/require-member';
import { getTenantSwitcherData } from '../../../../lib/tenancy-server';
import { loadTenantProfile } from '../../../../lib/tenant-profile';
import { TenantSwitcher } from './tenant-switcher';

const DEFAULT_COLOR = '#334155';

// The shell of every tenant page: branding, navigation, the tenant switcher. Only members get past requireMember().
export default async function TenantLayout({ children }: { children: ReactNode }) {
  await requireMember();
  const [profile, switcher] = await Promise.all([loadTenantProfile(), getTenantSwitcherData()]);
  const brand = { '--brand': profile.branding.primaryColor ?? DEFAULT_COLOR } as CSSProperties;
  return (
    <TenantProvider value={switcher}>
      <div className="shell" style={brand}>
        <header className="topbar" data-testid="topbar">
          {profile.branding.logoUrl === undefined ? (
            <span className="logo-mark" aria-hidden="true">
              {profile.name.slice(0, 1)}
            </span>
          ) : (
            // A tenant-supplied https URL (the SDK's branding schema refuses anything else); not optimised by Next.
            // biome-ignore lint/performance/noImgElement: an arbitrary tenant host cannot be listed for next/image.
            <img className="logo" src={profile.branding.logoUrl} alt="" width={28} height={28} />
          )}
          <strong data-testid="tenant-name">{profile.name}</strong>
          <nav className="nav">
            <Link href="/">Projects</Link>
            <Link href="/members">Members</Link>
            <Link href="/settings">Settings</Link>
          </nav>
          <TenantSwitcher />
          <span className="user" data-testid="user">
            {profile.user.name ?? profile.user.email}
          </span>
          <SignOutButton />
        </header>
        <main className="content">{children}</main>
      </div>
    </TenantProvider>
  );
}
