import { ServerResponse } from 'node:http';
import type { ResolutionInput } from '@tenancy/core';
import { createMemoryTenantStore, createTenancy, fromCallback, requireTenant } from '@tenancy/core';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './http.test-helper.js';
import { requirePermission } from './require-permission.js';
import { tenancyErrorHandler } from './tenancy-error-handler.js';
import { tenancyMiddleware } from './tenancy-middleware.js';
import { ACME, createTestTenancy, type TestTenancy } from './test-tenancy.test-helper.js';
import { toWebRequest } from './to-web-request.js';

// What the middleware hands core, seen from inside: a strategy that records what it reads and names no tenant.
let seen: { header: (name: string) => string | null; input: ResolutionInput } | undefined;
const recorder = createTenancy({
  store: createMemoryTenantStore({ tenants: [ACME] }),
  strategies: [
    fromCallback((input) => {
      seen = { header: (name) => input.header(name), input };
      return undefined;
    }),
  ],
});

function recordingApp(trustProxy: boolean) {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.use(tenancyMiddleware(recorder));
  app.all('/{*rest}', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(tenancyErrorHandler({ onError: () => {} }));
  return app;
}

let t: TestTenancy;
let recording: TestServer;
let recordingTrusting: TestServer;
let guarded: TestServer;

beforeAll(async () => {
  t = await createTestTenancy();
  recording = await startServer(recordingApp(false), (server) => {
    // Node hands CONNECT to this event, never to the request listener, and Express routes only targets that start
    // with "/", never an authority like "acme.example.test:443". Give the request a path and hand it to the app, to
    // show that the adapter refuses the method itself.
    const app = recordingApp(false);
    server.on('connect', (req, socket) => {
      req.url = '/';
      const res = new ServerResponse(req);
      res.assignSocket(socket as never);
      res.on('finish', () => socket.end());
      app(req, res);
    });
  });
  recordingTrusting = await startServer(recordingApp(true));
  const app = express();
  app.use(tenancyMiddleware(t.tenancy));
  app.get('/projects', requirePermission('project:read'), (_req, res) => {
    res.json({ tenantId: requireTenant().tenantId });
  });
  app.use(tenancyErrorHandler({ onError: () => {} }));
  guarded = await startServer(app);
});

afterAll(async () => {
  await Promise.all([recording.close(), recordingTrusting.close(), guarded.close()]);
});

function lastSeen(): NonNullable<typeof seen> {
  if (seen === undefined) throw new Error('the recording strategy did not run');
  const result = seen;
  seen = undefined;
  return result;
}

describe('the request tenancyMiddleware hands core', () => {
  it('reads header names case-insensitively', async () => {
    const response = await recording.raw('GET /x HTTP/1.1\r\nHost: acme.example.test\r\nX-Note: one');
    expect(response.status).toBe(200);
    const { header } = lastSeen();
    expect([header('x-note'), header('X-NOTE'), header('X-Note')]).toEqual(['one', 'one', 'one']);
    expect(header('x-other')).toBeNull();
  });

  it('joins a repeated header with ", " in the order sent, whatever the case of its name, as Headers.get does', async () => {
    await recording.raw('GET /x HTTP/1.1\r\nHost: acme.example.test\r\nX-Note: one\r\nx-note: two\r\nX-NOTE: three');
    expect(lastSeen().header('x-note')).toBe('one, two, three');
  });

  it('joins repeated Authorization and Cookie headers with ", " too, which Node itself would not', async () => {
    // Node's req.headers keeps only the first Authorization and joins cookies with "; ".
    await recording.raw(
      'GET /x HTTP/1.1\r\nHost: acme.example.test\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\nCookie: a=1\r\nCookie: b=2',
    );
    const { header } = lastSeen();
    expect(header('authorization')).toBe('Bearer a, Bearer b');
    expect(header('cookie')).toBe('a=1, b=2');
  });

  it('keeps an empty value, and keeps its place in a joined value', async () => {
    await recording.raw(
      'GET /x HTTP/1.1\r\nHost: acme.example.test\r\nX-Empty:\r\nX-Note: one\r\nX-Note:\r\nX-Note: three',
    );
    const { header } = lastSeen();
    expect(header('x-empty')).toBe('');
    expect(header('x-note')).toBe('one, , three');
  });

  it('serves Express’s host as Host and hides the forwarded-host headers when Express trusts no proxy', async () => {
    await recording.raw(
      'GET /t/acme/x?q=1 HTTP/1.1\r\nHost: ACME.example.test:8080\r\nX-Forwarded-Host: globex.example.test\r\nForwarded: host=globex.example.test',
    );
    const { header, input } = lastSeen();
    expect(header('host')).toBe('ACME.example.test:8080');
    expect(header('x-forwarded-host')).toBeNull();
    expect(header('forwarded')).toBeNull();
    expect(input.host).toBe('acme.example.test');
    expect(input.pathname).toBe('/t/acme/x');
    expect(input.searchParams.get('q')).toBe('1');
  });

  it('serves the forwarded host as Host, still hiding the headers, when Express trusts the proxy', async () => {
    await recordingTrusting.raw(
      'GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Host: globex.example.test\r\nForwarded: host=initech.example.test',
    );
    const { header, input } = lastSeen();
    expect(header('host')).toBe('globex.example.test');
    expect(header('x-forwarded-host')).toBeNull();
    expect(header('forwarded')).toBeNull();
    expect(input.host).toBe('globex.example.test');
  });

  it('builds the web Request toWebRequest() builds when a strategy reads input.request', async () => {
    await recording.raw(
      'POST /t/../x/./y?q=1 HTTP/1.1\r\nHost: acme.example.test\r\nX-Note: one\r\nX-Note: two\r\nX-Forwarded-Host: globex.example.test\r\nContent-Length: 0',
    );
    const { input } = lastSeen();
    const request = input.request;
    expect(request).toBeInstanceOf(Request);
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://acme.example.test/x/y?q=1');
    expect([...request.headers]).toEqual([
      ['connection', 'close'],
      ['content-length', '0'],
      ['host', 'acme.example.test'],
      ['x-note', 'one, two'],
    ]);
    expect(input.request).toBe(request);
  });

  it('answers a request without a host with 400 INVALID_INPUT', async () => {
    const response = await recording.raw('GET /x HTTP/1.0\r\nX-Note: one');
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ code: 'INVALID_INPUT', detail: 'The request has no Host header.' });
  });

  it.each([
    ['evil@acme.example.test'],
    ['acme.example.test/x'],
    ['acme.example.test:99999'],
    ['acme<x>.example.test'],
    ['acme.xn--a.test'],
    ['acme.example.123'],
    ['acme.example.0x1f'],
  ])('answers the malformed host %j with 400 INVALID_INPUT, though no strategy reads the URL', async (host) => {
    const response = await recording.raw(`GET /x HTTP/1.1\r\nHost: ${host}`);
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ code: 'INVALID_INPUT', detail: 'The Host header is malformed.' });
  });

  it.each([
    ['TRACE /x HTTP/1.1', 'TRACE'],
    ['CONNECT acme.example.test:443 HTTP/1.1', 'CONNECT'],
  ])('refuses %j with 400 INVALID_INPUT before any strategy runs', async (line, method) => {
    seen = undefined;
    const response = await recording.raw(`${line}\r\nHost: acme.example.test`);
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ code: 'INVALID_INPUT', detail: `The method ${method} is not supported.` });
    expect(seen).toBeUndefined();
  });
});

