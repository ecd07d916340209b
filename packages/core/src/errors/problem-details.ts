import type { TenancyErrorCode } from './codes.js';
import { httpStatusOf } from './codes.js';
import { isTenancyError } from './tenancy-error.js';

/**
 * An RFC 9457 problem details body: what every adapter answers a failed request with, as
 * `Content-Type: application/problem+json`.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/errors.md
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The TenancyError code, when the problem is one. */
  readonly code?: TenancyErrorCode | undefined;
}

/** The media type of {@link ProblemDetails} bodies. */
export const PROBLEM_JSON = 'application/problem+json';

const DOCS = 'https://github.com/tenancy/tenancy/blob/main/docs/errors.md';

const INTERNAL: ProblemDetails = Object.freeze({
  type: 'about:blank',
  title: 'Internal Server Error',
  status: 500,
  detail: 'The server failed to handle the request.',
});

/**
 * The problem body for any error. A TenancyError gets its status and code; its 4xx message is written to be shown to
 * the caller (core never puts another tenant's data or a secret in it), while a 5xx message may describe the server's
 * configuration and is replaced. Anything else is a generic 500 that says nothing about what failed.
 * @example
 * const problem = toProblemDetails(error);
 * return new Response(JSON.stringify(problem), { status: problem.status, headers: { 'content-type': PROBLEM_JSON } });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/errors.md
 */
export function toProblemDetails(error: unknown): ProblemDetails {
  if (!isTenancyError(error)) return INTERNAL;
  const status = httpStatusOf(error.code);
  // "TENANT_NOT_FOUND" -> "Tenant not found": the title names the kind of problem, the same for every occurrence.
  const words = error.code.toLowerCase().split('_').join(' ');
  return {
    type: `${DOCS}#${error.code.toLowerCase()}`,
    title: words.charAt(0).toUpperCase() + words.slice(1),
    status,
    detail: status >= 500 ? INTERNAL.detail : error.message,
    code: error.code,
  };
}
