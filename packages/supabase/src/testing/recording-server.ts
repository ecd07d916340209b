// Test support: a real HTTP server on an ephemeral port that stands in for a Supabase project's API (PostgREST under
// /rest/v1, Auth under /auth/v1) and records every request it gets, so tests assert exactly what supabase-js sent.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** The path without the query string, e.g. `/rest/v1/projects`. */
  path: string;
  /** Query parameters in order, decoded: `[['select', 'id,name'], ['tenant_id', 'eq.<uuid>']]`. */
  query: Array<[string, string]>;
  authorization: string | undefined;
  apikey: string | undefined;
  prefer: string | undefined;
  /** `Accept-Profile` (reads) or `Content-Profile` (writes): the schema PostgREST is asked to use. */
  profile: string | undefined;
  /** The parsed JSON body, undefined when there is none. */
  body: unknown;
}

/** Answers one recorded request: status and JSON body. */
export type Responder = (request: RecordedRequest) => {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
};

/** A running recording server. */
export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the responder (default: 200 with `[]` for reads, 201/204 for writes). */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

const defaultResponder: Responder = (request) =>
  request.method === 'GET' || request.method === 'HEAD'
    ? { status: 200, body: [] }
    : request.method === 'DELETE'
      ? { status: 204 }
      : { status: 201, body: [] };

/** Starts a recording server on 127.0.0.1 and an ephemeral port. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let responder = defaultResponder;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: [...url.searchParams.entries()],
        authorization: header(req, 'authorization'),
        apikey: header(req, 'apikey'),
        prefer: header(req, 'prefer'),
        profile: header(req, 'accept-profile') ?? header(req, 'content-profile'),
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      requests.push(recorded);
      const answer = responder(recorded);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(next) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
