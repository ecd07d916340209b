// The API end to end over real HTTP: sign-up, sign-in, invitations, projects and tasks, roles, settings, the audit
// trail, and `tenancy check` on the database the app set up.
import { lintDatabase } from '@tenancy/postgres';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestResponse } from './testing/test-app.js';
import { startTestApp } from './testing/test-app.js';

let app: TestApp;
const ACME = 'acme.localhost';
const GLOBEX = 'globex.localhost';
const BARE = 'localhost';
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

function expectProblem(res: TestResponse, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
}

const signUp = (slug: string, email: string, password = PASSWORD) =>
  app.request(BARE, '/auth/sign-up', {
    method: 'POST',
    body: { tenant: { slug, name: `Tenant ${slug}` }, email, password, displayName: 'Someone' },
  });

describe('sign-up', () => {
  it('creates the tenant, its owner and default workspace, and returns a token that works there', async () => {
    const res = await signUp('initech', 'peter@initech.test');
    expect(res.status).toBe(201);
    expect(res.body.tenant).toMatchObject({ slug: 'initech', name: 'Tenant initech' });
    expect(res.body.workspace).toMatchObject({ slug: 'default', name: 'Default' });
    expect(res.body.user.email).toBe('peter@initech.test');
    const me = await app.request('initech.localhost', '/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { id: res.body.user.id, email: 'peter@initech.test' },
      tenant: { id: res.body.tenant.id, slug: 'initech' },
      roles: ['owner'],
    });
    expect(me.body.can['project:delete']).toBe(true);
    const workspaces = await app.request('initech.localhost', '/workspaces', { token: res.body.token });
    expect(workspaces.body.items.map((w: { id: string }) => w.id)).toEqual([res.body.workspace.id]);
    const projects = await app.request('initech.localhost', '/projects', { token: res.body.token });
    expect(projects.body).toEqual({ items: [], limit: 20, offset: 0, nextOffset: null });
  });

  it('refuses a taken slug with 409 CONFLICT and a reserved or malformed one with 400', async () => {
    expectProblem(await signUp('acme', 'someone@else.test'), 409, 'CONFLICT');
    expectProblem(await signUp('www', 'someone@else.test'), 400, 'INVALID_INPUT');
    expectProblem(await signUp('Not A Slug', 'someone@else.test'), 400, 'INVALID_INPUT');
    expectProblem(await signUp('short-pw', 'someone@else.test', 'short'), 400, 'INVALID_INPUT');
  });

  it('lets an existing user own a second tenant only with their password', async () => {
    expectProblem(await signUp('ada-two', 'ada@acme.test', 'wrong password!'), 401, 'UNAUTHENTICATED');
    const res = await signUp('ada-two', 'ada@acme.test', app.demo.password);
    expect(res.status).toBe(201);
    expect(res.body.user.id).toBe(app.demo.users.ada.id);
  });
});

describe('sign-in', () => {
  const signIn = (host: string, email: string, password: string) =>
    app.request(host, '/auth/sign-in', { method: 'POST', body: { email, password } });

  it('returns a token for the tenant of the host', async () => {
    const res = await signIn(ACME, 'VIC@acme.test ', app.demo.password);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user: { id: app.demo.users.vic.id },
      tenant: { slug: 'acme' },
      roles: ['viewer'],
    });
    expect((await app.request(ACME, '/projects', { token: res.body.token })).status).toBe(200);
  });

  it('answers a wrong password and an unknown address alike: 401, one message', async () => {
    const wrong = await signIn(ACME, 'ada@acme.test', 'not the password');
    const unknown = await signIn(ACME, 'nobody@acme.test', 'not the password');
    expectProblem(wrong, 401, 'UNAUTHENTICATED');
    expect(unknown.body).toEqual(wrong.body);
  });

  it('refuses a member of another tenant with 403 MEMBERSHIP_REQUIRED', async () => {
    expectProblem(await signIn(GLOBEX, 'ada@acme.test', app.demo.password), 403, 'MEMBERSHIP_REQUIRED');
  });

  it('needs a tenant, except for platform admins on the bare domain', async () => {
    expectProblem(await signIn(BARE, 'ada@acme.test', app.demo.password), 400, 'TENANT_REQUIRED');
    const ops = await signIn(BARE, 'ops@platform.test', app.demo.password);
    expect([ops.status, ops.body.platformAdmin]).toEqual([200, true]);
    expect((await app.request(BARE, '/platform/tenants', { token: ops.body.token })).status).toBe(200);
  });

  it('still works when a stale token is sent along', async () => {
    const res = await app.request(ACME, '/auth/sign-in', {
      method: 'POST',
      token: 'stale.token.value',
      body: { email: 'ada@acme.test', password: app.demo.password },
    });
    expect(res.status).toBe(200);
  });
});

