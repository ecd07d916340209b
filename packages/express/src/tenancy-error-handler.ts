import { STATUS_CODES } from 'node:http';
import type { ProblemDetails } from '@tenancy/core';
import { isTenancyError, PROBLEM_JSON, TenancyError, toProblemDetails } from '@tenancy/core';
import type { ErrorRequestHandler, Request } from 'express';

/** Options for {@link tenancyErrorHandler}. */
export interface TenancyErrorHandlerOptions {
  /**
   * Called with every error answered as 500 (non-tenancy errors, and DATABASE_ERROR, INTERNAL, INVALID_CONFIG), for
   * your logger. Default: `console.error`. The client never sees these errors.
   */
  onError?: ((error: unknown, req: Request) => void) | undefined;
}

/**
 * Answers errors as `application/problem+json` (RFC 9457: type, title, status, detail, code). TenancyErrors get the
 * status of `httpStatusOf(code)`; a malformed JSON body is a 400 INVALID_INPUT; other client errors marked
 * `expose` (http-errors, body-parser: too large, bad charset) keep their 4xx status and message; anything else is a 500 with a generic body, passed to `onError`. No stack trace or cause is ever sent.
 * @example
 * app.use(tenancyErrorHandler({ onError: (error) => logger.error(error) }));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/express.md#errors
 */
export function tenancyErrorHandler(options: TenancyErrorHandlerOptions = {}): ErrorRequestHandler {
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  return function tenancyErrorHandler(error: unknown, req, res, next): void {
    // Once the headers are out, only Express's own handler can end the response (it closes the connection).
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = problemOf(error);
    if (problem.status >= 500) reportSafely(onError, error, req);
    res.status(problem.status).type(PROBLEM_JSON).send(JSON.stringify(problem));
  };
}

function problemOf(error: unknown): ProblemDetails {
  if (isTenancyError(error)) return toProblemDetails(error);
  if (isExposedClientError(error)) {
    if (error.type === 'entity.parse.failed') {
      // body-parser's message quotes part of the body; a fixed text is enough for the caller and safe to log.
      return toProblemDetails(new TenancyError('INVALID_INPUT', 'The request body is not valid JSON.'));
    }
    const status = error.status ?? error.statusCode ?? 400;
    return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Bad Request', status, detail: error.message };
  }
  return toProblemDetails(error);
}

interface ExposedClientError {
  readonly type?: unknown;
  readonly status?: number | undefined;
  readonly statusCode?: number | undefined;
  readonly expose: true;
  readonly message: string;
}

// The http-errors convention that body-parser (malformed or oversized body, unsupported charset) and many other
// middlewares follow: `expose: true` marks a 4xx whose message was written for the client.
function isExposedClientError(error: unknown): error is ExposedClientError {
  if (!(error instanceof Error)) return false;
  const { status, statusCode, expose } = error as Partial<ExposedClientError>;
  const code = status ?? statusCode;
  return expose === true && typeof code === 'number' && Number.isInteger(code) && code >= 400 && code < 500;
}

function reportSafely(onError: (error: unknown, req: Request) => void, error: unknown, req: Request): void {
  try {
    onError(error, req);
  } catch {
    // A failing logger must not turn a 500 answer into a hung request.
  }
}
