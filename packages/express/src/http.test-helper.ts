// Test support only (not exported): a real server on an ephemeral port, and a real fetch that reaches it under any
// host name, so tests can send `acme.example.test` as the Host exactly as a browser would.
import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';

export interface TestServer {
  /** Fetches `path` on `host` (a name, resolved to the server whatever it is). */
  fetch(
    host: string,
    path: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
  json(): unknown;
}

export async function startServer(listener: RequestListener): Promise<TestServer> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Every name resolves to the test server: the Host header stays the name the test asked for.
  const dispatcher = new Agent({
    connect: { lookup: (_host, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]) },
  });
  return {
    async fetch(host, path, init = {}) {
      const response = await undiciFetch(`http://${host}:${port}${path}`, { ...init, dispatcher });
      const text = await response.text();
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        text,
        json: () => JSON.parse(text),
      };
    },
    async close() {
      await dispatcher.close();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