describe('invitations', () => {
  it('lets an admin invite, the invitee accept once with the token, and a viewer not invite', async () => {
    const { ADA, VIC } = app.tokens;
    expectProblem(
      await app.request(ACME, '/invitations', {
        token: VIC,
        method: 'POST',
        body: { email: 'x@acme.test', role: 'member' },
      }),
      403,
      'PERMISSION_DENIED',
    );
    expectProblem(
      await app.request(ACME, '/invitations', {
        token: ADA,
        method: 'POST',
        body: { email: 'x@acme.test', role: 'owner' },
      }),
      400,
      'INVALID_INPUT',
    );
    const invite = await app.request(ACME, '/invitations', {
      token: ADA,
      method: 'POST',
      body: { email: 'Mia@Acme.test', role: 'member' },
    });
    expect(invite.status).toBe(201);
    expect(invite.body).toMatchObject({ email: 'mia@acme.test', roles: ['member'] });
    const pending = await app.request(ACME, '/invitations', { token: ADA });
    expect(pending.body.items.map((i: { id: string }) => i.id)).toEqual([invite.body.id]);
    expect(JSON.stringify(pending.body)).not.toContain(invite.body.token);

    const accept = (email: string) =>
      app.request(BARE, '/invitations/accept', {
        method: 'POST',
        body: { token: invite.body.token, email, password: PASSWORD, displayName: 'Mia' },
      });
    expectProblem(await accept('someone-else@acme.test'), 403, 'PERMISSION_DENIED');
    const accepted = await accept('mia@acme.test');
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      tenant: { slug: 'acme' },
      roles: ['member'],
      user: { email: 'mia@acme.test' },
    });
    const reused = await accept('mia@acme.test');
    expectProblem(reused, 400, 'INVALID_INPUT');
    expect(reused.body.detail).toBe(
      'The invitation is invalid, expired or used, or the password is not the one of this account.',
    );

    // A member may create projects but not delete them.
    const token = accepted.body.token;
    const created = await app.request(ACME, '/projects', { token, method: 'POST', body: { name: 'Mia’s project' } });
    expect(created.status).toBe(201);
    expect(created.body.createdBy).toBe(accepted.body.user.id);
    expectProblem(
      await app.request(ACME, `/projects/${created.body.id}`, { token, method: 'DELETE' }),
      403,
      'PERMISSION_DENIED',
    );
    // And she signs in with the password she chose.
    const signIn = await app.request(ACME, '/auth/sign-in', {
      method: 'POST',
      body: { email: 'mia@acme.test', password: PASSWORD },
    });
    expect(signIn.status).toBe(200);
  });

  it('answers a bad token the same whether or not the address has an account', async () => {
    const accept = (email: string, token: string) =>
      app.request(BARE, '/invitations/accept', {
        method: 'POST',
        body: { token, email, password: 'not the password' },
      });
    const existing = await accept('ada@acme.test', 'A'.repeat(43));
    const unknown = await accept('nobody-here@acme.test', 'A'.repeat(43));
    const malformed = await accept('nobody-here@acme.test', 'not-a-token');
    expectProblem(existing, 400, 'INVALID_INPUT');
    expect(unknown.body).toEqual(existing.body);
    expect(malformed.body).toEqual(existing.body);
  });

  it('revokes a pending invitation', async () => {
    const { ADA } = app.tokens;
    const invite = await app.request(ACME, '/invitations', {
      token: ADA,
      method: 'POST',
      body: { email: 'gone@acme.test', role: 'viewer' },
    });
    expect((await app.request(ACME, `/invitations/${invite.body.id}`, { token: ADA, method: 'DELETE' })).status).toBe(
      204,
    );
    const accept = await app.request(BARE, '/invitations/accept', {
      method: 'POST',
      body: { token: invite.body.token, email: 'gone@acme.test', password: PASSWORD },
    });
    expectProblem(accept, 400, 'INVALID_INPUT');
  });
});

