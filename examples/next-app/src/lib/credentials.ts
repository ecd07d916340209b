import { withPlatformTransaction } from '@tenancy/postgres';
import { config } from './config';
import { services } from './services';

/** A user's stored sign-in data. */
export interface StoredCredentials {
  readonly userId: string;
  readonly passwordHash: string;
  readonly platformAdmin: boolean;
}

/**
 * Finds a user's credentials by e-mail address (lowercased), through the platform role: sign-in happens before any
 * tenant is known, and the app role has no access to `credentials` at all.
 * @example
 * const stored = await findCredentials('ada@example.test');
 */
export async function findCredentials(email: string): Promise<StoredCredentials | undefined> {
  return withPlatformTransaction(services().platformSql, config, { readOnly: true }, async (tx) => {
    const rows = await tx<Array<{ user_id: string; password_hash: string; platform_admin: boolean }>>`
      select c.user_id, c.password_hash, c.platform_admin
      from ${tx(config.helperSchema)}.users u join public.credentials c on c.user_id = u.id
      where u.email = ${email}`;
    const row = rows[0];
    return row === undefined
      ? undefined
      : { userId: row.user_id, passwordHash: row.password_hash, platformAdmin: row.platform_admin };
  });
}
