import { appEnv, tenantOrigin } from './env';
import { signHandoff } from './session';
import { tenancy } from './tenancy';
import { withTenant } from './tenancy-server';

const redirect = (location: string) =>
  new Response(null, {
    status: 303,
    // The location carries a hand-off token: keep it out of caches and out of the next page's Referer.
    headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
  });

/**
 * `GET /switch/<slug>`: sends a signed-in user to another of their tenants. Cookies do not cross subdomains, so the
 * session travels in a one-minute, single-use token to `<slug>.<host>/auth/handoff`, which sets that host's cookie.
 * An unknown tenant and one the user does not belong to get the same 404: the answer reveals no tenant names.
 */
export const switchTenant = withTenant<{ params: Promise<{ slug: string }> }>(
  async (_request, { params, tenancy: resolved }) => {
    if (resolved.principal === undefined) return redirect('/sign-in');
    const { slug } = await params;
    const choice = (await tenancy.tenantsFor(resolved.principal)).find((c) => c.tenant.slug === slug);
    if (choice === undefined) return new Response('No such tenant among yours.', { status: 404 });
    const env = appEnv();
    const token = await signHandoff(
      env.sessionSecret,
      { userId: resolved.principal.id, platformAdmin: resolved.principal.platformAdmin },
      choice.tenant.id,
    );
    const target = new URL('/auth/handoff', tenantOrigin(env.appUrl, choice.tenant.slug));
    target.searchParams.set('token', token);
    return redirect(target.href);
  },
);
