// Test support: Supabase sessions as @supabase/ssr keeps them in cookies (`sb-<project ref>-auth-token`, value
// `base64-` + base64url(JSON)), and the Auth API answers a refresh with.

/** A session as Supabase Auth returns it and @supabase/ssr stores it. */
export interface TestSession {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: {
    id: string;
    aud: string;
    role: string;
    app_metadata: Record<string, unknown>;
    user_metadata: object;
    created_at: string;
  };
}

/** A session for `userId` around `accessToken`, expiring `expiresIn` seconds from now (negative: already expired). */
export function sessionFor(userId: string, accessToken: string, refreshToken: string, expiresIn = 3600): TestSession {
  return {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: expiresIn,
    expires_at: Math.floor(Date.now() / 1000) + expiresIn,
    refresh_token: refreshToken,
    user: {
      id: userId,
      aud: 'authenticated',
      role: 'authenticated',
      app_metadata: { provider: 'email' },
      user_metadata: {},
      created_at: '2025-01-01T00:00:00Z',
    },
  };
}

/** The cookie @supabase/ssr reads the session from, for a project served at `supabaseUrl`. */
export function sessionCookie(supabaseUrl: string, session: TestSession): { name: string; value: string } {
  const ref = new URL(supabaseUrl).hostname.split('.')[0];
  return {
    name: `sb-${ref}-auth-token`,
    value: `base64-${Buffer.from(JSON.stringify(session)).toString('base64url')}`,
  };
}

/** Cookie methods over an in-memory jar, recording what `setAll` wrote (what Next would send as Set-Cookie). */
export function cookieJar(initial: Array<{ name: string; value: string }>) {
  const jar = new Map(initial.map((c) => [c.name, c.value]));
  const written: Array<{ name: string; value: string }> = [];
  return {
    written,
    value: (name: string) => jar.get(name),
    methods: {
      getAll: () => [...jar].map(([name, value]) => ({ name, value })),
      setAll: (cookies: Array<{ name: string; value: string; options: object }>) => {
        for (const c of cookies) {
          written.push({ name: c.name, value: c.value });
          if (c.value === '') jar.delete(c.name);
          else jar.set(c.name, c.value);
        }
      },
    },
  };
}
