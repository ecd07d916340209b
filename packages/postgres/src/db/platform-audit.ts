/**
 * The audit event `asPlatform()` emits before any cross-tenant work starts. Same shape as `platform.access` in
 * `@tenancy/core`'s audit events, except that tenant and principal may be absent (a job acting across tenants).
 * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md#platform-access
 */
export interface PlatformAccessEvent {
  readonly type: 'platform.access';
  /** ISO 8601, UTC. */
  readonly at: string;
  /** The tenant in context when the platform path was taken, if any. */
  readonly tenantId: string | null;
  /** The acting principal (from the tenant context, or `asPlatform({ principalId })`), if known. */
  readonly principalId: string | null;
  /** Why the operator crossed tenants (a ticket, an incident). Required. */
  readonly reason: string;
}

/** Where platform audit events go. May be async; the unit of work never waits for it. */
export type PlatformAuditSink = (event: PlatformAccessEvent) => void | Promise<void>;

/** Hands `event` to `sink`; a sink that throws or rejects is reported to `onError`, never to the caller. */
export function emitPlatformAccess(
  sink: PlatformAuditSink | undefined,
  event: PlatformAccessEvent,
  onError: (error: unknown, event: PlatformAccessEvent) => void,
): void {
  if (sink === undefined) return;
  let result: void | Promise<void>;
  try {
    result = sink(event);
  } catch (error) {
    report(onError, error, event);
    return;
  }
  if (result !== undefined && typeof (result as Promise<void> | null)?.then === 'function') {
    (result as Promise<void>).then(undefined, (error: unknown) => report(onError, error, event));
  }
}

function report(
  onError: (error: unknown, event: PlatformAccessEvent) => void,
  error: unknown,
  event: PlatformAccessEvent,
) {
  try {
    onError(error, event);
  } catch {
    // A failing error handler must not turn an audit failure into a failed unit of work.
  }
}
