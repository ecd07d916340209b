import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/audit-event.js';
import { toTenantJobPayload } from '../context/job-payload.js';
import { getTenant, runWithTenant } from '../context/run-with-tenant.js';
import { isTenancyError, TenancyError } from '../errors/tenancy-error.js';
import type { Identity } from '../identity/create-identity.js';
import { createIdentity } from '../identity/create-identity.js';
import type { TenantStore } from '../model/tenant-store.js';
import { definePermissions } from '../permissions/define-permissions.js';
import { fromHeader } from '../resolve/from-header.js';
import { fromSubdomain } from '../resolve/from-subdomain.js';
import type { RequestLike } from '../resolve/request-like.js';
import { createMemoryTenantStore } from '../store/memory-tenant-store.js';
import { createTenancy } from './create-tenancy.js';
import { resolveEagerly } from './resolve-eagerly.js';
import type { ResolvedRequest, Tenancy } from './tenancy.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!';
const ACME = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
const GLOBEX = '6fa459ea-ee8a-4ca4-894e-db77e160355e';
const SUSPENDED = '9c5b94b1-35ad-49bb-b118-8e8fc24abf80';

const permissions = definePermissions({
  resources: { project: ['read', 'create', 'delete'], member: ['invite'] },
  roles: {
    viewer: { allow: ['project:read'] },
    member: { inherits: ['viewer'], allow: ['project:create'] },
    owner: { inherits: ['member'], allow: ['*'] },
  },
});

function setup(options: { allowAnonymous?: boolean; audit?: (e: AuditEvent) => void } = {}) {
  const store = createMemoryTenantStore({
    tenants: [
      { id: ACME, slug: 'acme', name: 'Acme', status: 'active' },
      { id: GLOBEX, slug: 'globex', name: 'Globex', status: 'active' },
      { id: SUSPENDED, slug: 'initech', name: 'Initech', status: 'suspended' },
    ],
    memberships: [
      { tenantId: ACME, userId: 'alice', roles: ['owner'] },
      { tenantId: GLOBEX, userId: 'alice', roles: ['viewer'] },
      { tenantId: SUSPENDED, userId: 'alice', roles: ['owner'] },
      { tenantId: ACME, userId: 'bob', roles: ['viewer'] },
    ],
  });
  const tenancy = createTenancy({
    store,
    strategies: [fromSubdomain({ baseDomain: 'example.com' }), fromHeader()],
    identity: { secret: SECRET, platformAdminClaim: 'platform_admin' },
    permissions,
    ...(options.audit === undefined ? {} : { audit: options.audit }),
    ...(options.allowAnonymous === undefined ? {} : { allowAnonymous: options.allowAnonymous }),
  });
  return { store, tenancy };
}

function token(sub: string, extra: Record<string, unknown> = {}, secret = SECRET): Promise<string> {
  return new SignJWT({ sub, ...extra })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

async function request(host: string, bearer?: string, headers: Record<string, string> = {}): Promise<Request> {
  return new Request(`https://${host}/projects`, {
    headers: { host, ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }), ...headers },
  });
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (error) {
    return isTenancyError(error) ? error.code : `not a TenancyError: ${String(error)}`;
  }
  return 'no error';
}

