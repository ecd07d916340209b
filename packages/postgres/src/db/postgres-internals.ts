import type postgres from 'postgres';

// Everything here reaches into postgres.js 3.4 below its typed surface. It is kept in one file so an upgrade has one
// place to check, and the pool-safety tests (killed backends, cancellations) fail loudly if any of it drifts.

/** The parts of a postgres.js Query the wrapper reads or overrides. Queries are Promises with extra state. */
export interface InternalQuery extends Promise<unknown> {
  /** Starts the query: sets `executed`, waits a microtask, then calls `handler`. Called by then/execute/forEach. */
  handle: () => Promise<void>;
  /** Hands the query to a connection. On a reserved client this closes over that one connection. */
  handler: (query: InternalQuery) => void;
  executed: boolean;
  /** True while the server is running this query (it is the connection's current query). */
  active: boolean;
  /** The backend (pid, secret) once the query was handed to a connection; null before. */
  state: { pid: number; secret: number } | null;
  strings: readonly string[];
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
  /** The pool's cancel function; returns a promise that settles once the cancel request was delivered. */
  canceller: ((query: InternalQuery) => Promise<void>) | null;
  cursor: (...args: unknown[]) => unknown;
  /** Set when `cancel()` was called before the query was sent; the connection skips it. */
  cancelled: unknown;
  execute(): InternalQuery;
  /** Withdraws the query if it was not sent; cancels it on the server if it is the connection's current one. */
  cancel(): unknown;
  /** The query's options; `simple` means the simple protocol (one Query message, no Sync). */
  options?: { simple?: boolean };
  /** Set by `cursor(rows, fn)`: the query is fetched in batches, with its own Execute/Sync flow. */
  cursorFn?: unknown;
  /** Set when the connection built the query (its text and statement name); null until then, or if building threw. */
  statement?: { readonly name: string } | null;
  /** Set when the query was built: true when its statement was already prepared on the connection (Bind only). */
  prepared?: boolean;
  /** The portal its Bind names (unset: the unnamed portal). postgres.js sets it nowhere; lanes tag statements with it. */
  cursorName?: string;
  /** The values; Bind replaces each by its serialized text (or null) in place while writing the query. */
  parameters?: unknown[];
  /** Set when the query was built: true when it went out as Parse/Describe first (its Bind follows the answer). */
  describeFirst?: boolean;
}

/**
 * The internal connection object postgres.js hands to `onexecute`.
 *
 * `reserved` is how `sql.begin` keeps a connection out of the pool: while it is a function, the pool never hands
 * the connection out; on every ReadyForQuery with nothing left in flight postgres.js calls it when the session is
 * inside a transaction block, and sets it to null and returns the connection to the pool when the session is idle
 * (status I). So the connection goes back exactly when the server says no transaction is open. It is also set to
 * null when the connection closes. With a `release` property set on the function, postgres.js calls it whenever
 * nothing is in flight, whatever the status, and never hands the connection back by itself (`sql.reserve()` uses
 * this); lanes use it to keep a connection across units and give it back themselves (see lane.ts).
 */
export interface InternalConnection {
  reserved: ((() => void) & { release?: boolean }) | null;
  /** Writes the query (or buffers it for the next write); false when the caller must wait for ReadyForQuery. */
  execute(query: InternalQuery): boolean | undefined;
  /** Closes the socket; the pool reconnects it on demand. */
  terminate(): void;
}

/** True for a postgres.js Query (a started or startable statement), false for helpers, fragments' builders, values. */
export function isPostgresQuery(value: unknown): value is InternalQuery {
  return (
    value instanceof Promise &&
    typeof (value as Partial<InternalQuery>).handle === 'function' &&
    typeof (value as Partial<InternalQuery>).handler === 'function' &&
    Array.isArray((value as Partial<InternalQuery>).strings)
  );
}

/**
 * Query options that capture the connection a statement is written to. postgres.js calls `onexecute` (the option
 * its own `sql.begin` uses) with the connection object when the statement was written and the pipeline has room;
 * returning false makes the pool park the connection (queue `full`), so it hands out nothing more on it.
 */
export function captureConnection(onConnection: (connection: InternalConnection) => void): postgres.UnsafeQueryOptions {
  const options = {
    onexecute: (connection: InternalConnection) => {
      onConnection(connection);
      return false;
    },
  };
  return options as postgres.UnsafeQueryOptions;
}

/**
 * Sends a cancel request for the backend that runs `query` (active, or written and waiting behind statements before
 * it on the same connection) and resolves once PostgreSQL has signalled the backend (the cancel connection closed),
 * or after `timeoutMs`. `query.cancel()` itself returns nothing to wait for, and for a written query that is not yet
 * active it only marks the query: postgres.js then sends the request when the query turns active, and reads the
 * statement after it as the current one while the cancelled one's answers are still on their way. So the request is
 * always sent at once, as for an active query: it names a backend, not a statement, and cancels whatever that
 * backend runs when it arrives. Only for a backend nobody else's statements can reach (see `UnitOfWork.abort`).
 *
 * It resolves from a timer, never from inside the cancel socket's close event. postgres.js 3.4.9 buffers what it
 * writes and sends it from a `setImmediate`; when a connection's socket closes before that send, `closed()` clears the
 * immediate without forgetting it (connection.js `clearImmediate(nextWriteTimer)`, not set back to null), so nothing
 * that connection writes is ever sent again: its next startup message is buffered behind the lost bytes and the
 * reconnect hangs until `connect_timeout`, again and again, until the buffer passes 1 KiB. Close events run in the
 * event loop's close phase, after that turn's `setImmediate`s; what the unit writes as soon as its cancel was delivered
 * (its ROLLBACK, on the backend it cancelled) would be written right there, and when that backend's socket closes in
 * the same phase (it was killed, or the server went away, as the cancel connection closed) the connection is lost for
 * good. From a timer, the write goes out in the same turn's `setImmediate`, before any close event.
 */
export function cancelBackendOf(query: InternalQuery, timeoutMs: number): Promise<void> {
  const canceller = query.canceller;
  if (typeof canceller !== 'function' || query.state === null) return Promise.resolve();
  query.canceller = null;
  const active = query.active;
  let delivered: Promise<void>;
  // postgres.js decides between "now" and "when active" synchronously, inside the promise executor.
  query.active = true;
  try {
    delivered = canceller(query);
  } finally {
    query.active = active;
  }
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const settled = () => {
      clearTimeout(timer);
      setTimeout(resolve, 0);
    };
    delivered.then(settled, settled);
  });
}
