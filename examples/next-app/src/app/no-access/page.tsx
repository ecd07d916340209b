import { SignOutButton } from '../../components/sign-out-button';

// The proxy rewrites here (403) when the signed-in user is not a member of the tenant of this subdomain.
export default function NoAccess() {
  return (
    <main className="narrow stack" data-testid="no-access">
      <h1>No access</h1>
      <p>You are signed in, but not as a member of this tenant. Sign out and sign in as one of its members.</p>
      <SignOutButton />
    </main>
  );
}
