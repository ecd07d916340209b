import { PROBLEM_JSON, toProblemDetails } from '@tenancy/core';

/** An `application/problem+json` response for `error` (the body decided by core); never a stack trace or a cause. */
export function problemResponse(error: unknown): Response {
  const problem = toProblemDetails(error);
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_JSON, 'cache-control': 'no-store' },
  });
}
