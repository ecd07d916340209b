import { TenancyError } from '../errors/tenancy-error.js';
import type { Principal } from '../model/principal.js';
import type { TrustedProxy } from './forwarded-host.js';
import { pickForwardedHost } from './forwarded-host.js';
import { normalizeHostFrom } from './normalize-host.js';
import type { RequestLike } from './request-like.js';
import { isRequestLike } from './request-like.js';
import type { ResolutionInput } from './tenant-strategy.js';

/** What a compiled resolver shares with every request it sees. */
export interface RequestRules {
  readonly trustProxy: TrustedProxy | undefined;
  readonly reservedSlugs: ReadonlySet<string>;
  /** Normalized platform domains. */
  readonly platformDomains: readonly string[];
  /** `'.' + domain` for each platform domain, precomputed for suffix checks. */
  readonly platformSuffixes: readonly string[];
}

/**
 * The lazily computed view of one request that strategies read. One allocation per request; the host, the path and
 * the `URL` are each computed at most once and only when a strategy asks, and so is the web `Request` when the adapter
 * passed a {@link RequestLike}.
 */
export class RequestView implements ResolutionInput {
  readonly principal: Principal | undefined;
  // A property, not a method: callbacks destructure their input (`({ header }) => header('x-org')`).
  readonly header: (name: string) => string | null;
  readonly reservedSlugs: ReadonlySet<string>;
  readonly #source: Request | RequestLike;
  readonly #rules: RequestRules;
  #request: Request | undefined;
  #host: string | undefined;
  #pathname: string | undefined;
  #url: URL | undefined;

  constructor(source: Request | RequestLike, principal: Principal | undefined, rules: RequestRules) {
    this.principal = principal;
    this.reservedSlugs = rules.reservedSlugs;
    this.#source = source;
    this.#rules = rules;
    this.header = (name) => source.headers.get(name);
  }

  get request(): Request {
    this.#request ??= isRequestLike(this.#source) ? this.#source.toRequest() : this.#source;
    return this.#request;
  }

  get host(): string {
    this.#host ??= this.#readHost();
    return this.#host;
  }

  get pathname(): string {
    this.#pathname ??= this.#readPathname();
    return this.#pathname;
  }

  get searchParams(): URLSearchParams {
    // No '?' in the serialized URL means no query: skip building a URL for the common case.
    if (this.#url === undefined && this.#source.url.indexOf('?') === -1) return new URLSearchParams();
    return this.#parsedUrl().searchParams;
  }

  isPlatformHost(host: string): boolean {
    const { platformDomains, platformSuffixes } = this.#rules;
    for (let i = 0; i < platformDomains.length; i++) {
      if (host === platformDomains[i] || host.endsWith(platformSuffixes[i] as string)) return true;
    }
    return false;
  }

  #readHost(): string {
    const proxy = this.#rules.trustProxy;
    if (proxy !== undefined) {
      const forwarded = pickForwardedHost(this.#source.headers, proxy);
      if (forwarded !== undefined) {
        return normalizeHostFrom(
          forwarded,
          proxy.header === 'forwarded' ? 'The host in the Forwarded header' : 'The X-Forwarded-Host header',
        );
      }
    }
    const header = this.#source.headers.get('host');
    if (header !== null) return normalizeHostFrom(header, 'The Host header');
    const host = this.#parsedUrl().host;
    if (host === '')
      throw new TenancyError('INVALID_INPUT', 'The request has no host.', { details: { field: 'host' } });
    return normalizeHostFrom(host, 'The request URL host');
  }

  #readPathname(): string {
    // `url` is a serialized WHATWG URL: for http(s) the authority holds no '/', '?' or '#', so the path is everything
    // from the first '/' after "://" up to '?' or '#'. Cutting the string avoids building a URL.
    const url = this.#source.url;
    const scheme = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1;
    if (scheme === -1) return this.#parsedUrl().pathname;
    const slash = url.indexOf('/', scheme);
    if (slash === -1) return '/';
    let end = url.length;
    const query = url.indexOf('?', slash);
    if (query !== -1) end = query;
    const hash = url.indexOf('#', slash);
    if (hash !== -1 && hash < end) end = hash;
    return url.slice(slash, end);
  }

  #parsedUrl(): URL {
    this.#url ??= new URL(this.#source.url);
    return this.#url;
  }
}
