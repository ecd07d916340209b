import { z } from 'zod';

/** Development-only signing key: anyone who reads this file can forge tokens for a server that uses it. */
export const DEV_JWT_SECRET = 'dev-only-secret-of-the-express-example-do-not-deploy';

/** The settings the app reads from the environment. */
export interface AppConfig {
  /** HS256 key for the tokens the app signs and verifies (at least 32 bytes). */
  readonly jwtSecret: string;
  /** Whether `jwtSecret` is the development default (the server warns). */
  readonly usingDevSecret: boolean;
  /** Tenants are `<slug>.<baseDomain>`: `acme.localhost`. */
  readonly baseDomain: string;
  /** Users whose sign-in on the bare domain yields a platform admin token. */
  readonly platformAdminEmails: readonly string[];
  /** Lifetime of signed tokens, in seconds. */
  readonly tokenTtlSec: number;
}

const envSchema = z.object({
  JWT_SECRET: z
    .string()
    .refine((s) => new TextEncoder().encode(s).length >= 32, 'must be at least 32 bytes')
    .optional(),
  BASE_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'must be a lowercase host name')
    .default('localhost'),
  PLATFORM_ADMIN_EMAILS: z.string().default('ops@platform.test'),
  TOKEN_TTL_SEC: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(12 * 3600),
});

/**
 * Reads the app's settings from `env`. A bad value stops the start with the variable's name, never its value (it may
 * be the secret).
 */
export function loadAppConfig(env: NodeJS.ProcessEnv): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}.`);
  }
  const e = parsed.data;
  return {
    jwtSecret: e.JWT_SECRET ?? DEV_JWT_SECRET,
    usingDevSecret: e.JWT_SECRET === undefined,
    baseDomain: e.BASE_DOMAIN,
    platformAdminEmails: e.PLATFORM_ADMIN_EMAILS.split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== ''),
    tokenTtlSec: e.TOKEN_TTL_SEC,
  };
}
