import type { AuditEvent } from './audit-event.js';

/**
 * Where audit events go: a log, a table, a queue. May be async; tenancy never waits for it on the request path.
 * @example
 * const sink: AuditSink = (event) => logger.info({ audit: event });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#audit-events
 */
export type AuditSink = (event: AuditEvent) => void | Promise<void>;

/** Told when an audit sink throws or rejects. It must not throw itself; if it does, the error is dropped. */
export type AuditErrorHandler = (error: unknown, event: AuditEvent) => void;

const reportToConsole: AuditErrorHandler = (error, event) => {
  // Only the event type: the event names principals and tenants, which do not belong in a generic error log.
  console.error(`tenancy: the audit sink failed for a "${event.type}" event`, error);
};

/**
 * Hands `event` to `sink` without letting a throwing or rejecting sink break the request: failures go to `onError`
 * (default: `console.error`). Returns at once; an async sink finishes in the background.
 * @example
 * emitAuditEvent(sink, createAuditEvent('tenant.suspended', { tenantId, principalId: null }), (err) => log.error(err));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#audit-events
 */
export function emitAuditEvent(sink: AuditSink, event: AuditEvent, onError: AuditErrorHandler = reportToConsole): void {
  let result: void | Promise<void>;
  try {
    result = sink(event);
  } catch (error) {
    report(onError, error, event);
    return;
  }
  // A thenable check rather than `instanceof Promise`: sinks may return promises from another realm or library.
  if (result !== undefined && typeof (result as Promise<void> | null)?.then === 'function') {
    (result as Promise<void>).then(undefined, (error: unknown) => report(onError, error, event));
  }
}

function report(onError: AuditErrorHandler, error: unknown, event: AuditEvent): void {
  try {
    onError(error, event);
  } catch {
    // A failing error handler must not turn an audit failure into a failed request either.
  }
}
