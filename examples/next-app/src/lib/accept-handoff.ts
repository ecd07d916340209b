import { NextResponse } from 'next/server';
import { appEnv } from './env';
import { consumeHandoff, SESSION_COOKIE, sessionCookieOptions, signSession } from './session';
import { withTenant } from './tenancy-server';

/**
 * `GET /auth/handoff?token=...` on a tenant's subdomain: accepts a token from `/switch/<slug>` meant for this very
 * tenant, sets this host's session cookie and opens the dashboard. Core then checks the membership on every request
 * as usual: the token moves a session, it grants nothing.
 */
export const acceptHandoff = withTenant(async (request, { tenancy: resolved }) => {
  const token = new URL(request.url).searchParams.get('token') ?? '';
  const env = appEnv();
  const user =
    resolved.tenant === undefined ? undefined : await consumeHandoff(env.sessionSecret, token, resolved.tenant.id);
  const response = new NextResponse(null, {
    status: 303,
    headers: { location: user === undefined ? '/sign-in' : '/', 'cache-control': 'no-store' },
  });
  if (user !== undefined) {
    response.cookies.set(SESSION_COOKIE, await signSession(env.sessionSecret, user), sessionCookieOptions(env.secure));
  }
  return response;
});
