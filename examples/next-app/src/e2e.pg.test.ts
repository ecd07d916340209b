// End to end: builds the example once with `next build`, starts it with `next start` on an ephemeral port against a
// fresh database, and drives it in a real headless Chromium (Debian's, through playwright-core): sign-in, the tenant
// switcher, members, branding and the platform admin page. Screenshots go to examples/next-app/test-results/.
// Slow (a production build on a small machine): one build per run, in beforeAll.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from '@tenancy/postgres/testing';
import { createTestDatabase, withDatabase } from '@tenancy/postgres/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleConfig } from './lib/config';
import { DEMO_PASSWORD, DEMO_TENANTS, DEMO_USERS } from './lib/demo-data';
import { ensureLoginRole } from './lib/login-role';
import { seedDemo } from './lib/seed';
import { setupDatabase } from './lib/setup-database';

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google services, which this closed network
// refuses, and page loads stall behind them.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const appDir = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const [ACME, GLOBEX] = DEMO_TENANTS;
const { ada, bob, carol, ops } = DEMO_USERS;

let db: TestDatabase | undefined;
// Roles are cluster-wide: the ones this file creates are dropped after its database.
let roles: string[] = [];
let server: ChildProcess | undefined;
let serverOutput = '';
let browser: Browser | undefined;
let port = 0;
const contexts: BrowserContext[] = [];
const timings: string[] = [];

const tenantUrl = (slug: string, path = '/') => `http://${slug}.localhost:${port}${path}`;
const platformUrl = (path = '/') => `http://localhost:${port}${path}`;

function assertPrerequisites(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}. This end-to-end test drives a real browser and does not skip without one: ` +
        'run scripts/install-chromium.sh (as root) and run the test again.',
    );
  }
  // The app imports @tenancy/* as a user would, through the workspace links into packages/*/dist.
  for (const name of ['core', 'next', 'postgres']) {
    if (!existsSync(new URL(`../../../packages/${name}/dist/index.js`, import.meta.url))) {
      throw new Error(`packages/${name}/dist is missing: run \`pnpm build\` at the repository root first.`);
    }
  }
}

