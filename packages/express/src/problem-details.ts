import type { TenancyError, TenancyErrorCode } from '@tenancy/core';
import { httpStatusOf } from '@tenancy/core';

/** An RFC 9457 problem details body, as the error handler sends it with `Content-Type: application/problem+json`. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The TenancyError code, when the problem is one. */
  readonly code?: TenancyErrorCode | undefined;
}

const DOCS = 'https://github.com/tenancy/tenancy/blob/main/docs/errors.md';

/** The media type of {@link ProblemDetails} bodies. */
export const PROBLEM_JSON = 'application/problem+json';

/** The body for a server-side failure: nothing about what failed reaches the client. */
export const INTERNAL_PROBLEM: ProblemDetails = {
  type: 'about:blank',
  title: 'Internal Server Error',
  status: 500,
  detail: 'The server failed to handle the request.',
};

/**
 * The problem body for a TenancyError. 4xx messages are written to be shown to the caller (core never puts another
 * tenant's data or a secret in them); 5xx messages may describe the server's configuration, so they are replaced.
 */
export function problemOfTenancyError(error: TenancyError): ProblemDetails {
  const status = httpStatusOf(error.code);
  return {
    type: `${DOCS}#${error.code.toLowerCase()}`,
    title: titleOf(error.code),
    status,
    detail: status >= 500 ? INTERNAL_PROBLEM.detail : error.message,
    code: error.code,
  };
}

// "TENANT_NOT_FOUND" -> "Tenant not found": the title names the kind of problem, the same for every occurrence.
function titleOf(code: TenancyErrorCode): string {
  const words = code.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
