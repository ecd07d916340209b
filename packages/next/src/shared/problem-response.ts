import type { TenancyErrorCode } from '@tenancy/core';
import { httpStatusOf, isTenancyError } from '@tenancy/core';

const DOCS = 'https://github.com/tenancy/tenancy/blob/main/docs/errors.md';

/** An RFC 9457 problem details body. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code?: TenancyErrorCode | undefined;
}

const INTERNAL: ProblemDetails = {
  type: 'about:blank',
  title: 'Internal Server Error',
  status: 500,
  detail: 'The server failed to handle the request.',
};

/**
 * The problem details for any error: a TenancyError gets its status and code (its 4xx message is written for the
 * caller; a 5xx message may describe the server, so it is replaced); anything else is a generic 500.
 */
export function problemOf(error: unknown): ProblemDetails {
  if (!isTenancyError(error)) return INTERNAL;
  const status = httpStatusOf(error.code);
  const words = error.code.toLowerCase().split('_').join(' ');
  return {
    type: `${DOCS}#${error.code.toLowerCase()}`,
    title: words.charAt(0).toUpperCase() + words.slice(1),
    status,
    detail: status >= 500 ? INTERNAL.detail : error.message,
    code: error.code,
  };
}

/** An `application/problem+json` response for `error`; never a stack trace or a cause. */
export function problemResponse(error: unknown): Response {
  const problem = problemOf(error);
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
  });
}
