import type { TenancyError } from '@tenancy/core';
import { createTenancyProxy } from '@tenancy/next/proxy';
import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { SESSION_COOKIE } from './lib/session';
import { tenancy } from './lib/tenancy';

const tenancyProxy = createTenancyProxy(tenancy, { rewrite: '/t', onError });

function onError(error: TenancyError, request: NextRequest): Response {
  switch (error.code) {
    // An expired or tampered session cookie: drop it and load the same page signed out (pages that need a member
    // then send the visitor to sign in). Without this a stale cookie would lock the visitor out, sign-in included.
    case 'UNAUTHENTICATED':
      return signedOut(`${request.nextUrl.pathname}${request.nextUrl.search}`);
    case 'MEMBERSHIP_REQUIRED':
    case 'TENANT_SUSPENDED':
      return NextResponse.rewrite(new URL('/no-access', request.url), { status: 403 });
    case 'TENANT_NOT_FOUND':
      return NextResponse.rewrite(new URL('/unknown-tenant', request.url), { status: 404 });
    default:
      return new Response(error.message, { status: error.status, headers: { 'content-type': 'text/plain' } });
  }
}

// A relative Location: the browser stays on the host it asked (Next builds `request.url` on its own address, not
// on the tenant's subdomain).
function signedOut(location: string): Response {
  const response = new NextResponse(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}

export async function proxy(request: NextRequest): Promise<Response> {
  // Signing out works in every state, also with a session this tenant refuses, so it comes before resolution.
  if (request.nextUrl.pathname === '/sign-out') {
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    // Another site must not be able to sign the visitor out with a self-submitting form.
    if (request.headers.get('sec-fetch-site') === 'cross-site') return new Response(null, { status: 403 });
    return signedOut('/sign-in');
  }
  return tenancyProxy(request);
}

export const config = { matcher: ['/((?!_next/|favicon.ico).*)'] };
