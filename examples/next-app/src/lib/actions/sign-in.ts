'use server';

import { cookies } from 'next/headers';
import { z } from 'zod';
import { findCredentials } from '../credentials';
import { appEnv } from '../env';
import { rejectWithoutHash, verifyPassword } from '../passwords';
import { SESSION_COOKIE, sessionCookieOptions, signSession } from '../session';

/** What the sign-in form shows after a failed attempt. */
export interface SignInState {
  readonly error?: string | undefined;
  readonly email?: string | undefined;
  /** Set once the session cookie is set: the form then loads this host's home page. */
  readonly signedIn?: boolean | undefined;
}

// A request body is a trust boundary. E-mail addresses are stored lowercased (the foundation's check constraint).
const signInSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  password: z.string().min(1).max(1024),
});

/**
 * Checks the e-mail address and password, then sets the session cookie (an HS256 JWT core's identity verifies) for
 * this host only. No `redirect()` here: Next renders a server action's redirect target inside the same request,
 * without the proxy, so `/` would be the platform's page even on a tenant's subdomain. The form loads it instead.
 */
export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const parsed = signInSchema.safeParse({ email: form.get('email'), password: form.get('password') });
  const email = typeof form.get('email') === 'string' ? String(form.get('email')).slice(0, 254) : '';
  if (!parsed.success) return { error: 'Enter your e-mail address and your password.', email };
  const stored = await findCredentials(parsed.data.email);
  const valid =
    stored === undefined
      ? await rejectWithoutHash(parsed.data.password)
      : await verifyPassword(parsed.data.password, stored.passwordHash);
  // One message for both cases: the form must not tell which addresses have an account.
  if (!valid || stored === undefined) return { error: 'Wrong e-mail address or password.', email };
  const env = appEnv();
  const token = await signSession(env.sessionSecret, { userId: stored.userId, platformAdmin: stored.platformAdmin });
  (await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(env.secure));
  return { signedIn: true };
}
