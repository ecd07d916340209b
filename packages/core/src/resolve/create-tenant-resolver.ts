import { z } from 'zod';
import { TenancyError } from '../errors/tenancy-error.js';
import type { Principal } from '../model/principal.js';
import type { TenantRecord } from '../model/tenant.js';
import type { TenantStore } from '../model/tenant-store.js';
import type { TenantPeek } from '../store/cache-peek.js';
import { peekOf } from '../store/cache-peek.js';
import { domainSchema } from './config-schemas.js';
import type { TrustedProxy, TrustProxyOption } from './forwarded-host.js';
import { isIpHost, normalizeHostFrom } from './normalize-host.js';
import { parseConfig } from './parse-config.js';
import { DEFAULT_RESERVED_SLUGS, parseSlugFrom } from './parse-slug.js';
import type { TenantIdFormat } from './parse-tenant-id.js';
import { parseTenantIdFrom, TENANT_ID_FORMATS } from './parse-tenant-id.js';
import type { RequestLike } from './request-like.js';
import type { RequestRules } from './request-view.js';
import { RequestView } from './request-view.js';
import type { TenantCandidate, TenantStrategy } from './tenant-strategy.js';

/** Options for {@link createTenantResolver}. */
export interface TenantResolverOptions {
  /** Evaluated in order; the first that names a tenant decides, every other one that names a tenant must agree. */
  strategies: readonly TenantStrategy[];
  /** Where candidates are looked up; wrap it with `createCachedTenantStore` in production. */
  store: TenantStore;
  /** Format of tenant ids from headers, claims, paths. Default `uuid`. */
  idFormat?: TenantIdFormat | undefined;
  /** Slugs no tenant can have; a reserved subdomain names nothing. Default `DEFAULT_RESERVED_SLUGS`. */
  reservedSlugs?: readonly string[] | undefined;
  /** The platform's own domains, never looked up as custom domains (base domains of subdomain strategies are added). */
  platformDomains?: readonly string[] | undefined;
  /** Which proxy may report the client's host. Default `false`: forwarded headers are ignored. */
  trustProxy?: TrustProxyOption | undefined;
}

/** Per-request input of a {@link TenantResolver}. */
export interface ResolveOptions {
  /** The principal, already verified (e.g. by `createIdentity().authenticate`), for `fromJwtClaim`. */
  principal?: Principal | undefined;
  /**
   * Resolve a suspended tenant instead of refusing it. Only for the audited platform path, where operators inspect,
   * export or resume suspended tenants; every other path must leave it unset.
   */
  allowSuspended?: boolean | undefined;
}

/** A request whose strategies agreed on one active tenant. */
export interface ResolvedTenant {
  readonly tenant: TenantRecord;
  /** The strategy that decided. */
  readonly source: string;
  /** Every strategy that named the tenant, in evaluation order; `sources[0] === source`. */
  readonly sources: readonly string[];
}

/** A request that names no tenant (e.g. the sign-up page). Whether that is an error is the caller's decision. */
export interface NoTenant {
  readonly tenant: undefined;
  readonly source: undefined;
  readonly sources: readonly [];
}

/** The outcome of resolving one request; check `tenant === undefined` for "no tenant". */
export type TenantResolution = ResolvedTenant | NoTenant;

/**
 * Resolves the tenant of a request (a web `Request` or an adapter's {@link RequestLike}). Throws `INVALID_INPUT`,
 * `TENANT_NOT_FOUND`, `TENANT_SUSPENDED`, `TENANT_AMBIGUOUS`.
 */
export type TenantResolver = (request: Request | RequestLike, options?: ResolveOptions) => Promise<TenantResolution>;

const NO_TENANT: NoTenant = Object.freeze({ tenant: undefined, source: undefined, sources: Object.freeze([]) as [] });

const isStrategy = (v: unknown): v is TenantStrategy =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as TenantStrategy).source === 'string' &&
  (v as TenantStrategy).source.length > 0 &&
  typeof (v as TenantStrategy).resolve === 'function';

const isStore = (v: unknown): v is TenantStore =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as TenantStore).findById === 'function' &&
  typeof (v as TenantStore).findBySlug === 'function' &&
  typeof (v as TenantStore).findByDomain === 'function';