describe('toWebRequest', () => {
  it('builds the Request core would see: path and query only, Express’s host, no forwarded-host headers', async () => {
    const app = express();
    app.all('/{*rest}', (req, res) => {
      const request = toWebRequest(req);
      res.json({ method: request.method, url: request.url, headers: [...request.headers] });
    });
    app.use(tenancyErrorHandler({ onError: () => {} }));
    const server = await startServer(app);
    try {
      const response = await server.raw(
        'PUT http://other.example/a/../b?x=1 HTTP/1.1\r\nHost: acme.example.test\r\nX-Note: one\r\nX-Note: two\r\nForwarded: host=globex.example.test\r\nContent-Length: 0',
      );
      expect(response.json()).toEqual({
        method: 'PUT',
        url: 'http://acme.example.test/b?x=1',
        headers: [
          ['connection', 'close'],
          ['content-length', '0'],
          ['host', 'acme.example.test'],
          ['x-note', 'one, two'],
        ],
      });
      const trace = await server.raw('TRACE /x HTTP/1.1\r\nHost: acme.example.test');
      expect(trace.status).toBe(400);
      expect(trace.json()).toMatchObject({ code: 'INVALID_INPUT', detail: 'The method TRACE is not supported.' });
      const malformed = await server.raw('GET /x HTTP/1.1\r\nHost: acme.example.123');
      expect(malformed.json()).toMatchObject({ code: 'INVALID_INPUT', detail: 'The Host header is malformed.' });
    } finally {
      await server.close();
    }
  });
});

describe('tenancyMiddleware and repeated credentials', () => {
  it('refuses two Authorization headers with 401, even two copies of a valid token', async () => {
    const token = await t.tokenFor('alice');
    const once = await guarded.raw(
      `GET /projects HTTP/1.1\r\nHost: acme.example.test\r\nAuthorization: Bearer ${token}`,
    );
    expect(once.status).toBe(200);
    expect(once.json()).toEqual({ tenantId: ACME.id });
    const twice = await guarded.raw(
      `GET /projects HTTP/1.1\r\nHost: acme.example.test\r\nAuthorization: Bearer ${token}\r\nAuthorization: Bearer ${token}`,
    );
    expect(twice.status).toBe(401);
    expect(twice.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