describe('createTenancy().resolve', () => {
  it('resolves a member to the tenant, its membership, a frozen context and typed permissions', async () => {
    const { tenancy } = setup();
    const resolved = await tenancy.resolve(await request('acme.example.com', await token('bob')));
    expect(resolved.tenant?.id).toBe(ACME);
    expect(resolved.principal?.id).toBe('bob');
    expect(resolved.membership?.roles).toEqual(['viewer']);
    expect(resolved.sources).toEqual(['subdomain']);
    expect(resolved.context).toMatchObject({ tenantId: ACME, userId: 'bob' });
    expect(Object.isFrozen(resolved.context)).toBe(true);
    expect(resolved.can('project:read')).toBe(true);
    expect(resolved.can('project:create')).toBe(false);
    expect(await codeOf(() => resolved.assert('project:delete'))).toBe('PERMISSION_DENIED');
  });

  it('refuses a valid token for tenant A on tenant B’s host when the user is not a member of B', async () => {
    const { tenancy } = setup();
    expect(await codeOf(tenancy.resolve(await request('globex.example.com', await token('bob'))))).toBe(
      'MEMBERSHIP_REQUIRED',
    );
  });

  it('answers UNAUTHENTICATED for a token signed with another key, and for an expired token', async () => {
    const { tenancy } = setup();
    const forged = await token('alice', {}, 'another-secret-that-is-32-bytes-long!!');
    expect(await codeOf(tenancy.resolve(await request('acme.example.com', forged)))).toBe('UNAUTHENTICATED');
    const expired = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(SECRET));
    expect(await codeOf(tenancy.resolve(await request('acme.example.com', expired)))).toBe('UNAUTHENTICATED');
  });

  it('gives an anonymous request to a tenant no context (fail closed), unless anonymous access is allowed', async () => {
    const closed = await setup().tenancy.resolve(await request('acme.example.com'));
    expect(closed.tenant?.id).toBe(ACME);
    expect(closed.context).toBeUndefined();
    expect(closed.can('project:read')).toBe(false);
    expect(await codeOf(() => closed.assert('project:read'))).toBe('UNAUTHENTICATED');

    const open = await setup({ allowAnonymous: true }).tenancy.resolve(await request('acme.example.com'));
    expect(open.context).toMatchObject({ tenantId: ACME });
    expect(open.context?.userId).toBeUndefined();
  });

  it('resolves no tenant for a request that names none, and run() refuses it', async () => {
    const { tenancy } = setup();
    const resolved = await tenancy.resolve(await request('example.com', await token('alice')));
    expect(resolved.tenant).toBeUndefined();
    expect(resolved.principal?.id).toBe('alice');
    expect(resolved.context).toBeUndefined();
    expect(await codeOf(() => resolved.assert('project:read'))).toBe('TENANT_REQUIRED');
    expect(await codeOf(() => tenancy.run(resolved, () => 1))).toBe('TENANT_REQUIRED');
  });

  it('refuses two sources that name different tenants', async () => {
    const { tenancy } = setup();
    const req = await request('acme.example.com', await token('alice'), { 'x-tenant-id': GLOBEX });
    expect(await codeOf(tenancy.resolve(req))).toBe('TENANT_AMBIGUOUS');
  });

  it('refuses a suspended tenant to its members, and lets a platform admin in through the audited platform path', async () => {
    const events: AuditEvent[] = [];
    const { tenancy } = setup({ audit: (e) => void events.push(e) });
    expect(await codeOf(tenancy.resolve(await request('initech.example.com', await token('alice'))))).toBe(
      'TENANT_SUSPENDED',
    );

    const admin = await token('op-1', { platform_admin: true });
    const resolved = await tenancy.resolve(await request('initech.example.com', admin), {
      platform: { reason: 'TICKET-42: export before deletion' },
    });
    expect(resolved.context).toMatchObject({
      tenantId: SUSPENDED,
      userId: 'op-1',
      platform: { reason: 'TICKET-42: export before deletion' },
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'platform.access',
        tenantId: SUSPENDED,
        principalId: 'op-1',
        reason: 'TICKET-42: export before deletion',
      }),
    ]);
  });

  it('refuses the platform path to a principal that is not a platform admin, and to anonymous requests', async () => {
    const { tenancy } = setup({ audit: () => {} });
    const platform = { reason: 'curious' };
    expect(await codeOf(tenancy.resolve(await request('globex.example.com', await token('bob')), { platform }))).toBe(
      'PERMISSION_DENIED',
    );
    expect(await codeOf(tenancy.resolve(await request('globex.example.com'), { platform }))).toBe('UNAUTHENTICATED');
  });

  it('sees a suspension at once after the store is invalidated', async () => {
    const { tenancy, store } = setup();
    const bearer = await token('alice');
    expect((await tenancy.resolve(await request('acme.example.com', bearer))).tenant?.status).toBe('active');
    store.setStatus(ACME, 'suspended');
    tenancy.store.invalidateTenant(ACME);
    expect(await codeOf(tenancy.resolve(await request('acme.example.com', bearer)))).toBe('TENANT_SUSPENDED');
  });
});

