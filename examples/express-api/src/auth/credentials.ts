import type { PlatformConfig } from '@tenancy/postgres';
import { withPlatformTransaction } from '@tenancy/postgres';
import type postgres from 'postgres';

/** A user who can sign in: their id and stored password hash. */
export interface StoredCredentials {
  readonly userId: string;
  readonly email: string;
  readonly passwordHash: string | undefined;
}

// Credentials are read before any tenant is known (sign-in, sign-up, accepting an invitation), so they go through
// the platform path: one short transaction as the platform role, the only role the credentials table admits.

/** The user with `email` and their password hash (undefined when they never set one), or undefined. */
export async function findCredentials(
  sql: postgres.Sql,
  config: PlatformConfig,
  email: string,
): Promise<StoredCredentials | undefined> {
  const s = sql(config.helperSchema);
  const [row] = await withPlatformTransaction(
    sql,
    config,
    { readOnly: true },
    (tx) =>
      tx<Array<{ id: string; email: string; password_hash: string | null }>>`
      select u.id, u.email, c.password_hash
      from ${s}.users u left join public.credentials c on c.user_id = u.id
      where u.email = ${email}`,
  );
  if (row === undefined) return undefined;
  return { userId: row.id, email: row.email, passwordHash: row.password_hash ?? undefined };
}

/**
 * Stores the first password of a user. A user who already has one keeps it (`false`): a password is changed by a
 * signed-in user, never by whoever signs up or accepts an invitation with that e-mail address first.
 */
export async function setInitialPassword(
  sql: postgres.Sql,
  config: PlatformConfig,
  userId: string,
  passwordHash: string,
): Promise<boolean> {
  const rows = await withPlatformTransaction(
    sql,
    config,
    { actorId: userId },
    (tx) =>
      tx`insert into public.credentials (user_id, password_hash) values (${userId}, ${passwordHash})
      on conflict (user_id) do nothing returning user_id`,
  );
  return rows.length === 1;
}

/** Creates a user with a password (the platform admins of the demo, who belong to no tenant). */
export async function createUserWithPassword(
  sql: postgres.Sql,
  config: PlatformConfig,
  user: { email: string; displayName: string },
  passwordHash: string,
): Promise<string> {
  const s = sql(config.helperSchema);
  return withPlatformTransaction(sql, config, {}, async (tx) => {
    const [row] = await tx<Array<{ id: string }>>`
      insert into ${s}.users (email, display_name) values (${user.email}, ${user.displayName})
      on conflict (email) do update set display_name = excluded.display_name
      returning id`;
    if (row === undefined) throw new Error('createUserWithPassword: the insert returned no row.');
    await tx`insert into public.credentials (user_id, password_hash) values (${row.id}, ${passwordHash})
      on conflict (user_id) do update set password_hash = excluded.password_hash, updated_at = now()`;
    return row.id;
  });
}
