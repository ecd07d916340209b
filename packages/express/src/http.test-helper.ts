// Test support only (not exported): a real server on an ephemeral port, and a real fetch that reaches it under any
// host name, so tests can send `acme.example.test` as the Host exactly as a browser would.
import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';

export interface TestServer {
  /** Fetches `path` on `host` (a name, resolved to the server whatever it is). */
  fetch(
    host: string,
    path: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<TestResponse>;
  /**
   * Sends `head` (request line and header lines, without the blank line that ends them) as written, for what fetch
   * will not send: a header twice, no Host, HTTP/1.0, TRACE. The connection closes after the answer.
   */
  raw(head: string): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
  json(): unknown;
}

export async function startServer(
  listener: RequestListener,
  configure?: ((server: Server) => void) | undefined,
): Promise<TestServer> {
  const server: Server = createServer(listener);
  configure?.(server);
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
    raw(head) {
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        // Not `end()`: a client that half-closes gets its requests aborted by Node. `Connection: close` ends it.
        const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', reject);
        socket.on('close', () => resolve(parseResponse(Buffer.concat(chunks).toString('latin1'))));
      });
    },
    async close() {
      await dispatcher.close();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

// Enough of HTTP/1.1 for the answers these tests get: a status line, headers, and a body that is either sent with
// Content-Length or runs to the end of the connection.
function parseResponse(text: string): TestResponse {
  const end = text.indexOf('\r\n\r\n');
  const head = text.slice(0, end).split('\r\n');
  const status = Number(head[0]?.split(' ')[1]);
  const contentType = head.find((line) => /^content-type:/i.test(line))?.replace(/^content-type:\s*/i, '') ?? null;
  const body = Buffer.from(text.slice(end + 4), 'latin1').toString('utf8');
  return { status, contentType, text: body, json: () => JSON.parse(body) };
}
