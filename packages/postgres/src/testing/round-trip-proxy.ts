import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/** Options for {@link createRoundTripProxy}. */
export interface RoundTripProxyOptions {
  /** The PostgreSQL server to forward to: a connection URL (`postgres://user@host:port/db`) or host and port. */
  target: string | { readonly host: string; readonly port: number };
  /** Interface the proxy listens on. Default `127.0.0.1`. */
  host?: string | undefined;
}

/** A running round-trip counting proxy. */
export interface RoundTripProxy {
  /** Host the proxy listens on. */
  readonly host: string;
  /** Ephemeral port the proxy listens on. */
  readonly port: number;
  /** `target` with its host and port replaced by the proxy's, when `target` was a URL. */
  readonly url: string | undefined;
  /** Round trips counted over every connection since the proxy started or since the last {@link reset}. */
  roundTrips(): number;
  /** Round trips counted on each connection still or once open, in the order the connections were accepted. */
  roundTripsByConnection(): number[];
  /** Sets the counters of every connection to zero. */
  reset(): void;
  /** Runs `fn` and returns its result with the round trips counted while it ran. */
  measure<T>(fn: () => Promise<T>): Promise<{ result: T; roundTrips: number }>;
  /** Stops listening and destroys every proxied connection. */
  close(): Promise<void>;
}

/**
 * Starts a TCP proxy in front of PostgreSQL that counts network round trips, so a test can assert that a unit of
 * work costs what it should (and fail CI when it regresses).
 *
 * A round trip is one request/response turn on one connection: it is counted each time the client sends data after
 * the server has sent data since the client's previous send (the first send of a connection counts too). A batch the
 * client pipelines in one burst counts once, however many messages or TCP segments it spans; three queries each
 * awaited before the next is sent count three.
 * @example
 * const proxy = await createRoundTripProxy({ target: process.env.DATABASE_URL! });
 * const sql = postgres(proxy.url!);
 * await sql`select 1`; // warm up the connection
 * const { roundTrips } = await proxy.measure(() => sql`select 1`);
 * expect(roundTrips).toBe(1);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md#the-round-trip-model
 */
export async function createRoundTripProxy(options: RoundTripProxyOptions): Promise<RoundTripProxy> {
  const target = parseTarget(options.target);
  const listenHost = options.host ?? '127.0.0.1';
  const counters: Counter[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    const counter: Counter = { roundTrips: 0, serverSpoke: true };
    counters.push(counter);
    const upstream = tcpConnect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    // Latency is what is being measured: never let Nagle's algorithm hold a segment back.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk) => {
      if (counter.serverSpoke) {
        counter.roundTrips += 1;
        counter.serverSpoke = false;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      counter.serverSpoke = true;
      client.write(chunk);
    });
    const teardown = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', teardown);
    upstream.on('close', teardown);
    client.on('error', teardown);
    upstream.on('error', teardown);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The round-trip proxy has no TCP address.');
  const port = address.port;

  const total = () => counters.reduce((sum, c) => sum + c.roundTrips, 0);

  return {
    host: listenHost,
    port,
    url: target.url === undefined ? undefined : withHostAndPort(target.url, listenHost, port),
    roundTrips: total,
    roundTripsByConnection: () => counters.map((c) => c.roundTrips),
    reset: () => {
      for (const c of counters) c.roundTrips = 0;
    },
    async measure<T>(fn: () => Promise<T>) {
      const before = total();
      const result = await fn();
      return { result, roundTrips: total() - before };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        server.close(() => resolve());
      }),
  };
}

interface Counter {
  roundTrips: number;
  /** True when the server has sent something since the client last sent: the client's next send starts a turn. */
  serverSpoke: boolean;
}

function parseTarget(target: RoundTripProxyOptions['target']): { host: string; port: number; url?: string } {
  if (typeof target !== 'string') return { host: target.host, port: target.port };
  const u = new URL(target);
  return { host: u.hostname || '127.0.0.1', port: u.port === '' ? 5432 : Number(u.port), url: target };
}

function withHostAndPort(url: string, host: string, port: number): string {
  const u = new URL(url);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
}