describe('resolveEagerly with a RequestLike', () => {
  // What an adapter hands core instead of a Request: headers served one at a time, the Request built on demand.
  function requestLike(host: string, headers: Record<string, string>) {
    const built: Request[] = [];
    const all: Record<string, string> = { host, ...headers };
    const like: RequestLike = {
      url: `https://${host}/projects`,
      headers: { get: (name) => all[name.toLowerCase()] ?? null },
      toRequest() {
        const request = new Request(`https://${host}/projects`, { headers: all });
        built.push(request);
        return request;
      },
    };
    return { like, built };
  }

  it('resolves a member from the headers alone, without building a Request', async () => {
    const { tenancy } = setup();
    const { like, built } = requestLike('acme.example.com', { authorization: `Bearer ${await token('bob')}` });
    const resolved = await resolveEagerly(tenancy, like);
    expect(resolved.context?.tenantId).toBe(ACME);
    expect(resolved.membership?.roles).toEqual(['viewer']);
    expect(resolved.sources).toEqual(['subdomain']);
    expect(built).toEqual([]);
  });

  it('resolves from the headers alone with an identity createIdentity() made and passed in', async () => {
    const identity = createIdentity({ secret: SECRET });
    const { store } = setup();
    const tenancy = createTenancy({ store, strategies: [fromSubdomain({ baseDomain: 'example.com' })], identity });
    const { like, built } = requestLike('acme.example.com', { authorization: `Bearer ${await token('alice')}` });
    expect((await resolveEagerly(tenancy, like)).principal?.id).toBe('alice');
    expect(built).toEqual([]);
  });

  it('refuses a malformed token and a token for a tenant the user is not a member of, as with a Request', async () => {
    const { tenancy } = setup();
    const malformed = requestLike('acme.example.com', { authorization: 'Bearer a, Bearer b' });
    expect(await codeOf(() => resolveEagerly(tenancy, malformed.like))).toBe('UNAUTHENTICATED');
    const stranger = requestLike('acme.example.com', { authorization: `Bearer ${await token('mallory')}` });
    expect(await codeOf(() => resolveEagerly(tenancy, stranger.like))).toBe('MEMBERSHIP_REQUIRED');
    const ambiguous = requestLike('acme.example.com', {
      authorization: `Bearer ${await token('alice')}`,
      'x-tenant-id': GLOBEX,
    });
    expect(await codeOf(() => resolveEagerly(tenancy, ambiguous.like))).toBe('TENANT_AMBIGUOUS');
  });

  it('calls an authenticate that replaced the one createIdentity() made, with the full Request', async () => {
    const { store } = setup();
    const identity = createIdentity({ secret: SECRET });
    const seen: Request[] = [];
    const tenancy = createTenancy({
      store,
      strategies: [fromSubdomain({ baseDomain: 'example.com' })],
      identity: {
        ...identity,
        async authenticate(request) {
          seen.push(request);
          // An extra check of your own, e.g. a revocation list, must not be skipped.
          if (request.headers.get('x-revoked') === 'yes') throw new TenancyError('UNAUTHENTICATED', 'Revoked.');
          return identity.authenticate(request);
        },
      },
    });
    const bearer = await token('alice');
    await tenancy.resolve(await request('acme.example.com', bearer));
    const revoked = requestLike('acme.example.com', { authorization: `Bearer ${bearer}`, 'x-revoked': 'yes' });
    expect(await codeOf(() => resolveEagerly(tenancy, revoked.like))).toBe('UNAUTHENTICATED');
    expect(await codeOf(tenancy.resolve(revoked.like.toRequest()))).toBe('UNAUTHENTICATED');
    expect(seen).toHaveLength(3);
    expect(seen[1]).toBe(revoked.built[0]);
  });

  it('hands a tenancy whose resolve was replaced the full Request, as before RequestLike existed', async () => {
    const { tenancy } = setup();
    const seen: Request[] = [];
    const wrapped: Tenancy = {
      ...tenancy,
      resolve(request, options) {
        seen.push(request);
        return tenancy.resolve(request, options);
      },
    };
    const { like, built } = requestLike('acme.example.com', { authorization: `Bearer ${await token('bob')}` });
    const answer = resolveEagerly(wrapped, like);
    expect(answer).toBeInstanceOf(Promise);
    expect((await answer).context?.tenantId).toBe(ACME);
    expect(built).toHaveLength(1);
    expect(seen[0]).toBe(built[0]);
  });

  it('hands an identity of your own the full Request, since it may read more than headers', async () => {
    const { store } = setup();
    const seen: Request[] = [];
    const custom: Identity = {
      verify: async () => ({ id: 'alice', claims: {}, platformAdmin: false }),
      async authenticate(request) {
        seen.push(request);
        return request.headers.get('x-session') === 's1' ? this.verify('') : undefined;
      },
    };
    const tenancy = createTenancy({
      store,
      strategies: [fromSubdomain({ baseDomain: 'example.com' })],
      identity: custom,
    });
    const { like, built } = requestLike('acme.example.com', { 'x-session': 's1' });
    const resolved = await resolveEagerly(tenancy, like);
    expect(resolved.principal?.id).toBe('alice');
    expect(resolved.context?.tenantId).toBe(ACME);
    expect(built).toHaveLength(1);
    expect(seen).toEqual(built);
    expect(seen[0]).toBe(built[0]);
  });
});

