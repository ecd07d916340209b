import { SignInPage } from '../../../../components/sign-in-page';
import { getTenantContext } from '../../../../lib/tenancy-server';

// The tenant comes from core's resolution of this request (the host), never from the `[tenant]` segment: anyone
// can request /t/<any-slug>/sign-in directly.
export default async function TenantSignIn() {
  const { tenant } = await getTenantContext();
  return <SignInPage title={tenant === undefined ? 'Sign in' : `Sign in to ${tenant.name}`} />;
}
