import type { TenancyErrorHandlerOptions } from '@tenancy/express';
import { PROBLEM_JSON, tenancyErrorHandler } from '@tenancy/express';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { NotFoundError } from './not-found.js';

const notFoundProblem = (detail: string) => ({
  type: 'about:blank',
  title: 'Not Found',
  status: 404,
  detail,
  code: 'NOT_FOUND',
});

/** Answers requests no route matched: 404 problem+json, like every other error of the API. */
export const unknownRoute: RequestHandler = (_req, res) => {
  res
    .status(404)
    .type(PROBLEM_JSON)
    .send(JSON.stringify(notFoundProblem('No such endpoint.')));
};

/**
 * The app's error handler: its own NotFoundError as 404 `NOT_FOUND`, everything else through the adapter's handler
 * (TenancyError codes with their status, malformed JSON as 400 INVALID_INPUT, anything unexpected as a generic 500).
 */
export function errorHandler(options: TenancyErrorHandlerOptions = {}): ErrorRequestHandler {
  const tenancyHandler = tenancyErrorHandler(options);
  return (error, req, res, next) => {
    if (error instanceof NotFoundError && !res.headersSent) {
      res
        .status(404)
        .type(PROBLEM_JSON)
        .send(JSON.stringify(notFoundProblem(error.message)));
      return;
    }
    tenancyHandler(error, req, res, next);
  };
}
