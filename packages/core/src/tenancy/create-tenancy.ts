import { z } from 'zod';
import type { AuditSink } from '../audit/audit-sink.js';
import { runWithTenantJob } from '../context/job-payload.js';
import { runWithTenant } from '../context/run-with-tenant.js';
import type { TenantContext } from '../context/tenant-context.js';
import { TenancyError } from '../errors/tenancy-error.js';
import type { AssertedMembership } from '../identity/assert-membership.js';
import { assertMembership, assertMembershipEager } from '../identity/assert-membership.js';
import type { EagerAuthenticate, Identity } from '../identity/create-identity.js';
import { createIdentity, eagerAuthenticateOf } from '../identity/create-identity.js';
import type { IdentityOptions } from '../identity/identity-options.js';
import { assertTenantActive } from '../model/assert-tenant-active.js';
import type { Membership } from '../model/membership.js';
import type { Principal } from '../model/principal.js';
import type { TenantRecord } from '../model/tenant.js';
import type { TenantStore } from '../model/tenant-store.js';
import type { PermissionGrant, PermissionModel } from '../permissions/permission-model.js';
import type { TenantResolution } from '../resolve/create-tenant-resolver.js';
import { createEagerTenantResolver } from '../resolve/create-tenant-resolver.js';
import type { TrustProxyOption } from '../resolve/forwarded-host.js';
import { parseConfig } from '../resolve/parse-config.js';
import type { TenantIdFormat } from '../resolve/parse-tenant-id.js';
import { parseTenantId } from '../resolve/parse-tenant-id.js';
import type { RequestLike } from '../resolve/request-like.js';
import { toFullRequest } from '../resolve/request-like.js';
import type { TenantStrategy } from '../resolve/tenant-strategy.js';
import type { CachedTenantStore, CachedTenantStoreOptions } from '../store/cached-tenant-store.js';
import { createCachedTenantStore } from '../store/cached-tenant-store.js';
import { withEagerResolve } from './resolve-eagerly.js';
import type { ResolvedRequest, ResolveRequestOptions, Tenancy, TenantChoice } from './tenancy.js';

/**
 * Options for {@link createTenancy}. `TPermission` is inferred from `permissions`, so `can()` only accepts declared
 * permission names.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md
 */