describe('resolveEagerly', () => {
  it('answers a warm request without a promise, with what resolve() answers', async () => {
    const { tenancy } = setup();
    const bearer = await token('bob');
    const cold = resolveEagerly(tenancy, await request('acme.example.com', bearer));
    expect(cold).toBeInstanceOf(Promise);
    const first = await cold;
    const warm = resolveEagerly(tenancy, await request('acme.example.com', bearer));
    expect(warm).not.toBeInstanceOf(Promise);
    const resolved = warm as ResolvedRequest;
    expect(resolved.context).toEqual(first.context);
    expect(resolved.sources).toEqual(['subdomain']);
    expect([resolved.can('project:read'), resolved.can('project:create')]).toEqual([true, false]);
    const later = await tenancy.resolve(await request('acme.example.com', bearer));
    expect(later.context).toEqual(resolved.context);
  });

  it('throws at once what it knows at once, and rejects what it learns later, with resolve()’s codes', async () => {
    const { tenancy } = setup();
    const malformed = await request('acme.example.com', undefined, { authorization: 'Bearer a b' });
    expect(await codeOf(() => resolveEagerly(tenancy, malformed))).toBe('UNAUTHENTICATED');
    const stranger = await request('nope.example.com', await token('alice'));
    const cold = resolveEagerly(tenancy, stranger);
    expect(cold).toBeInstanceOf(Promise);
    expect(await codeOf(cold as Promise<unknown>)).toBe('TENANT_NOT_FOUND');
    // "Not found" is cached now: the same request fails at once.
    expect(await codeOf(() => resolveEagerly(tenancy, stranger))).toBe('TENANT_NOT_FOUND');
    expect(await codeOf(tenancy.resolve(stranger))).toBe('TENANT_NOT_FOUND');
  });

  it('always takes a promise for the platform path, whose audit event is awaited', async () => {
    const events: AuditEvent[] = [];
    const { tenancy } = setup({ audit: (event) => void events.push(event) });
    const admin = await token('root', { platform_admin: true });
    const options = { platform: { reason: 'ticket 1' } };
    await tenancy.resolve(await request('globex.example.com', admin), options);
    const again = resolveEagerly(tenancy, await request('globex.example.com', admin), options);
    expect(again).toBeInstanceOf(Promise);
    expect((await again).context?.platform).toEqual({ reason: 'ticket 1' });
    expect(events.map((e) => e.type)).toEqual(['platform.access', 'platform.access']);
  });

  it('answers with a native promise from the resolve() of a Tenancy of your own', async () => {
    const { tenancy } = setup();
    const resolved = await tenancy.resolve(await request('acme.example.com', await token('bob')));
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a native promise is what this test is about.
    const thenable = { then: (onFulfilled: (value: ResolvedRequest) => void) => onFulfilled(resolved) };
    const own: Tenancy = { ...tenancy, resolve: () => thenable as never };
    const answer = resolveEagerly(own, await request('acme.example.com'));
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toBe(resolved);
  });
});

