import type { RequestLike, RequestLikeHeaders } from '@tenancy/core';
import type { Request as ExpressRequest } from 'express';
import type { RequestTarget } from './request-target.js';
import { isForbiddenMethod, isHiddenHeader, requestTargetOf, unsupportedMethod } from './request-target.js';
import { buildWebRequest } from './to-web-request.js';

/**
 * What `tenancyMiddleware()` hands core: the request as a `RequestLike` that reads each header from the Node request
 * when core asks for it, instead of copying every header into a web `Request` up front. It serves what `toWebRequest()`
 * would: the same URL, the same header values (the same hidden ones), the same refusals in the same order, and that
 * very `Request` when a strategy asks for `input.request`.
 */
export function toRequestLike(req: ExpressRequest): RequestLike {
  const target = requestTargetOf(req);
  // Building a `Request` would refuse these; refuse them now, whether or not anything builds one later.
  if (isForbiddenMethod(req.method)) throw unsupportedMethod(req.method);
  return new ExpressRequestLike(req, target);
}

class ExpressRequestLike implements RequestLike {
  readonly headers: RequestLikeHeaders;
  readonly #req: ExpressRequest;
  readonly #target: RequestTarget;
  #href: string | undefined;
  #request: Request | undefined;

  constructor(req: ExpressRequest, target: RequestTarget) {
    this.headers = new RawHeaders(req.rawHeaders, target.host);
    this.#req = req;
    this.#target = target;
  }

  // Only path and query strategies read it; the subdomain, header and claim strategies never do.
  get url(): string {
    this.#href ??= this.#target.url.href;
    return this.#href;
  }

  toRequest(): Request {
    this.#request ??= buildWebRequest(this.#req, this.#target);
    return this.#request;
  }
}

// `req.headers` will not do: Node keeps only the first of a repeated Authorization (or Host, User-Agent, …) header
// and joins repeated cookies with "; ". A web `Request` joins every repeated header with ", ", and core relies on
// that: two Authorization headers must read as one malformed value, two tenant headers as "a, b". So the values come
// from `rawHeaders`, as they arrived, and are joined the way `Headers` joins them.
class RawHeaders implements RequestLikeHeaders {
  readonly #raw: readonly string[];
  readonly #host: string;

  constructor(raw: readonly string[], host: string) {
    this.#raw = raw;
    this.#host = host;
  }

  get(name: string): string | null {
    const key = name.toLowerCase();
    if (key === 'host') return this.#host;
    if (isHiddenHeader(key)) return null;
    const raw = this.#raw;
    let value: string | null = null;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const field = raw[i] as string;
      // The length check first: most fields are ruled out without lowercasing them.
      if (field.length !== key.length || field.toLowerCase() !== key) continue;
      const next = trimHttpWhitespace(raw[i + 1] as string);
      value = value === null ? next : `${value}, ${next}`;
    }
    return value;
  }
}

// `Headers` strips leading and trailing HTTP whitespace (tab, LF, CR, space) from every value. Node's parser already
// does for values it parsed; this keeps the two equal for anything else that fills `rawHeaders`.
function trimHttpWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function isHttpWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}