const optionsSchema = z.strictObject({
  strategies: z
    .array(z.custom<TenantStrategy>(isStrategy, 'must be a strategy (fromSubdomain(), fromHeader(), …)'))
    .min(1, 'needs at least one strategy')
    .superRefine((strategies, ctx) => {
      const seen = new Set<string>();
      strategies.forEach((s, i) => {
        if (seen.has(s.source)) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `duplicate source "${s.source}": give one of them a "source" option`,
          });
        }
        seen.add(s.source);
      });
    }),
  store: z.custom<TenantStore>(isStore, 'must implement TenantStore (findById, findBySlug, findByDomain)'),
  idFormat: z.enum(TENANT_ID_FORMATS).optional(),
  reservedSlugs: z.array(z.string().regex(/^[a-z0-9-]{1,63}$/, 'must be a lowercase slug')).optional(),
  platformDomains: z.array(domainSchema).optional(),
  trustProxy: z
    .union([
      z.boolean(),
      z.strictObject({
        hops: z.number().int().min(1).max(16).optional(),
        header: z.enum(['x-forwarded-host', 'forwarded']).optional(),
      }),
    ])
    .optional(),
});

/**
 * Builds the tenant resolver for web `Request`s (or adapters' `RequestLike`s) from an ordered list of strategies. The
 * options are validated now (`INVALID_CONFIG` naming the bad path), so a bad config fails at startup. Per request,
 * every strategy runs; each candidate is validated (`INVALID_INPUT`, before any store call); the first candidate is
 * looked up and decides; every other candidate must name the same tenant (`TENANT_AMBIGUOUS`). Unknown or deleted
 * tenants are `TENANT_NOT_FOUND`, suspended ones `TENANT_SUSPENDED`; a request that names no tenant resolves to
 * `tenant: undefined`.
 * @example
 * const resolveTenant = createTenantResolver({
 *   store,
 *   strategies: [fromSubdomain({ baseDomain: 'example.com' }), fromCustomDomain(), fromHeader()],
 *   trustProxy: true,
 * });
 * const { tenant, sources } = await resolveTenant(request, { principal });
 * if (tenant === undefined) return new Response('Pick a workspace', { status: 400 });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md
 */
export function createTenantResolver(options: TenantResolverOptions): TenantResolver {
  const resolveEager = createEagerTenantResolver(options);
  return async function resolveTenant(
    request: Request | RequestLike,
    resolveOptions?: ResolveOptions,
  ): Promise<TenantResolution> {
    return resolveEager(request, resolveOptions);
  };
}

/**
 * A {@link TenantResolver} that answers without a promise when it can: when every strategy answered synchronously and
 * the store's cache held every lookup (the common case of a warm cache). Otherwise it returns a promise. It may throw
 * instead of rejecting.
 */
export type EagerTenantResolver = (
  request: Request | RequestLike,
  options?: ResolveOptions,
) => TenantResolution | Promise<TenantResolution>;