export interface CreateTenancyOptions<TPermission extends string = string> {
  /** Where tenants and memberships come from. Wrapped in a cache unless it already is one or `cache` is `false`. */
  store: TenantStore;
  /** Options of the tenant cache; `false` uses the store as it is (tests that count store calls). */
  cache?: CachedTenantStoreOptions | false | undefined;
  /** Resolution strategies, evaluated in order; every one that names a tenant must agree. */
  strategies: readonly TenantStrategy[];
  /** Format of tenant ids from headers, claims, paths, jobs. Default `uuid`. */
  idFormat?: TenantIdFormat | undefined;
  /** Slugs no tenant may have (default: the resolver's reserved list). */
  reservedSlugs?: readonly string[] | undefined;
  /** The platform's own domains, never looked up as custom domains. */
  platformDomains?: readonly string[] | undefined;
  /** Which proxy may report the client's host. Default `false`. Adapters that compute the host themselves leave it off. */
  trustProxy?: TrustProxyOption | undefined;
  /** How principals are verified: JWT options, or an `Identity` from `createIdentity`. Without it, every request is anonymous. */
  identity?: IdentityOptions | Identity | undefined;
  /** The compiled permission model from `definePermissions`. Without it, `can()` answers `false` (fail closed). */
  permissions?: PermissionModel<TPermission, string, string, string> | undefined;
  /** Receives audit events (`platform.access`; permission denials are audited by the model's own sink). */
  audit?: AuditSink | undefined;
  /** Roles a platform admin acts with on the platform path. Default none. */
  platformRoles?: readonly string[] | undefined;
  /**
   * Give anonymous requests to a tenant a tenant context (public tenant pages that read data under RLS). Default
   * `false`: without a principal that is a member, the request gets no context, so tenant data stays out of reach.
   */
  allowAnonymous?: boolean | undefined;
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null;
const isIdentity = (v: unknown): v is Identity =>
  isObject(v) && typeof (v as Identity).authenticate === 'function' && typeof (v as Identity).verify === 'function';

// Only the shape createTenancy itself relies on; the resolver, identity and cache validate their own options with
// their own paths, which the error then names.
const optionsSchema = z.looseObject({
  store: z.custom<TenantStore>(
    (v) =>
      isObject(v) &&
      ['findById', 'findBySlug', 'findByDomain', 'getMembership', 'listMemberships'].every(
        (m) => typeof (v as Record<string, unknown>)[m] === 'function',
      ),
    'must implement TenantStore (findById, findBySlug, findByDomain, getMembership, listMemberships)',
  ),
  cache: z.union([z.literal(false), z.looseObject({})]).optional(),
  identity: z.union([z.custom<Identity>(isIdentity), z.looseObject({})]).optional(),
  permissions: z
    .custom<PermissionModel>(
      (v) => isObject(v) && typeof (v as PermissionModel).permissionsFor === 'function',
      'must be a model from definePermissions()',
    )
    .optional(),
  audit: z.custom<AuditSink>((v) => typeof v === 'function', 'must be a function').optional(),
  platformRoles: z.array(z.string().min(1)).optional(),
  allowAnonymous: z.boolean().optional(),
});

/**
 * Creates the tenancy of an app: resolution, identity, membership and permissions behind one `resolve(request)`.
 * Options are validated now: a bad config throws `INVALID_CONFIG` naming the path that was wrong.
 * @example
 * const tenancy = createTenancy({
 *   store: createMemoryTenantStore({ tenants, memberships }),
 *   strategies: [fromSubdomain({ baseDomain: 'example.com' }), fromHeader()],
 *   identity: { secret: process.env.JWT_SECRET },
 *   permissions,
 * });
 * const resolved = await tenancy.resolve(request);
 * if (resolved.can('project:create')) await tenancy.run(resolved, () => createProject(input));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md
 */
export function createTenancy<TPermission extends string = string>(
  options: CreateTenancyOptions<TPermission>,
): Tenancy<TPermission> {
  parseConfig(optionsSchema, options, 'createTenancy()');
  const store: CachedTenantStore = isCachedStore(options.store)
    ? options.store
    : options.cache === false
      ? passThroughCache(options.store)
      : createCachedTenantStore(options.store, options.cache ?? {});
  const idFormat = options.idFormat ?? 'uuid';
  const resolver = createEagerTenantResolver({
    store,
    strategies: options.strategies,
    idFormat,
    ...(options.reservedSlugs === undefined ? {} : { reservedSlugs: options.reservedSlugs }),
    ...(options.platformDomains === undefined ? {} : { platformDomains: options.platformDomains }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
  });
  const identity: Identity | undefined =
    options.identity === undefined
      ? undefined
      : isIdentity(options.identity)
        ? options.identity
        : createIdentity(options.identity);
  // Ours read headers only and answer without a promise when they can. An identity of your own may read anything a
  // `Request` has, so it gets one; wrapped in an async function, so what it answers is always a native promise (the
  // steps below tell a promise from a principal with `instanceof Promise`).
  const authenticate: EagerAuthenticate | undefined =
    identity === undefined
      ? undefined
      : (eagerAuthenticateOf(identity) ??
        (async (request: Request | RequestLike) => identity.authenticate(toFullRequest(request))));
  const permissions = options.permissions;
  // Grants of the memberships the cached store shares between requests, so a member's permissions are compiled once
  // per cache entry instead of once per request. A grant is a snapshot of its membership: one is reused only for a
  // membership that can no longer change (deeply frozen, as the cached store hands them out).
  const grants = new WeakMap<Membership, PermissionGrant<TPermission, string>>();
  const audit = options.audit;
  const platformRoles = options.platformRoles;
  const allowAnonymous = options.allowAnonymous === true;

  // Each step answers without a promise when its caches hold the answer (a token that verified before, a cached
  // tenant and membership), and the next one runs at once; only a step that had to wait continues from its promise.
  // With AsyncLocalStorage's promise hooks active, every promise costs on every request.
  function resolveEager(
    request: Request | RequestLike,
    resolveOptions?: ResolveRequestOptions | undefined,
  ): ResolvedRequest<TPermission> | Promise<ResolvedRequest<TPermission>> {
    const platform = resolveOptions?.platform;
    const principal = authenticate === undefined ? undefined : authenticate(request);
    return principal instanceof Promise
      ? principal.then((verified) => afterAuthentication(request, platform, verified))
      : afterAuthentication(request, platform, principal);
  }

  function afterAuthentication(
    request: Request | RequestLike,
    platform: { readonly reason: string } | undefined,
    principal: Principal | undefined,
  ): ResolvedRequest<TPermission> | Promise<ResolvedRequest<TPermission>> {
    if (platform !== undefined && principal === undefined) {
      throw new TenancyError('UNAUTHENTICATED', 'The platform path needs a signed-in platform admin.');
    }
    const resolution = resolver(request, { principal, allowSuspended: platform !== undefined });
    return resolution instanceof Promise
      ? resolution.then((resolved) => afterResolution(platform, principal, resolved))
      : afterResolution(platform, principal, resolution);
  }

  function afterResolution(
    platform: { readonly reason: string } | undefined,
    principal: Principal | undefined,
    resolution: TenantResolution,
  ): ResolvedRequest<TPermission> | Promise<ResolvedRequest<TPermission>> {
    const tenant = resolution.tenant;
    if (tenant === undefined) return withoutTenantResult(principal);
    if (principal === undefined) {
      const context = allowAnonymous ? Object.freeze({ tenantId: tenant.id, tenant }) : undefined;
      return anonymousResult(tenant, context, resolution.sources);
    }
    const asserted = assertMembershipEager({ store, tenant, principal, platform, audit, platformRoles });
    return asserted instanceof Promise
      ? asserted.then((member) => memberResult(tenant, principal, member, resolution.sources))
      : memberResult(tenant, principal, asserted, resolution.sources);
  }

  async function resolve(
    request: Request | RequestLike,
    resolveOptions?: ResolveRequestOptions | undefined,
  ): Promise<ResolvedRequest<TPermission>> {
    return resolveEager(request, resolveOptions);
  }

  function memberResult(
    tenant: TenantRecord,
    principal: Principal,
    asserted: AssertedMembership,
    sources: readonly string[],
  ): ResolvedRequest<TPermission> {
    const { membership } = asserted;
    // Two literals rather than a conditional spread: this runs on every request, and a literal is the cheap way to
    // build an object.
    const context: TenantContext = Object.freeze(
      asserted.platform === undefined
        ? { tenantId: tenant.id, tenant, userId: principal.id, principal, membership }
        : { tenantId: tenant.id, tenant, userId: principal.id, principal, membership, platform: asserted.platform },
    );
    // Compiled on the first check only: most requests that never check a permission pay nothing for it.
    let grant: PermissionGrant<TPermission, string> | undefined;
    const compiled = (): PermissionGrant<TPermission, string> | undefined => {
      if (permissions === undefined) return undefined;
      if (grant === undefined) {
        grant = grants.get(membership);
        if (grant === undefined) {
          grant = permissions.permissionsFor(membership);
          if (isDeeplyFrozen(membership)) grants.set(membership, grant);
        }
      }
      return grant;
    };
    return {
      tenant,
      principal,
      membership,
      context,
      sources,
      can: (permission, scope) => compiled()?.can(permission, scope) ?? false,
      assert: (permission, scope) => {
        const g = compiled();
        if (g === undefined) throw noModel();
        g.assert(permission, scope);
      },
    };
  }

  function run<T>(resolved: ResolvedRequest<TPermission>, fn: () => T): T {
    if (resolved.context === undefined) {
      throw new TenancyError(
        'TENANT_REQUIRED',
        resolved.tenant === undefined
          ? 'This request names no tenant.'
          : 'This request may not act in the tenant: sign in as a member.',
      );
    }
    return runWithTenant(resolved.context, fn);
  }

  function runJob<T>(payload: unknown, fn: (context: TenantContext) => T | Promise<T>): Promise<T> {
    return runWithTenantJob(payload, fn, {
      verify: async (job) => {
        const tenantId = parseTenantId(job.tenantId, idFormat);
        const tenant = await store.findById(tenantId);
        if (tenant === null) throw new TenancyError('TENANT_NOT_FOUND', 'No such tenant.');
        const workspace = job.workspaceId ? { workspaceId: job.workspaceId } : {};
        if (job.userId === undefined) {
          assertTenantActive(tenant);
          return Object.freeze({ tenantId, tenant, ...workspace });
        }
        // The same checks as a request: the tenant is active and the user is (still) a member of it.
        const principal: Principal = { id: job.userId, claims: {}, platformAdmin: false };
        const { membership } = await assertMembership({ store, tenant, principal });
        return Object.freeze({ tenantId, tenant, userId: job.userId, membership, ...workspace });
      },
    });
  }

  async function tenantsFor(principal: Principal): Promise<readonly TenantChoice[]> {
    const memberships = await store.listMemberships(principal.id);
    const tenants = await Promise.all(memberships.map((m) => store.findById(m.tenantId)));
    const choices: TenantChoice[] = [];
    memberships.forEach((membership, i) => {
      const tenant = tenants[i];
      if (tenant !== null && tenant !== undefined && tenant.status === 'active') choices.push({ tenant, membership });
    });
    return choices.sort((a, b) => a.tenant.name.localeCompare(b.tenant.name) || a.tenant.id.localeCompare(b.tenant.id));
  }

  return Object.freeze({ resolve: withEagerResolve(resolve, resolveEager), run, runJob, tenantsFor, store });
}

function noModel(): TenancyError {
  return new TenancyError('INVALID_CONFIG', 'No permission model: pass `permissions` to createTenancy().');
}

function withoutTenantResult<TPermission extends string>(
  principal: Principal | undefined,
): ResolvedRequest<TPermission> {
  return {
    tenant: undefined,
    principal,
    membership: undefined,
    context: undefined,
    sources: [],
    can: () => false,
    assert: () => {
      throw new TenancyError('TENANT_REQUIRED', 'This request names no tenant.');
    },
  };
}

function anonymousResult<TPermission extends string>(
  tenant: TenantRecord,
  context: TenantContext | undefined,
  sources: readonly string[],
): ResolvedRequest<TPermission> {
  return {
    tenant,
    principal: undefined,
    membership: undefined,
    context,
    sources,
    can: () => false,
    assert: () => {
      throw new TenancyError('UNAUTHENTICATED', 'Sign in to do this.');
    },
  };
}

// Whether nothing reachable from the membership that a grant reads (its roles, its workspaces and their roles) can
// change any more.
function isDeeplyFrozen(membership: Membership): boolean {
  if (!Object.isFrozen(membership) || !Object.isFrozen(membership.roles)) return false;
  const workspaces = membership.workspaces;
  if (workspaces === undefined) return true;
  if (!Object.isFrozen(workspaces)) return false;
  for (const workspace of workspaces) {
    if (!Object.isFrozen(workspace) || !Object.isFrozen(workspace.roles)) return false;
  }
  return true;
}

function isCachedStore(store: TenantStore): store is CachedTenantStore {
  const s = store as Partial<CachedTenantStore>;
  return typeof s.invalidateTenant === 'function' && typeof s.stats === 'function';
}

// `cache: false`: the store as it is, with the cache's invalidation calls as no-ops, so callers need not branch.
function passThroughCache(store: TenantStore): CachedTenantStore {
  return {
    findById: (id) => store.findById(id),
    findBySlug: (slug) => store.findBySlug(slug),
    findByDomain: (domain) => store.findByDomain(domain),
    getMembership: (tenantId, userId) => store.getMembership(tenantId, userId),
    listMemberships: (userId) => store.listMemberships(userId),
    invalidateTenant: () => {},
    invalidateMembership: () => {},
    clear: () => {},
    stats: () => ({ hits: 0, misses: 0, loads: 0 }),
  };
}
