import { randomBytes } from 'node:crypto';
import { parseTenantId, TenancyError } from '@tenancy/core';
import type postgres from 'postgres';

/** The channel the lifecycle functions notify on; the payload is the changed tenant's id (or `*` for everything). */
export const TENANT_INVALIDATION_CHANNEL = 'tenancy_invalidate';

/** What a notification invalidates: core's cached store fits. */
export interface InvalidationTarget {
  invalidateTenant(tenantId: string): void;
  clear(): void;
}

/** Options for {@link listenForTenantInvalidations}. */
export interface ListenForTenantInvalidationsOptions {
  /** A postgres.js client; it opens one extra connection of its own for LISTEN. */
  sql: postgres.Sql;
  /** Usually a cached tenant store. */
  target: InvalidationTarget;
  /** Default {@link TENANT_INVALIDATION_CHANNEL}. */
  channel?: string | undefined;
  /**
   * How often (ms) to check that the LISTEN connection still delivers, by notifying a channel only this listener
   * hears. Default 10,000; 0 turns the check off. postgres.js reconnects a dropped LISTEN connection once, and if that
   * one attempt fails (the server is restarting), it stops listening without telling anyone; this check notices,
   * listens again and clears the target.
   */
  healthCheckMs?: number | undefined;
  /** Told about failures to listen or to check. Default: `console.error` with the error. */
  onError?: ((error: unknown) => void) | undefined;
  /** Called after every (re)subscription, once the target was cleared: tests and metrics. */
  onSubscribed?: (() => void) | undefined;
}

/** A running subscription; {@link TenantInvalidationListener.close} ends it. */
export interface TenantInvalidationListener {
  /** Resolves once the first LISTEN is active; rejects if it failed (the health check keeps retrying). */
  readonly ready: Promise<void>;
  /** Stops listening and checking. */
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,39}$/;

/**
 * Wires PostgreSQL `LISTEN/NOTIFY` to a cache: a notification with a tenant id invalidates that tenant, and every
 * (re)connection of the LISTEN connection clears the whole cache, since notifications sent while it was down are lost.
 * The lifecycle functions notify inside their transaction, so every process hears about a change when it commits.
 * @example
 * const cache = createCachedTenantStore(createUncachedPostgresTenantStore({ sql }));
 * const listener = listenForTenantInvalidations({ sql, target: cache });
 * await listener.ready;
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#invalidation-across-processes
 */
export function listenForTenantInvalidations(options: ListenForTenantInvalidationsOptions): TenantInvalidationListener {
  const { sql, target } = options;
  const channel = options.channel ?? TENANT_INVALIDATION_CHANNEL;
  if (!CHANNEL.test(channel)) {
    throw new TenancyError('INVALID_CONFIG', 'The invalidation channel must be 1-40 characters of a-z, 0-9 and "_".', {
      details: { path: ['channel'] },
    });
  }
  const healthCheckMs = options.healthCheckMs ?? 10_000;
  const onError =
    options.onError ?? ((error: unknown) => console.error('tenancy: tenant invalidation listener', error));
  // A channel only this listener hears: pinging it tells whether our LISTEN connection still delivers, without
  // waking every other process the way a ping on the shared channel would.
  const pingChannel = `${channel}_ping_${randomBytes(8).toString('hex')}`;

  let closed = false;
  let subscriptions: Array<{ unlisten(): Promise<void> }> = [];
  let subscribed = false;
  let pendingPing: string | null = null;
  let busy = false;
  // Bumped by every subscription of ours. postgres.js re-registers listeners itself after a reconnection, as new
  // objects our `unlisten` handles no longer reach, so handlers from an older subscription may still be called: they
  // check the generation they belong to and do nothing.
  let generation = 0;

  const onNotification = (payload: string): void => {
    if (payload === '*') {
      target.clear();
      return;
    }
    let tenantId: string;
    try {
      tenantId = parseTenantId(payload, 'uuid');
    } catch {
      // Not ours to understand: forgetting everything is the safe reading of a message we cannot parse.
      target.clear();
      return;
    }
    target.invalidateTenant(tenantId);
  };

  const subscribe = async (): Promise<void> => {
    const mine = ++generation;
    const current = () => mine === generation && !closed;
    const previous = subscriptions;
    subscriptions = [];
    await Promise.allSettled(previous.map((s) => s.unlisten()));
    // postgres.js calls the third argument after the first LISTEN and again after every reconnection re-listened:
    // whatever was sent while the connection was down is lost, so the whole cache goes.
    const main = await sql.listen(
      channel,
      (payload) => {
        if (current()) onNotification(payload);
      },
      () => {
        if (!current()) return;
        target.clear();
        options.onSubscribed?.();
      },
    );
    subscriptions.push(main);
    const ping = await sql.listen(pingChannel, (payload) => {
      if (current() && payload === pendingPing) pendingPing = null;
    });
    subscriptions.push(ping);
    subscribed = true;
  };

  const check = async (): Promise<void> => {
    if (busy || closed) return;
    busy = true;
    try {
      if (!subscribed || pendingPing !== null) {
        // Never subscribed, or the last ping never came back: the LISTEN connection is gone or deaf.
        subscribed = false;
        pendingPing = null;
        await subscribe();
        return;
      }
      const nonce = randomBytes(8).toString('hex');
      pendingPing = nonce;
      await sql`select pg_notify(${pingChannel}, ${nonce})`;
    } catch (error) {
      onError(error);
    } finally {
      busy = false;
    }
  };

  busy = true;
  const ready = subscribe().finally(() => {
    busy = false;
  });
  // The health check retries a failed first subscription; `ready` still rejects for a caller that awaits it.
  ready.catch(onError);
  const timer = healthCheckMs > 0 ? setInterval(() => void check(), healthCheckMs) : undefined;
  timer?.unref();

  return {
    ready,
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      const current = subscriptions;
      subscriptions = [];
      await Promise.allSettled(current.map((s) => s.unlisten()));
    },
  };
}

/**
 * Notifies every listener that a tenant changed. Inside a transaction the notification is delivered on commit, and
 * not at all on rollback: call it in the same transaction as the change.
 * @example
 * await sql.begin(async (tx) => { await tx`update ...`; await notifyTenantChanged(tx, tenantId); });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#invalidation-across-processes
 */
export async function notifyTenantChanged(
  sql: postgres.Sql | postgres.TransactionSql,
  tenantId: string,
  channel: string = TENANT_INVALIDATION_CHANNEL,
): Promise<void> {
  await sql`select pg_notify(${channel}, ${tenantId})`;
}
