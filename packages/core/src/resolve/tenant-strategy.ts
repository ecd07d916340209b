import type { Principal } from '../model/principal.js';

/** What a candidate names a tenant by; each maps to one `TenantStore` lookup. */
export type TenantCandidateKind = 'id' | 'slug' | 'domain';

/**
 * A tenant named by one strategy for one request, not yet validated or looked up. `source` names the strategy
 * (`subdomain`, `header:x-tenant-id`, …) in results and error messages.
 */
export interface TenantCandidate {
  readonly kind: TenantCandidateKind;
  readonly value: string;
  readonly source: string;
}

/**
 * The request as strategies see it. Everything is computed at most once per request and only when a strategy asks:
 * a resolver without host strategies never parses the host, one without a query strategy never builds a `URL`.
 */
export interface ResolutionInput {
  /**
   * The request as a web `Request`. When the adapter passed a `RequestLike` (the Express adapter does), the first read
   * builds it: read headers with {@link ResolutionInput.header}, and the host, path and query below, where you can.
   */
  readonly request: Request;
  /** One request header (case-insensitive) as `Headers.get` returns it, a repeated one joined with ", ". */
  header(name: string): string | null;
  /** The verified principal passed to `resolve(request, { principal })`, if any. */
  readonly principal: Principal | undefined;
  /**
   * The normalized host the client asked for: from the trusted proxy header when `trustProxy` is set and the proxy
   * sent one, else the `Host` header, else the request URL. Reading it throws `INVALID_INPUT` when it is malformed.
   */
  readonly host: string;
  /** The URL path as serialized by the WHATWG URL parser (dot segments removed, still percent-encoded). */
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
  /** Slugs no tenant can have (the resolver's `reservedSlugs`). */
  readonly reservedSlugs: ReadonlySet<string>;
  /** True when `host` is one of the platform's own domains or under one (base domains, `platformDomains`). */
  isPlatformHost(host: string): boolean;
}

/**
 * One way of finding the tenant in a request. Build them with `fromSubdomain()`, `fromCustomDomain()`, `fromPath()`,
 * `fromHeader()`, `fromQuery()`, `fromJwtClaim()`, `fromCallback()`, or implement this interface. `resolve` returns
 * `undefined` when the request says nothing about the tenant, and throws `INVALID_INPUT` when it says something
 * malformed. The resolver validates every candidate again, so a custom strategy cannot let a bad identifier through.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#strategies
 */
export interface TenantStrategy {
  /** Unique within a resolver; reported in `TenantResolution.sources` and in `TENANT_AMBIGUOUS` messages. */
  readonly source: string;
  /**
   * Domains this strategy serves as the platform's own (the subdomain strategy's base domain). The custom-domain
   * strategy never looks these hosts, or hosts under them, up in the store.
   */
  readonly platformDomains?: readonly string[] | undefined;
  resolve(input: ResolutionInput): TenantCandidate | undefined | Promise<TenantCandidate | undefined>;
}