/** The resolver behind {@link createTenantResolver}, for callers that save the promise when they can (`createTenancy`). */
export function createEagerTenantResolver(options: TenantResolverOptions): EagerTenantResolver {
  const config = parseConfig(optionsSchema, options, 'createTenantResolver()');
  const strategies: readonly TenantStrategy[] = [...config.strategies];
  const store = config.store;
  const idFormat: TenantIdFormat = config.idFormat ?? 'uuid';
  const reservedSlugs: ReadonlySet<string> = new Set(config.reservedSlugs ?? DEFAULT_RESERVED_SLUGS);

  const platformDomains = [...(config.platformDomains ?? [])];
  strategies.forEach((strategy, i) => {
    for (const domain of strategy.platformDomains ?? []) {
      platformDomains.push(
        parseConfig(domainSchema, domain, `createTenantResolver(): strategies.${i}.platformDomains`),
      );
    }
  });
  const rules: RequestRules = {
    trustProxy: toTrustedProxy(config.trustProxy),
    reservedSlugs,
    platformDomains,
    platformSuffixes: platformDomains.map((d) => `.${d}`),
  };

  // Canonical form of a candidate, or INVALID_INPUT naming its source. Returns the same object when nothing changed,
  // so the common case allocates nothing.
  const canonical = (candidate: TenantCandidate, source: string): TenantCandidate => {
    if (typeof candidate !== 'object' || candidate === null) {
      throw new TenancyError('INTERNAL', `The strategy "${source}" returned something that is not a candidate.`);
    }
    const { kind, value } = candidate;
    if (typeof value !== 'string') {
      throw new TenancyError('INVALID_INPUT', `The tenant from "${source}" is not a string.`, {
        details: { source },
      });
    }
    let normalized: string;
    switch (kind) {
      case 'id':
        normalized = parseTenantIdFrom(value, idFormat, `The tenant id from "${source}"`);
        break;
      case 'slug':
        normalized = parseSlugFrom(value, reservedSlugs, `The tenant slug from "${source}"`);
        break;
      case 'domain':
        normalized = normalizeHostFrom(value, `The tenant domain from "${source}"`);
        if (isIpHost(normalized)) {
          throw new TenancyError('INVALID_INPUT', `The tenant domain from "${source}" is an IP address.`, {
            details: { field: 'host', source },
          });
        }
        break;
      default:
        throw new TenancyError('INTERNAL', `The strategy "${source}" returned a candidate of unknown kind.`);
    }
    return normalized === value && candidate.source === source ? candidate : { kind, value: normalized, source };
  };

  // From here on every step answers without a promise while the strategies answer synchronously and the cached store
  // holds what is looked up; the first step that needs a promise continues the rest asynchronously (collectRest,
  // lookupAndSettle, agreeRest), with the same checks in the same order.

  const add = (found: Candidates, result: TenantCandidate | null | undefined, source: string): void => {
    if (result === undefined || result === null) return;
    const candidate = canonical(result, source);
    if (found.first === undefined) found.first = candidate;
    else if (found.others === undefined) found.others = [candidate];
    else found.others.push(candidate);
  };

  // The strategies from `index` on, once the one at `index` answered with a promise.
  const collectRest = async (
    input: RequestView,
    found: Candidates,
    index: number,
    pending: Promise<TenantCandidate | undefined>,
  ): Promise<void> => {
    add(found, await pending, (strategies[index] as TenantStrategy).source);
    for (let i = index + 1; i < strategies.length; i++) {
      const strategy = strategies[i] as TenantStrategy;
      let result = strategy.resolve(input);
      if (result instanceof Promise) result = await result;
      add(found, result, strategy.source);
    }
  };

  const finish = (
    tenant: TenantRecord,
    first: TenantCandidate,
    sources: string[],
    resolveOptions: ResolveOptions | undefined,
  ): ResolvedTenant => {
    if (tenant.status === 'suspended' && resolveOptions?.allowSuspended !== true) {
      throw new TenancyError('TENANT_SUSPENDED', 'This tenant is suspended; nothing can run on its behalf.', {
        details: { source: first.source },
      });
    }
    return { tenant, source: first.source, sources };
  };

  // The candidates from `index` on, once the one at `index` needs the store to tell whether it agrees.
  const agreeRest = async (
    tenant: TenantRecord,
    first: TenantCandidate,
    others: readonly TenantCandidate[],
    index: number,
    sources: string[],
    resolveOptions: ResolveOptions | undefined,
  ): Promise<ResolvedTenant> => {
    for (let i = index; i < others.length; i++) {
      const other = others[i] as TenantCandidate;
      if (!(await agrees(store, tenant, first, other))) throw ambiguous(first, other);
      sources.push(other.source);
    }
    return finish(tenant, first, sources, resolveOptions);
  };

  const settle = (
    tenant: TenantRecord | null,
    first: TenantCandidate,
    others: readonly TenantCandidate[] | undefined,
    resolveOptions: ResolveOptions | undefined,
  ): ResolvedTenant | Promise<ResolvedTenant> => {
    // Deleted (and any status we do not know) reads exactly like unknown: existence must not leak.
    if (tenant === null || (tenant.status !== 'active' && tenant.status !== 'suspended')) {
      throw new TenancyError('TENANT_NOT_FOUND', `No tenant matches the ${first.kind} from "${first.source}".`, {
        details: { source: first.source },
      });
    }
    if ((first.kind === 'id' && tenant.id !== first.value) || (first.kind === 'slug' && tenant.slug !== first.value)) {
      throw new TenancyError('INTERNAL', `The tenant store returned a tenant that does not match the ${first.kind}.`);
    }

    const sources: string[] = [first.source];
    if (others !== undefined) {
      for (let i = 0; i < others.length; i++) {
        const other = others[i] as TenantCandidate;
        const agreed = agreesFromCache(store, tenant, first, other);
        if (agreed === undefined) return agreeRest(tenant, first, others, i, sources, resolveOptions);
        if (!agreed) throw ambiguous(first, other);
        sources.push(other.source);
      }
    }
    return finish(tenant, first, sources, resolveOptions);
  };

  const lookupAndSettle = async (
    first: TenantCandidate,
    others: readonly TenantCandidate[] | undefined,
    resolveOptions: ResolveOptions | undefined,
  ): Promise<ResolvedTenant> => settle(await lookup(store, first), first, others, resolveOptions);

  const decide = (
    found: Candidates,
    resolveOptions: ResolveOptions | undefined,
  ): TenantResolution | Promise<TenantResolution> => {
    const { first, others } = found;
    if (first === undefined) return NO_TENANT;
    const cached = peekTenant(store, first);
    return cached === undefined
      ? lookupAndSettle(first, others, resolveOptions)
      : settle(cached, first, others, resolveOptions);
  };

  return function resolveTenant(request, resolveOptions) {
    const input = new RequestView(request, resolveOptions?.principal, rules);
    const found: Candidates = { first: undefined, others: undefined };
    // Every strategy runs and every candidate is validated before the first store call: malformed input never
    // reaches a store, and a request cannot pass by hiding a conflicting claim behind the first match.
    for (let i = 0; i < strategies.length; i++) {
      const strategy = strategies[i] as TenantStrategy;
      const result = strategy.resolve(input);
      if (result instanceof Promise) {
        return collectRest(input, found, i, result).then(() => decide(found, resolveOptions));
      }
      add(found, result, strategy.source);
    }
    return decide(found, resolveOptions);
  };
}

