// Test support: access tokens signed the way Supabase Auth signs them with a project's JWT secret (HS256), with the
// claims it puts in them. node:crypto does the signing, so the tests need no JWT library of their own; verification
// goes through @tenancy/core's identity (jose), as it would in an app.
import { createHmac, randomUUID } from 'node:crypto';

/** A project JWT secret for tests (Supabase's legacy secrets are at least 32 characters). */
export const JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs `claims` with HS256 under `secret`: a compact JWS. */
export function signToken(claims: Record<string, unknown>, secret: string = JWT_SECRET): string {
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  const signature = createHmac('sha256', secret).update(body).digest('base64url');
  return `${body}.${signature}`;
}

/** The claims Supabase Auth gives a signed-in user's access token before the hook runs (its documented example). */
export function baseClaims(userId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'http://127.0.0.1:54321/auth/v1',
    aud: 'authenticated',
    exp: now + 3600,
    iat: now,
    sub: userId,
    email: `${userId.slice(0, 8)}@example.com`,
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: now }],
    session_id: randomUUID(),
    is_anonymous: false,
    ...overrides,
  };
}

/** The custom access token hook's input, as Supabase Auth sends it. */
export function hookEvent(
  userId: string,
  claims: Record<string, unknown> = baseClaims(userId),
  authenticationMethod = 'password',
): Record<string, unknown> {
  return { user_id: userId, claims, authentication_method: authenticationMethod };
}

/** A token whose payload was changed after signing (the signature no longer matches). */
export function tamper(token: string, change: (claims: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${part(change(claims))}.${signature}`;
}