function runNext(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
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
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** A plain HTTP request to the server with the Host header of a tenant (Node does not resolve *.localhost). */
function get(host: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; location: string | undefined; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { ...headers, host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitForServer(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await get(`localhost:${port}`, '/sign-in')).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || server?.exitCode !== null) {
      throw new Error(`next start did not come up:\n${serverOutput}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function newPage(): Promise<Page> {
  if (browser === undefined) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  contexts.push(context);
  return context.newPage();
}

async function signIn(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/sign-in'), page.click('form button[type=submit]')]);
}

const projectNames = (page: Page) => page.locator('[data-testid=project]').allTextContents();
const topbarColor = (page: Page) =>
  page.locator('[data-testid=topbar]').evaluate((element) => getComputedStyle(element).backgroundColor);
const shot = (page: Page, name: string) => page.screenshot({ path: `${resultsDir}${name}.png`, fullPage: true });

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    timings.push(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

beforeAll(async () => {
  assertPrerequisites();
  mkdirSync(resultsDir, { recursive: true });
  const testDb = await createTestDatabase();
  db = testDb;
  const testConfig = exampleConfig({
    app: `tenancy_app_${testDb.suffix}`,
    platform: `tenancy_platform_${testDb.suffix}`,
  });
  roles = [testConfig.roles.app, testConfig.roles.platform];
  await setupDatabase(testDb.sql, testConfig);
  await seedDemo(testDb.sql, testConfig);
  // The server logs in as a plain LOGIN role, as `pnpm start` runs it: anything that escaped RLS would show here.
  const login = await ensureLoginRole(testDb.sql, testDb.url, testConfig);
  roles = [login.name, ...roles];

  // The build gets no database and no secret: it must not need them (the app connects on first request).
  const buildEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  delete buildEnv['DATABASE_URL'];
  delete buildEnv['SESSION_SECRET'];
  await timed('next build', () => runNext(['build'], buildEnv));

  port = await freePort();
  // `-H localhost`: Next serves the proxy's rewrites itself only on the origin it listens on (see scripts/start.ts).
  server = spawn(process.execPath, [nextBin, 'start', '-H', 'localhost', '-p', String(port)], {
    cwd: appDir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: login.url,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      APP_URL: `http://localhost:${port}`,
      TENANCY_APP_ROLE: testConfig.roles.app,
      TENANCY_PLATFORM_ROLE: testConfig.roles.platform,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (chunk) => {
    serverOutput += chunk;
  });
  server.stderr?.on('data', (chunk) => {
    serverOutput += chunk;
  });
  await timed('next start', waitForServer);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 600_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (db !== undefined) {
    await db.drop();
    const admin = postgres(withDatabase(db.url, 'postgres'), { max: 1, onnotice: () => {} });
    try {
      for (const role of roles) await admin.unsafe(`drop role if exists "${role}"`);
    } finally {
      await admin.end();
    }
  }
  if (timings.length > 0) console.log(`next-app e2e timings: ${timings.join(', ')}`);
}, 60_000);

describe('examples/next-app in a real browser', () => {
  // One signed-in browser for Ada, carried through the first tests like a user's session.
  let ada$: Page;

  it('signs Ada in on acme and shows exactly Acme’s projects', async () => {
    ada$ = await newPage();
    await timed('sign-in', () => signIn(ada$, tenantUrl('acme', '/sign-in'), ada.email));
    expect(new URL(ada$.url()).host).toBe(`acme.localhost:${port}`);
    await expect(ada$.locator('[data-testid=tenant-name]').textContent()).resolves.toBe(ACME.name);
    expect(await projectNames(ada$)).toEqual([...ACME.projects]);
    // textContent, not innerText: it also covers the RSC payload in the page's scripts, where data could hide.
    const text = (await ada$.locator('body').textContent()) ?? '';
    for (const name of GLOBEX.projects) expect(text).not.toContain(name);
    await shot(ada$, '01-acme-dashboard');
  });

  it('switches Ada to globex with the switcher and shows exactly Globex’s projects, none of Acme’s', async () => {
    await timed('switch', async () => {
      await Promise.all([
        ada$.waitForURL((u) => u.host === `globex.localhost:${port}` && u.pathname === '/'),
        ada$.click('[data-testid=tenant-switcher] a:has-text("Globex")'),
      ]);
    });
    await expect(ada$.locator('[data-testid=tenant-name]').textContent()).resolves.toBe(GLOBEX.name);
    expect(await projectNames(ada$)).toEqual([...GLOBEX.projects]);
    // textContent, not innerText: it also covers the RSC payload in the page's scripts, where data could hide.
    const text = (await ada$.locator('body').textContent()) ?? '';
    for (const name of ACME.projects) expect(text).not.toContain(name);
    await expect(ada$.locator('[data-testid=tenant-switcher] [aria-current=page]').textContent()).resolves.toBe(
      GLOBEX.name,
    );
    await shot(ada$, '02-globex-dashboard');

    // Each subdomain has its own host-only, httpOnly session cookie; the hand-off token is not kept anywhere.
    const cookies = await ada$.context().cookies();
    expect(
      cookies.map((c) => ({ name: c.name, domain: c.domain, httpOnly: c.httpOnly, sameSite: c.sameSite })),
    ).toEqual(
      expect.arrayContaining([
        { name: 'session', domain: 'acme.localhost', httpOnly: true, sameSite: 'Lax' },
        { name: 'session', domain: 'globex.localhost', httpOnly: true, sameSite: 'Lax' },
      ]),
    );
    expect(cookies).toHaveLength(2);
  });

  it('keeps Acme on its own subdomain after the switch', async () => {
    await ada$.goto(tenantUrl('acme'));
    expect(await projectNames(ada$)).toEqual([...ACME.projects]);
  });

  it('adds a project to the current tenant only', async () => {
    await ada$.goto(tenantUrl('globex'));
    await ada$.fill('input[name=name]', 'Ada’s globex project');
    await ada$.click('form button:has-text("Add")');
    await expect
      .poll(() => projectNames(ada$))
      .toEqual([...GLOBEX.projects, 'Ada’s globex project'].sort((a, b) => a.localeCompare(b)));
    await ada$.goto(tenantUrl('acme'));
    expect(await projectNames(ada$)).toEqual([...ACME.projects]);
  });

  it('lists the members and roles of the current tenant only', async () => {
    await ada$.goto(tenantUrl('acme', '/members'));
    const rows = async () =>
      ada$
        .locator('[data-testid=member]')
        .evaluateAll((trs) =>
          trs.map((tr) => [
            tr.querySelector('[data-testid=member-email]')?.textContent ?? '',
            tr.querySelector('select')?.value ?? tr.querySelector('[data-testid=member-roles]')?.textContent ?? '',
          ]),
        );
    // Ada owns Acme, so she sees role pickers; Carol is a viewer there.
    expect(await rows()).toEqual([
      [ada.email, 'owner'],
      [carol.email, 'viewer'],
    ]);
    await expect(ada$.locator('[data-testid=roles] tbody tr').count()).resolves.toBe(4);
    await shot(ada$, '03-acme-members');
    await ada$.goto(tenantUrl('globex', '/members'));
    // A plain member of Globex: the list, without role pickers.
    expect(await rows()).toEqual([
      [ada.email, 'member'],
      [bob.email, 'owner'],
    ]);
  });

  it('changes a member’s role through the lifecycle, and keeps the last owner', async () => {
    await ada$.goto(tenantUrl('acme', '/members'));
    const carolRow = ada$.locator('[data-testid=member]', { hasText: carol.email });
    await carolRow.locator('select').selectOption('member');
    await carolRow.locator('button:has-text("Change")').click();
    await ada$.waitForLoadState('networkidle');
    await ada$.reload();
    await expect(carolRow.locator('select').inputValue()).resolves.toBe('member');

    const adaRow = ada$.locator('[data-testid=member]', { hasText: ada.email });
    await adaRow.locator('select').selectOption('viewer');
    await adaRow.locator('button:has-text("Change")').click();
    await expect(adaRow.locator('[role=alert]').textContent()).resolves.toBe('A tenant keeps at least one owner.');
    await ada$.reload();
    await expect(adaRow.locator('select').inputValue()).resolves.toBe('owner');
  });

  it('applies the branding colour from the settings page to the tenant’s pages, and to no other tenant', async () => {
    await ada$.goto(tenantUrl('acme', '/settings'));
    expect(await topbarColor(ada$)).toBe('rgb(29, 78, 216)'); // ACME.primaryColor, #1d4ed8
    await ada$.fill('input[name=primaryColor]', '#d9480f');
    await ada$.click('form button:has-text("Save")');
    await expect(ada$.locator('form [role=status]').textContent()).resolves.toBe('Saved.');
    await expect.poll(() => topbarColor(ada$)).toBe('rgb(217, 72, 15)');
    await shot(ada$, '04-acme-settings');
    await ada$.goto(tenantUrl('acme'));
    expect(await topbarColor(ada$)).toBe('rgb(217, 72, 15)');
    await ada$.goto(tenantUrl('globex', '/settings'));
    expect(await topbarColor(ada$)).toBe('rgb(21, 128, 61)'); // GLOBEX.primaryColor, #15803d
    // Ada is only a member of Globex: no form, the colour is shown read-only.
    await expect(ada$.locator('input[name=primaryColor]').count()).resolves.toBe(0);
    await expect(ada$.locator('[data-testid=primary-color]').textContent()).resolves.toBe(GLOBEX.primaryColor);
  });

  it('sends a member of another tenant to the no-access page (403) with none of the tenant’s data', async () => {
    const page = await newPage();
    await signIn(page, tenantUrl('acme', '/sign-in'), bob.email);
    await expect(page.locator('[data-testid=no-access]').count()).resolves.toBe(1);
    const response = await page.goto(tenantUrl('acme'));
    expect(response?.status()).toBe(403);
    // textContent, not innerText: it also covers the RSC payload in the page's scripts, where data could hide.
    const text = (await page.locator('body').textContent()) ?? '';
    for (const name of ACME.projects) expect(text).not.toContain(name);
    await shot(page, '05-no-access');
  });

  it('shows the platform admin every tenant through the audited platform path', async () => {
    const page = await newPage();
    await signIn(page, platformUrl('/sign-in'), ops.email);
    await page.click('a:has-text("Platform admin")');
    await page.waitForSelector('[data-testid=admin-tenants]');
    expect(await page.locator('[data-testid=admin-tenant-slug]').allTextContents()).toEqual(['acme', 'globex']);
    await shot(page, '06-platform-admin');
    // asPlatform() hands the access to the audit sink, which writes it to tenancy.platform_audit_log.
    const sql = db?.sql;
    if (sql === undefined) throw new Error('no database');
    await expect
      .poll(async () =>
        (
          await sql<Array<{ action: string; reason: string }>>`
            select action, data->>'reason' as reason from tenancy.platform_audit_log where actor_id = ${ops.id}`
        ).map((row) => ({ ...row })),
      )
      .toEqual([{ action: 'platform.access', reason: 'Platform admin page: tenant overview' }]);
  });

  it('refuses the platform admin page to a user who is not a platform admin', async () => {
    const page = await newPage();
    await signIn(page, platformUrl('/sign-in'), ada.email);
    // Her home on the platform host lists her two tenants and no admin link.
    expect(await page.locator('[data-testid=my-tenants] a').allTextContents()).toEqual([ACME.name, GLOBEX.name]);
    await expect(page.locator('a:has-text("Platform admin")').count()).resolves.toBe(0);
    await page.goto(platformUrl('/admin'));
    await expect(page.locator('[data-testid=admin-refused] h1').textContent()).resolves.toBe('Platform admins only');
    await expect(page.locator('[data-testid=admin-tenants]').count()).resolves.toBe(0);
    await shot(page, '07-admin-refused');
  });

  it('rejects a wrong password with one message that does not say whether the account exists', async () => {
    const page = await newPage();
    for (const email of [ada.email, 'nobody@example.test']) {
      await page.goto(tenantUrl('acme', '/sign-in'));
      await page.fill('input[name=email]', email);
      await page.fill('input[name=password]', 'not-the-password');
      await page.click('form button[type=submit]');
      await expect(page.locator('form [role=alert]').textContent()).resolves.toBe('Wrong e-mail address or password.');
    }
    expect((await page.context().cookies()).filter((c) => c.name === 'session')).toEqual([]);
  });

  it('answers requests without a session, or with forged proxy headers, with no tenant data', async () => {
    const anonymous = await get(`acme.localhost:${port}`, '/');
    expect(anonymous.status).toBe(307);
    expect(anonymous.location).toBe('/sign-in');
    // CVE-2025-29927: a client-sent x-middleware-subrequest must not skip the proxy into tenant data, and a forged
    // x-tenancy-tenant must not select a tenant.
    const spoof = {
      'x-middleware-subrequest': 'proxy:proxy:proxy:proxy:proxy',
      'x-tenancy-tenant': ACME.id,
    };
    for (const [host, path] of [
      [`acme.localhost:${port}`, '/'],
      [`localhost:${port}`, '/t/acme'],
      [`localhost:${port}`, '/t/acme/members'],
    ] as const) {
      const response = await get(host, path, spoof);
      for (const name of ACME.projects) expect(response.body, `${host}${path}`).not.toContain(name);
      expect(response.body, `${host}${path}`).not.toContain(carol.email);
    }
    const unknown = await get(`nope.localhost:${port}`, '/');
    expect(unknown.status).toBe(404);
  });
});
