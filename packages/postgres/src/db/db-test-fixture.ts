// Test support for the wrapper's *.pg.test.ts files (not exported): the example schema secured by the generator
// with role names unique to one test database, an unprivileged login role, and Drizzle tables for it.

import { createServer, connect as tcpConnect } from 'node:net';
import { sql } from 'drizzle-orm';
import { boolean, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import type { ResolvedTenancyConfig } from '../config/index.js';
import { resolveConfig } from '../config/index.js';
import { exampleConfigInput, exampleSchemaSql } from '../generate/example-fixture.js';
import { generateSql } from '../generate/index.js';
import type { TestDatabase } from '../testing/create-test-database.js';
import { OPENING_MARKER } from './wire-shim.js';

export const plans = pgTable('plans', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  maxProjects: integer('max_projects').notNull(),
});

// The generated SQL defaults the tenant column from the setting; declaring the same default lets inserts omit it.
const tenantId = () => uuid('tenant_id').notNull().default(sql`(tenancy.tenant_id())`);

export const projects = pgTable(
  'projects',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const tasks = pgTable(
  'tasks',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull(),
    projectId: uuid('project_id').notNull(),
    title: text('title').notNull(),
    done: boolean('done').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const schema = { plans, projects, tasks };

/** Tenant ids used across the wrapper tests (uuids, as the default config expects). */
export const tenantIds = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`);

/** The secured example schema in `db`, and how to connect to it as the app would. */
export interface TenantFixture {
  readonly config: ResolvedTenancyConfig;
  /** An unprivileged LOGIN role granted the app and platform roles, as the docs tell users to set up. */
  readonly login: string;
  /** `db.url` with the login role as user. */
  readonly loginUrl: string;
  /** Opens a postgres.js client as the login role (on `url`, e.g. a proxy's, if given); closed by `cleanup()`. */
  client(options?: postgres.Options<Record<string, postgres.PostgresType>>, url?: string): postgres.Sql;
  /** Closes the clients and drops the roles (roles outlive databases). */
  cleanup(): Promise<void>;
}

/** Applies the example schema and the generated SQL (with this database's role names) and creates a login role. */
export async function setupTenantFixture(db: TestDatabase): Promise<TenantFixture> {
  const config = resolveConfig({
    ...exampleConfigInput,
    roles: { app: `tenancy_app_${db.suffix}`, platform: `tenancy_platform_${db.suffix}` },
  });
  const login = `tenancy_login_${db.suffix}`;
  await db.sql.unsafe(exampleSchemaSql);
  const script = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    await script.unsafe(generateSql(config));
  } finally {
    await script.end();
  }
  await db.sql.unsafe(
    `create role "${login}" login; grant "${config.roles.app}", "${config.roles.platform}" to "${login}";`,
  );
  const u = new URL(db.url);
  u.username = login;
  u.password = '';
  const loginUrl = u.toString();
  const clients: postgres.Sql[] = [];
  return {
    config,
    login,
    loginUrl,
    client(options = {}, url = loginUrl) {
      const c = postgres(url, { onnotice: () => {}, ...options });
      clients.push(c);
      return c;
    },
    async cleanup() {
      await Promise.all(clients.map((c) => c.end({ timeout: 5 })));
      for (const role of [login, config.roles.app, config.roles.platform]) {
        await db.sql.unsafe(`drop owned by "${role}"`);
        await db.sql.unsafe(`drop role if exists "${role}"`);
      }
    },
  };
}

/**
 * What every connection of `client`'s pool carries right now: reserves all of them at once (so each is a
 * different connection) and reads the tenant setting and the current role on each.
 */
export async function inspectPool(
  client: postgres.Sql,
  size: number,
): Promise<Array<{ pid: number; tenant: string | null; user: string | null; workspace: string | null; role: string }>> {
  const reserved = await Promise.all(Array.from({ length: size }, () => client.reserve()));
  try {
    return await Promise.all(
      reserved.map(async (r) => {
        const [row] = await r<
          [{ pid: number; tenant: string | null; user: string | null; workspace: string | null; role: string }]
        >`
          select pg_backend_pid() as pid,
                 nullif(current_setting('tenancy.tenant_id', true), '') as tenant,
                 nullif(current_setting('tenancy.user_id', true), '') as user,
                 nullif(current_setting('tenancy.workspace_id', true), '') as workspace,
                 current_user as role`;
        return { ...row! };
      }),
    );
  } finally {
    for (const r of reserved) r.release();
  }
}

/**
 * A postgres.js `debug` log as statement kinds: `acquire` (the empty statement a lane takes or gives back a
 * connection with), `begin` (a unit's prelude or its `begin`), `open` (the opening statement), `commit`, `rollback`,
 * or `query`. postgres.js's own type lookup when it connects is left out.
 */
export function statementKinds(statements: readonly string[]): string[] {
  return statements
    .filter((q) => !q.includes('pg_catalog.pg_type'))
    .map((q) =>
      q === ''
        ? 'acquire'
        : q.startsWith('begin')
          ? 'begin'
          : q.startsWith(OPENING_MARKER)
            ? 'open'
            : q === 'commit' || q === 'rollback'
              ? q
              : 'query',
    );
}

/**
 * What the next plain query on `client` finds on its connection: the tenant setting (`''` when unset), the role, and
 * whether a transaction is still open (now() is the transaction's start: equal in two statements only then).
 */
export async function connectionState(
  client: postgres.Sql,
): Promise<{ tenant: string; role: string; inTransaction: boolean }> {
  const [state] = await client<{ tenant: string | null; role: string; at: string }[]>`
    select current_setting('tenancy.tenant_id', true) as tenant, current_user as role, now()::text as at`;
  const [again] = await client<{ at: string }[]>`select now()::text as at`;
  return { tenant: state?.tenant ?? '', role: state?.role ?? '', inTransaction: again?.at === state?.at };
}

/** What the server was asked to run, read off the wire between a client and PostgreSQL (see `createWireLog`). */
export interface WireLog {
  /** Connect here instead of the target. */
  readonly url: string;
  /**
   * The statements run, as kinds (see `statementKinds`), grouped by the Sync (or simple Query) that ends them: the
   * statements of one group are one implicit transaction unless they begin one themselves.
   */
  groups(): string[][];
  /** `groups()` flattened, with the statements of a group not ended yet. */
  kinds(): string[];
  clear(): void;
  close(): Promise<void>;
}

/**
 * A proxy in front of `target` (a connection URL) that logs every statement the server is asked to run: a simple
 * Query's text, or for each Execute the text of the statement its Bind named. Unlike postgres.js's `debug` option it
 * also sees what the shim socket writes (wire-shim.ts).
 */
export async function createWireLog(target: string): Promise<WireLog> {
  const targetUrl = new URL(target);
  let done: string[][] = [];
  const open = new Set<string[]>();
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((client) => {
    const upstream = tcpConnect(Number(targetUrl.port || 5432), targetUrl.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const names = new Map<string, string>();
    let pending = Buffer.alloc(0);
    let started = false;
    let bound = '';
    const group: string[] = [];
    open.add(group);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      if (!started) {
        if (pending.length < 4) return;
        const length = pending.readUInt32BE(0);
        if (pending.length < length) return;
        pending = pending.subarray(length);
        started = true;
      }
      while (pending.length >= 5) {
        const end = 1 + pending.readUInt32BE(1);
        if (pending.length < end) break;
        const type = String.fromCharCode(pending[0] as number);
        const body = pending.subarray(5, end);
        if (type === 'P') {
          const nameEnd = body.indexOf(0);
          names.set(
            body.toString('utf8', 0, nameEnd),
            body.toString('utf8', nameEnd + 1, body.indexOf(0, nameEnd + 1)),
          );
        } else if (type === 'B') {
          const portalEnd = body.indexOf(0);
          bound = names.get(body.toString('utf8', portalEnd + 1, body.indexOf(0, portalEnd + 1))) ?? '?';
        } else if (type === 'E') {
          group.push(bound);
        } else if (type === 'Q') {
          done.push([...group, body.toString('utf8', 0, body.length - 1)]);
          group.length = 0;
        } else if (type === 'S') {
          if (group.length > 0) done.push([...group]);
          group.length = 0;
        }
        pending = pending.subarray(end);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const teardown = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      open.delete(group);
    };
    for (const s of [client, upstream]) {
      s.on('close', teardown);
      s.on('error', teardown);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as import('node:net').AddressInfo;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  const kindsOf = (texts: string[]) => statementKinds(texts);
  return {
    url: url.toString(),
    groups: () => done.map(kindsOf).filter((g) => g.length > 0),
    kinds: () => [...done, ...open].flatMap(kindsOf),
    clear: () => {
      done = [];
      for (const g of open) g.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