describe('createTenancy() permission checks', () => {
  it('checks against the new roles once a changed membership is invalidated', async () => {
    const { tenancy, store } = setup();
    const bearer = await token('bob');
    const before = await tenancy.resolve(await request('acme.example.com', bearer));
    expect([before.can('project:read'), before.can('project:create')]).toEqual([true, false]);
    store.removeMembership(ACME, 'bob');
    store.addMembership({ tenantId: ACME, userId: 'bob', roles: ['member'] });
    tenancy.store.invalidateMembership(ACME, 'bob');
    const after = await tenancy.resolve(await request('acme.example.com', bearer));
    expect([after.can('project:read'), after.can('project:create')]).toEqual([true, true]);
    expect([before.can('project:read'), before.can('project:create')]).toEqual([true, false]);
  });

  it('compiles the roles of a membership the store may still change on every request', async () => {
    const { store } = setup();
    // A store of your own, uncached, that hands out one mutable membership object.
    const membership = { tenantId: ACME, userId: 'bob', roles: ['viewer'] };
    const tenancy = createTenancy({
      store: { ...store, getMembership: async () => membership },
      cache: false,
      strategies: [fromSubdomain({ baseDomain: 'example.com' })],
      identity: { secret: SECRET },
      permissions,
    });
    const bearer = await token('bob');
    const before = await tenancy.resolve(await request('acme.example.com', bearer));
    expect(before.can('project:create')).toBe(false);
    membership.roles = ['member'];
    const after = await tenancy.resolve(await request('acme.example.com', bearer));
    expect(after.can('project:create')).toBe(true);
  });
});

describe('createTenancy().run', () => {
  it('runs the rest of the request inside the resolved tenant, across awaits', async () => {
    const { tenancy } = setup();
    const resolved = await tenancy.resolve(await request('acme.example.com', await token('alice')));
    const seen = await tenancy.run(resolved, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return getTenant();
    });
    expect(seen).toMatchObject({ tenantId: ACME, userId: 'alice' });
  });
});

describe('createTenancy().runJob', () => {
  it('re-enters the job’s tenant with the membership re-read from the store', async () => {
    const { tenancy } = setup();
    const payload = runWithTenant({ tenantId: ACME, userId: 'bob' }, () => toTenantJobPayload());
    const seen = await tenancy.runJob(JSON.parse(JSON.stringify(payload)), (ctx) => ({
      tenantId: getTenant()?.tenantId,
      roles: ctx.membership?.roles,
    }));
    expect(seen).toEqual({ tenantId: ACME, roles: ['viewer'] });
  });

  it('refuses a job whose tenant was suspended or whose user was removed since it was queued', async () => {
    const { tenancy, store } = setup();
    const bobJob = { v: 1, tenantId: ACME, userId: 'bob' };
    store.removeMembership(ACME, 'bob');
    tenancy.store.invalidateMembership(ACME, 'bob');
    expect(await codeOf(tenancy.runJob(bobJob, () => 'ran'))).toBe('MEMBERSHIP_REQUIRED');

    store.setStatus(GLOBEX, 'suspended');
    tenancy.store.invalidateTenant(GLOBEX);
    expect(await codeOf(tenancy.runJob({ v: 1, tenantId: GLOBEX }, () => 'ran'))).toBe('TENANT_SUSPENDED');
    expect(await codeOf(tenancy.runJob({ v: 1, tenantId: 'not-a-uuid' }, () => 'ran'))).toBe('INVALID_INPUT');
  });
});

describe('createTenancy().tenantsFor', () => {
  it('lists the active tenants a principal belongs to, sorted by name, for a tenant switcher', async () => {
    const { tenancy } = setup();
    const resolved = await tenancy.resolve(await request('example.com', await token('alice')));
    const choices = await tenancy.tenantsFor(resolved.principal!);
    expect(choices.map((c) => [c.tenant.slug, c.membership.roles])).toEqual([
      ['acme', ['owner']],
      ['globex', ['viewer']],
    ]);
  });
});

describe('createTenancy options', () => {
  it('fails at startup with INVALID_CONFIG naming the bad path', () => {
    try {
      createTenancy({ store: {} as TenantStore, strategies: [fromHeader()] });
      expect.unreachable();
    } catch (error) {
      expect(isTenancyError(error, 'INVALID_CONFIG')).toBe(true);
      expect((error as Error).message).toContain('"store"');
    }
    try {
      createTenancy({ store: createMemoryTenantStore(), strategies: [] });
      expect.unreachable();
    } catch (error) {
      expect(isTenancyError(error, 'INVALID_CONFIG')).toBe(true);
      expect((error as Error).message).toContain('"strategies"');
    }
  });
});
