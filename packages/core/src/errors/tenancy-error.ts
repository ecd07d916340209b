import type { TenancyErrorCode } from './codes.js';
import { httpStatusOf } from './codes.js';

// A global symbol, not a class identity check: two copies of @tenancy/core in one process must still agree.
const BRAND = Symbol.for('tenancy.error');

/** Options for {@link TenancyError}. */
export interface TenancyErrorOptions {
  /** The underlying error, kept for logs; never sent to clients by the adapters. */
  cause?: unknown;
  /** Machine-readable detail safe to show the caller (e.g. the zod path of a bad config). */
  details?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The one error type tenancy throws. Check it with {@link isTenancyError}, switch on `code`.
 * @example
 * throw new TenancyError('TENANT_REQUIRED', 'No tenant in context: wrap the call in runWithTenant().');
 */
export class TenancyError extends Error {
  readonly code: TenancyErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly [BRAND] = true;

  constructor(code: TenancyErrorCode, message: string, options: TenancyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TenancyError';
    this.code = code;
    this.details = options.details;
  }

  /** The HTTP status adapters answer with for this error. */
  get status(): number {
    return httpStatusOf(this.code);
  }

  /** A JSON-safe view without the cause or stack, fit for a problem+json body. */
  toJSON(): { name: string; code: TenancyErrorCode; message: string; details?: Readonly<Record<string, unknown>> } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/**
 * True when `value` is a TenancyError, from this or any other copy of the package.
 * @example
 * if (isTenancyError(err, 'TENANT_NOT_FOUND')) return new Response(null, { status: 404 });
 */
export function isTenancyError(value: unknown, code?: TenancyErrorCode): value is TenancyError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return code === undefined || (value as TenancyError).code === code;
}