describe('projects', () => {
  it('creates, reads, updates and deletes, and the audit trail records it', async () => {
    const { ADA } = app.tokens;
    const created = await app.request(ACME, '/projects', {
      token: ADA,
      method: 'POST',
      body: { name: '  Roadmap  ', description: 'Next year' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Roadmap', description: 'Next year', createdBy: app.demo.users.ada.id });
    const path = `/projects/${created.body.id}`;
    expect(
      (await app.request(ACME, path.toUpperCase().replace('/PROJECTS/', '/projects/'), { token: ADA })).body.id,
    ).toBe(created.body.id);
    const patched = await app.request(ACME, path, { token: ADA, method: 'PATCH', body: { description: null } });
    expect(patched.body).toMatchObject({ id: created.body.id, name: 'Roadmap', description: null });
    expectProblem(await app.request(ACME, path, { token: ADA, method: 'PATCH', body: {} }), 400, 'INVALID_INPUT');
    expect((await app.request(ACME, path, { token: ADA, method: 'DELETE' })).status).toBe(204);
    expectProblem(await app.request(ACME, path, { token: ADA }), 404, 'NOT_FOUND');
    expectProblem(await app.request(ACME, path, { token: ADA, method: 'DELETE' }), 404, 'NOT_FOUND');

    const audit = await app.request(ACME, '/audit?limit=100', { token: ADA });
    const forIt = audit.body.items
      .filter((e: { targetId: string }) => e.targetId === created.body.id)
      .map((e: { action: string; actorId: string }) => [e.action, e.actorId]);
    expect(forIt).toEqual([
      ['project.deleted', app.demo.users.ada.id],
      ['project.created', app.demo.users.ada.id],
    ]);
  });

  it('pages newest first with limit and offset', async () => {
    const signedUp = await signUp('pager', 'pat@pager.test');
    const token = signedUp.body.token;
    const host = 'pager.localhost';
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      expect((await app.request(host, '/projects', { token, method: 'POST', body: { name } })).status).toBe(201);
    }
    const pages: string[][] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const res: TestResponse = await app.request(host, `/projects?limit=2&offset=${offset}`, { token });
      pages.push(res.body.items.map((p: { name: string }) => p.name));
      offset = res.body.nextOffset;
    }
    expect(pages).toEqual([['p5', 'p4'], ['p3', 'p2'], ['p1']]);
  });

  it('lets a viewer read but not write', async () => {
    const { VIC } = app.tokens;
    const id = app.demo.tenants.acme.projectIds[0];
    expect((await app.request(ACME, `/projects/${id}`, { token: VIC })).status).toBe(200);
    expectProblem(
      await app.request(ACME, '/projects', { token: VIC, method: 'POST', body: { name: 'x' } }),
      403,
      'PERMISSION_DENIED',
    );
    expectProblem(
      await app.request(ACME, `/projects/${id}`, { token: VIC, method: 'PATCH', body: { name: 'x' } }),
      403,
      'PERMISSION_DENIED',
    );
    const del = await app.request(ACME, `/projects/${id}`, { token: VIC, method: 'DELETE' });
    expectProblem(del, 403, 'PERMISSION_DENIED');
    expect(del.body.detail).toBe('Missing permission "project:delete".');
  });
});

describe('tasks', () => {
  it('are scoped to their workspace: another workspace of the same tenant shows none of them', async () => {
    const { ADA } = app.tokens;
    const { acme } = app.demo.tenants;
    const second = await app.request(ACME, '/workspaces', {
      token: ADA,
      method: 'POST',
      body: { slug: 'ops', name: 'Ops' },
    });
    expect(second.status).toBe(201);
    expectProblem(
      await app.request(ACME, '/workspaces', { token: ADA, method: 'POST', body: { slug: 'ops', name: 'Again' } }),
      409,
      'CONFLICT',
    );
    const task = await app.request(ACME, `/workspaces/${second.body.id}/tasks`, {
      token: ADA,
      method: 'POST',
      body: { projectId: acme.projectIds[0], title: 'Rotate the keys' },
    });
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({ workspaceId: second.body.id, title: 'Rotate the keys', done: false });

    const inSecond = await app.request(ACME, `/workspaces/${second.body.id}/tasks`, { token: ADA });
    expect(inSecond.body.items.map((t: { id: string }) => t.id)).toEqual([task.body.id]);
    const inDefault = await app.request(ACME, `/workspaces/${acme.defaultWorkspaceId}/tasks?limit=100`, { token: ADA });
    expect(inDefault.body.items.map((t: { title: string }) => t.title).sort()).toEqual([
      'Pick a date',
      'Sketch the sign-in page',
      'Write the launch post',
    ]);
    // The task by id through the other workspace's path: not there.
    expectProblem(
      await app.request(ACME, `/workspaces/${acme.defaultWorkspaceId}/tasks/${task.body.id}`, { token: ADA }),
      404,
      'NOT_FOUND',
    );
    const done = await app.request(ACME, `/workspaces/${second.body.id}/tasks/${task.body.id}`, {
      token: ADA,
      method: 'PATCH',
      body: { done: true },
    });
    expect(done.body.done).toBe(true);
    const byProject = await app.request(ACME, `/workspaces/${second.body.id}/tasks?projectId=${acme.projectIds[1]}`, {
      token: ADA,
    });
    expect(byProject.body.items).toEqual([]);
    expect(
      (await app.request(ACME, `/workspaces/${second.body.id}/tasks/${task.body.id}`, { token: ADA, method: 'DELETE' }))
        .status,
    ).toBe(204);
  });

  it('lets a viewer list tasks but not create them', async () => {
    const { VIC } = app.tokens;
    const { acme } = app.demo.tenants;
    const path = `/workspaces/${acme.defaultWorkspaceId}/tasks`;
    expect((await app.request(ACME, path, { token: VIC })).status).toBe(200);
    expectProblem(
      await app.request(ACME, path, {
        token: VIC,
        method: 'POST',
        body: { projectId: acme.projectIds[0], title: 'x' },
      }),
      403,
      'PERMISSION_DENIED',
    );
  });
});

describe('members and settings', () => {
  it('lists the tenant’s members only, and changes roles with effect on the next request', async () => {
    const signedUp = await signUp('roles-co', 'rita@roles.test');
    const host = 'roles-co.localhost';
    const owner = signedUp.body.token;
    const invite = await app.request(host, '/invitations', {
      token: owner,
      method: 'POST',
      body: { email: 'sam@roles.test', role: 'viewer' },
    });
    const sam = await app.request(BARE, '/invitations/accept', {
      method: 'POST',
      body: { token: invite.body.token, email: 'sam@roles.test', password: PASSWORD },
    });
    const members = await app.request(host, '/members', { token: sam.body.token });
    expect(members.body.items.map((m: { email: string; roles: string[] }) => [m.email, m.roles])).toEqual([
      ['rita@roles.test', ['owner']],
      ['sam@roles.test', ['viewer']],
    ]);
    expectProblem(
      await app.request(host, '/projects', { token: sam.body.token, method: 'POST', body: { name: 'x' } }),
      403,
      'PERMISSION_DENIED',
    );
    const changed = await app.request(host, `/members/${sam.body.user.id}`, {
      token: owner,
      method: 'PATCH',
      body: { roles: ['member'] },
    });
    expect(changed.body).toEqual({ userId: sam.body.user.id, roles: ['member'] });
    expect(
      (await app.request(host, '/projects', { token: sam.body.token, method: 'POST', body: { name: 'x' } })).status,
    ).toBe(201);
    // The last owner cannot demote themselves.
    expectProblem(
      await app.request(host, `/members/${signedUp.body.user.id}`, {
        token: owner,
        method: 'PATCH',
        body: { roles: ['viewer'] },
      }),
      409,
      'CONFLICT',
    );
    expect((await app.request(host, `/members/${sam.body.user.id}`, { token: owner, method: 'DELETE' })).status).toBe(
      204,
    );
    expectProblem(await app.request(host, '/projects', { token: sam.body.token }), 403, 'MEMBERSHIP_REQUIRED');
  });

  it('shows settings to every member and lets only admins change them', async () => {
    const { ADA, VIC } = app.tokens;
    const settings = await app.request(ACME, '/settings', { token: VIC });
    expect(settings.body).toMatchObject({ id: app.demo.tenants.acme.id, slug: 'acme', name: 'Acme Inc.' });
    expectProblem(
      await app.request(ACME, '/settings', { token: VIC, method: 'PATCH', body: { name: 'Vic Inc.' } }),
      403,
      'PERMISSION_DENIED',
    );
    expectProblem(
      await app.request(ACME, '/settings', {
        token: ADA,
        method: 'PATCH',
        body: { branding: { logoUrl: 'http://acme.test/logo.png' } },
      }),
      400,
      'INVALID_INPUT',
    );
    const updated = await app.request(ACME, '/settings', {
      token: ADA,
      method: 'PATCH',
      body: { name: 'ACME Corporation', settings: { locale: 'en-GB' }, branding: { primaryColor: '#0a7cff' } },
    });
    expect(updated.body).toMatchObject({
      name: 'ACME Corporation',
      settings: { locale: 'en-GB' },
      branding: { primaryColor: '#0a7cff' },
    });
    expect((await app.request(ACME, '/me', { token: ADA })).body.tenant.name).toBe('ACME Corporation');
  });
});

describe('the audit trail', () => {
  it('lists this tenant’s events only, and only to members with audit:read', async () => {
    const { ADA, GRACE, VIC } = app.tokens;
    expectProblem(await app.request(ACME, '/audit', { token: VIC }), 403, 'PERMISSION_DENIED');
    const acme = await app.request(ACME, '/audit?limit=100', { token: ADA });
    const globex = await app.request(GLOBEX, '/audit?limit=100', { token: GRACE });
    const ids = (res: TestResponse) => res.body.items.map((e: { id: string }) => e.id).sort();
    const rows = await app.db.sql<
      Array<{ tenant_id: string; id: string }>
    >`select tenant_id, id from tenancy.audit_log`;
    const expected = (tenantId: string) =>
      rows
        .filter((r) => r.tenant_id === tenantId)
        .map((r) => r.id)
        .sort();
    expect(ids(acme)).toEqual(expected(app.demo.tenants.acme.id));
    expect(ids(globex)).toEqual(expected(app.demo.tenants.globex.id));
    expect(acme.body.items.map((e: { action: string }) => e.action)).toContain('tenant.created');
    const filtered = await app.request(ACME, '/audit?action=member.invited', { token: ADA });
    expect(new Set(filtered.body.items.map((e: { action: string }) => e.action))).toEqual(new Set(['member.invited']));
  });
});

describe('tenancy check', () => {
  it('finds no error and no warning on the database the app set up, for the role the app logs in with', async () => {
    const report = await lintDatabase({ sql: app.db.sql, config: app.tenancyConfig, loginRole: app.login.name });
    expect(report.findings.map((f) => `${f.severity} ${f.rule} ${f.object}`)).toEqual([]);
  });

  it('refuses a query as the login role outside a unit of work, instead of running it', async () => {
    const raw = postgres(app.login.url, { max: 1, onnotice: () => {} });
    try {
      for (const table of ['public.projects', 'public.tasks', 'public.credentials', 'tenancy.tenants']) {
        const error = await raw.unsafe(`select count(*) from ${table}`).then(
          () => undefined,
          (e: { code?: string }) => e.code,
        );
        expect([table, error]).toEqual([table, '42501']);
      }
    } finally {
      await raw.end();
    }
  });
});

describe('the whole suite', () => {
  it('never answered with a 500', () => {
    expect(app.serverErrors).toEqual([]);
  });
});
