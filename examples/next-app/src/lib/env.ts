import { z } from 'zod';

/** The example's runtime settings, from the environment. */
export interface AppEnv {
  /** Where PostgreSQL is; the app connects with this role (see the README about a dedicated login role). */
  readonly databaseUrl: string;
  /** Signs session cookies and tenant hand-off tokens (HS256): at least 32 bytes. */
  readonly sessionSecret: string;
  /** The platform's own address (`http://localhost:3000`); tenants live on subdomains of its host. */
  readonly appUrl: URL;
  /** `appUrl`'s host name: `acme.<baseDomain>` is tenant `acme`. */
  readonly baseDomain: string;
  /** Cookies get `Secure` when the app is served over https. */
  readonly secure: boolean;
}

// A trust boundary: a typo here should stop the server at its first request, naming the variable (never its value).
const envSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(?:ql)?:\/\//, 'must be a postgres:// URL'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
  APP_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
});

/**
 * Reads and checks the environment. Called on first use, not at import: `next build` imports every module and has
 * none of these set.
 * @example
 * const { appUrl } = appEnv();
 */
export function appEnv(): AppEnv {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new Error(`The next-app example is misconfigured: ${problems}. Start it with \`pnpm start\`.`);
  }
  const appUrl = new URL(parsed.data.APP_URL);
  return {
    databaseUrl: parsed.data.DATABASE_URL,
    sessionSecret: parsed.data.SESSION_SECRET,
    appUrl,
    baseDomain: appUrl.hostname,
    secure: appUrl.protocol === 'https:',
  };
}

/**
 * The address of a tenant's app: its slug as a subdomain of the platform's host, same scheme and port.
 * @example
 * tenantOrigin(new URL('http://localhost:3000'), 'acme'); // 'http://acme.localhost:3000'
 */
export function tenantOrigin(appUrl: URL, slug: string): string {
  const url = new URL(appUrl.origin);
  url.hostname = `${slug}.${appUrl.hostname}`;
  return url.origin;
}
