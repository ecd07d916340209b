import { describe, expect, it } from 'vitest';
import { PROBLEM_JSON, toProblemDetails } from './problem-details.js';
import { TenancyError } from './tenancy-error.js';

describe('toProblemDetails', () => {
  it('maps a 4xx TenancyError to its status, code, title and its own message', () => {
    expect(toProblemDetails(new TenancyError('TENANT_NOT_FOUND', 'No such tenant.'))).toEqual({
      type: 'https://github.com/tenancy/tenancy/blob/main/docs/errors.md#tenant_not_found',
      title: 'Tenant not found',
      status: 404,
      detail: 'No such tenant.',
      code: 'TENANT_NOT_FOUND',
    });
  });

  it('replaces the message of a 5xx TenancyError, which may describe the server', () => {
    const problem = toProblemDetails(new TenancyError('INVALID_CONFIG', 'secret at path jwt.secret is too short'));
    expect(problem).toMatchObject({ status: 500, code: 'INVALID_CONFIG' });
    expect(problem.detail).toBe('The server failed to handle the request.');
  });

  it('answers anything else with a generic 500 that says nothing about what failed', () => {
    expect(toProblemDetails(new Error('connection to 10.0.0.5 refused'))).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'The server failed to handle the request.',
    });
    expect(PROBLEM_JSON).toBe('application/problem+json');
  });
});