/**
 * Resolves the tenant of one request without keeping a resolver: validates `options` on every call. Prefer
 * {@link createTenantResolver} on a request path.
 * @example
 * const { tenant } = await resolveTenant(request, { store, strategies: [fromPath()] });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md
 */
export function resolveTenant(
  request: Request | RequestLike,
  options: TenantResolverOptions & ResolveOptions,
): Promise<TenantResolution> {
  const { principal, ...resolverOptions } = options;
  return createTenantResolver(resolverOptions)(request, { principal });
}

// What `lookup` would answer from a cached store's memory; `undefined` when only the store's method can tell.
function peekTenant(store: TenantStore, candidate: TenantCandidate): TenantRecord | null | undefined {
  const method =
    candidate.kind === 'id' ? store.findById : candidate.kind === 'slug' ? store.findBySlug : store.findByDomain;
  return peekOf<TenantPeek>(method)?.(candidate.value);
}

function lookup(store: TenantStore, candidate: TenantCandidate): Promise<TenantRecord | null> {
  switch (candidate.kind) {
    case 'id':
      return store.findById(candidate.value);
    case 'slug':
      return store.findBySlug(candidate.value);
    default:
      return store.findByDomain(candidate.value);
  }
}

// Whether a later candidate names the tenant the first one decided. Ids and slugs are compared without a store call;
// any mismatch is TENANT_AMBIGUOUS, whether or not the other tenant exists, so the answer is never an existence oracle.
async function agrees(
  store: TenantStore,
  tenant: TenantRecord,
  first: TenantCandidate,
  other: TenantCandidate,
): Promise<boolean> {
  const known = agreesFromCache(store, tenant, first, other);
  if (known !== undefined) return known;
  const record = await store.findByDomain(other.value);
  return record !== null && record.id === tenant.id;
}

// {@link agrees} without a promise: `undefined` when only the store can tell (a domain a cached store does not hold,
// or any domain of a store without a cache).
function agreesFromCache(
  store: TenantStore,
  tenant: TenantRecord,
  first: TenantCandidate,
  other: TenantCandidate,
): boolean | undefined {
  switch (other.kind) {
    case 'id':
      return other.value === tenant.id;
    case 'slug':
      return other.value === tenant.slug;
    default: {
      if (first.kind === 'domain' && first.value === other.value) return true;
      const record = peekOf<TenantPeek>(store.findByDomain)?.(other.value);
      return record === undefined ? undefined : record !== null && record.id === tenant.id;
    }
  }
}

function ambiguous(first: TenantCandidate, other: TenantCandidate): TenancyError {
  return new TenancyError(
    'TENANT_AMBIGUOUS',
    `The tenant from "${first.source}" and the tenant from "${other.source}" differ; a request must name one tenant.`,
    { details: { sources: [first.source, other.source] } },
  );
}

/** The candidates of one request, in the order of the strategies that named them. */
interface Candidates {
  first: TenantCandidate | undefined;
  others: TenantCandidate[] | undefined;
}

function toTrustedProxy(option: TrustProxyOption | undefined): TrustedProxy | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { hops: 1, header: 'x-forwarded-host' };
  return { hops: option.hops ?? 1, header: option.header ?? 'x-forwarded-host' };
}
