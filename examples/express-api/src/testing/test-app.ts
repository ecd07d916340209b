// Test support (not a test): the example on a fresh test database with role names of its own, seeded like the
// server seeds it, listening on an ephemeral port; and a small HTTP client that can send any Host header.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import { resolveConfig } from '@tenancy/postgres';
import type { TestDatabase } from '@tenancy/postgres/testing';
import { createTestDatabase, withDatabase } from '@tenancy/postgres/testing';
import postgres from 'postgres';
import tenancyConfigInput from '../../tenancy.config.js';
import { createApp } from '../app.js';
import { loadAppConfig } from '../app-config.js';
import { applySchema } from '../database/apply-schema.js';
import type { LoginRole } from '../database/login-role.js';
import { ensureLoginRole } from '../database/login-role.js';
import type { DemoData } from '../seed.js';
import { seedDemo } from '../seed.js';
import type { AppServices } from '../services.js';
import { createAppServices } from '../services.js';
import type { DemoTokens } from '../try-it.js';

/** The secret the test app signs with; tests sign hostile tokens with it (or with another one). */
export const TEST_JWT_SECRET = 'test-secret-of-the-express-example-32+bytes';

/** A response as the tests look at it. */
export interface TestResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field with exact values.
  readonly body: any;
}

/** Options of one request. */
export interface RequestOptions {
  method?: string | undefined;
  /** Bearer token. */
  token?: string | undefined;
  /** A JSON value, or a raw string sent as it is (with content-type application/json). */
  body?: unknown;
  rawBody?: string | undefined;
  headers?: Record<string, string> | undefined;
}

/** The example running on its own test database. */
export interface TestApp {
  readonly db: TestDatabase;
  readonly tenancyConfig: ResolvedTenancyConfig;
  readonly login: LoginRole;
  readonly services: AppServices;
  readonly demo: DemoData;
  readonly tokens: DemoTokens;
  readonly port: number;
  /** Every error the app answered with a 500: the suites assert it stays empty. */
  readonly serverErrors: unknown[];
  /** Sends a request with `Host: <host>` (e.g. `acme.localhost`) to the app. */
  request(host: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

/** Sends one HTTP request to 127.0.0.1:`port` with the given Host header. */
export function sendRequest(
  port: number,
  host: string,
  path: string,
  options: RequestOptions = {},
): Promise<TestResponse> {
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { host, ...options.headers };
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const contentType = res.headers['content-type'];
          let body: unknown;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, contentType, text, body });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Builds the config of one test database: the example's config with role names of its own. */
export function testTenancyConfig(suffix: string): ResolvedTenancyConfig {
  return resolveConfig({
    ...tenancyConfigInput,
    roles: { app: `example_app_${suffix}`, platform: `example_platform_${suffix}` },
  });
}

/** Starts the example on a fresh database: schema, RLS, login role, demo seed, an ephemeral port. */
export async function startTestApp(): Promise<TestApp> {
  const db = await createTestDatabase();
  const tenancyConfig = testTenancyConfig(db.suffix);
  await applySchema(db.sql, tenancyConfig);
  const login = await ensureLoginRole(db.sql, db.url, tenancyConfig);
  const tenantSql = postgres(login.url, { max: 4, onnotice: () => {} });
  const platformSql = postgres(login.url, { max: 2, onnotice: () => {} });
  const config = loadAppConfig({ JWT_SECRET: TEST_JWT_SECRET });
  const services = await createAppServices({ tenantSql, platformSql, tenancyConfig, config });
  const demo = await seedDemo(services);
  const serverErrors: unknown[] = [];
  const app = createApp(services, { onError: (error) => serverErrors.push(error) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const { ada, vic, grace, ops } = demo.users;
  const { acme, globex } = demo.tenants;
  const tokens: DemoTokens = {
    ADA: await services.tokens.sign({ userId: ada.id, email: ada.email, tenantId: acme.id }),
    VIC: await services.tokens.sign({ userId: vic.id, email: vic.email, tenantId: acme.id }),
    GRACE: await services.tokens.sign({ userId: grace.id, email: grace.email, tenantId: globex.id }),
    OPS: await services.tokens.sign({ userId: ops.id, email: ops.email, platformAdmin: true }),
  };
  return {
    db,
    tenancyConfig,
    login,
    services,
    demo,
    tokens,
    port,
    serverErrors,
    request: (host, path, options) => sendRequest(port, host, path, options),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      await Promise.all([tenantSql.end({ timeout: 5 }), platformSql.end({ timeout: 5 })]);
      await db.drop();
      await dropRoles(db.url, [login.name, tenancyConfig.roles.app, tenancyConfig.roles.platform]);
    },
  };
}

/** Drops cluster-wide roles a test created, once the database that used them is gone. */
export async function dropRoles(url: string, roles: readonly string[]): Promise<void> {
  const admin = postgres(withDatabase(url, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    for (const role of roles) await admin.unsafe(`drop role if exists "${role.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
}
