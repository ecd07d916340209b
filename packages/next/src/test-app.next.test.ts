// Builds packages/next/test-app with a real `next build`, starts it with `next start` on an ephemeral port and hits it
// with real HTTP requests. Slow (a production build): one build per run, in beforeAll.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANTS, TOKEN_SECRET } from '../test-app/lib/fixtures.js';

const appDir = fileURLToPath(new URL('../test-app/', import.meta.url));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };

const [ACME, GLOBEX] = TENANTS as [(typeof TENANTS)[0], (typeof TENANTS)[0]];
let server: ChildProcess | undefined;
let port = 0;
const dispatcher = new Agent({
  connect: { lookup: (_host, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]) },
});

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, ...args], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`next ${args[0]} failed:\n${output}`)),
    );
  });
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function start(): Promise<void> {
  port = await freePort();
  // `-H localhost`, not 127.0.0.1: Next 16 builds the proxy's `request.url` on "localhost" whatever -H says, and
  // serves a rewrite itself only when it stays on the origin it listens on; with -H 127.0.0.1 every rewrite would
  // be proxied as an external request.
  server = spawn(process.execPath, [nextBin, 'start', '-H', 'localhost', '-p', String(port)], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { dispatcher });
      return;
    } catch {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`next start did not come up:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function get(host: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`http://${host}:${port}${path}`, { headers, dispatcher, redirect: 'manual' });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

const bearer = async (user: string) => {
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(TOKEN_SECRET));
  return { authorization: `Bearer ${token}` };
};

beforeAll(async () => {
  await run(['build']);
  await start();
}, 300_000);

afterAll(async () => {
  await dispatcher.close();
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
});

describe('a Next 16 app built and started with @tenancy/next', () => {
  it('resolves the tenant from the subdomain in the proxy, the server component and the client component', async () => {
    const page = await get('acme.example.test', '/', await bearer('alice'));
    expect(page.status).toBe(200);
    expect(page.text).toContain(
      '{&quot;tenant&quot;:&quot;acme&quot;,&quot;user&quot;:&quot;alice&quot;,&quot;secret&quot;:&quot;secret-of-acme&quot;}',
    );
    expect(page.text).toContain('client:<!-- -->acme<!-- -->:<!-- -->1');
  });

  it('runs a route handler in the tenant context, after an await', async () => {
    const response = await get('acme.example.test', '/api/projects', await bearer('alice'));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ tenantId: ACME.id, slug: 'acme' });
    const bob = await get('globex.example.test', '/api/projects', await bearer('bob'));
    expect(JSON.parse(bob.text)).toEqual({ tenantId: GLOBEX.id, slug: 'globex' });
  });

  it('answers a route handler without a token with a 401 problem', async () => {
    const response = await get('acme.example.test', '/api/projects');
    expect(response.status).toBe(401);
    expect(response.type).toBe('application/problem+json');
    expect(JSON.parse(response.text)).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('answers an unknown tenant with a 404 problem', async () => {
    const response = await get('nope.example.test', '/', await bearer('alice'));
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'TENANT_NOT_FOUND', status: 404 });
  });

  it('ignores an injected x-tenancy-tenant header: no tenant data without a resolved membership', async () => {
    const anonymous = await get('acme.example.test', '/', { 'x-tenancy-tenant': ACME.id });
    expect(anonymous.text).toContain('refused:<!-- -->TENANT_REQUIRED');
    expect(anonymous.text).not.toContain('secret-of-acme');
    // The platform host names no tenant: the proxy strips the header and the page re-resolves to none.
    const direct = await get('example.test', '/t/acme', { ...(await bearer('alice')), 'x-tenancy-tenant': ACME.id });
    expect(direct.text).toContain('refused:<!-- -->TENANT_REQUIRED');
    expect(direct.text).not.toContain('secret-of-acme');
  });

  it('gives no tenant data to a request carrying x-middleware-subrequest (CVE-2025-29927)', async () => {
    const spoof = {
      'x-middleware-subrequest': 'proxy:proxy:proxy:proxy:proxy:middleware:middleware:middleware:middleware:middleware',
      'x-tenancy-tenant': ACME.id,
    };
    for (const [host, path, headers] of [
      ['acme.example.test', '/', spoof],
      ['example.test', '/t/acme', spoof],
      ['acme.example.test', '/t/acme', { ...spoof, ...(await bearer('bob')) }],
      ['acme.example.test', '/api/projects', spoof],
    ] as const) {
      const response = await get(host, path, headers);
      expect(response.text, `${host}${path}`).not.toContain('secret-of-acme');
      expect(response.text, `${host}${path}`).not.toContain(ACME.id);
    }
  });
});
