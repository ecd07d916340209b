import Link from 'next/link';
import { SignOutButton } from '../components/sign-out-button';
import { tenancy } from '../lib/tenancy';
import { getTenantContext } from '../lib/tenancy-server';

// The platform's own page on the bare host (localhost:3000): no tenant here, only the signed-in user's tenants.
export default async function PlatformHome() {
  const { principal } = await getTenantContext();
  if (principal === undefined) {
    return (
      <main className="narrow stack">
        <h1>tenancy · Next.js example</h1>
        <p>
          Every tenant lives on its own subdomain: <Link href="/sign-in">sign in here</Link> to see your tenants, or
          open a tenant directly, e.g. <code>acme.localhost</code>.
        </p>
      </main>
    );
  }
  const choices = await tenancy.tenantsFor(principal);
  return (
    <main className="narrow stack">
      <h1>Your tenants</h1>
      {choices.length === 0 ? <p>You are not a member of any tenant.</p> : null}
      <ul className="card" data-testid="my-tenants">
        {choices.map(({ tenant, membership }) => (
          <li key={tenant.id}>
            {/* A plain link: the switch route answers with a redirect to another origin. */}
            <a href={`/switch/${encodeURIComponent(tenant.slug)}`}>{tenant.name}</a>{' '}
            <span className="muted">{membership.roles.join(', ')}</span>
          </li>
        ))}
      </ul>
      {/* No prefetch: rendering the admin page is an audited platform access, so only a real visit may cause one. */}
      {principal.platformAdmin ? (
        <Link href="/admin" prefetch={false}>
          Platform admin
        </Link>
      ) : null}
      <SignOutButton />
    </main>
  );
}
