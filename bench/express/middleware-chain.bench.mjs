#!/usr/bin/env node
// The Express middleware chain of one request, in process and without HTTP: tenancyMiddleware then
// requirePermission('project:read'), called as Express calls them, on an Express request object (the app's own request
// prototype, the headers autocannon sends). tinybench times it per request with a warm tenant cache and a token that
// verified before, as in a running app. Far less noisy than anything over HTTP, so it suits A/B comparisons of a change
// to the adapter or to core's resolution; it leaves out what HTTP, Express's router and AsyncLocalStorage's promise
// hooks cost elsewhere in the request (middleware.bench.mjs measures those too).
//
//   pnpm --filter @tenancy/core --filter @tenancy/express build && node bench/express/middleware-chain.bench.mjs
// BENCH_TIME_MS (default 2000) sets the time per task. Prints a table; writes nothing.
import { Bench } from 'tinybench';
import { createExampleTenancy, exampleRequire, importBuilt, memberToken, TENANT_ID } from './example-tenancy.mjs';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 2_000);

const express = exampleRequire('express');
const core = await importBuilt('@tenancy/core');
const adapter = await importBuilt('@tenancy/express');
const tenancy = createExampleTenancy(core);
const token = await memberToken();

const app = express();
const rawHeaders = ['Host', 'acme.localhost', 'Authorization', `Bearer ${token}`, 'Connection', 'keep-alive'];
const headers = { host: 'acme.localhost', authorization: `Bearer ${token}`, connection: 'keep-alive' };
// What Express hands a middleware: its request prototype (req.host, req.protocol, req.get) over the Node request's
// fields. A fresh object per request, as in a server.
function expressRequest() {
  const req = Object.create(app.request);
  req.app = app;
  req.method = 'GET';
  req.url = '/projects?limit=20';
  req.originalUrl = '/projects?limit=20';
  req.headers = headers;
  req.rawHeaders = rawHeaders;
  req.socket = { encrypted: false, remoteAddress: '127.0.0.1' };
  return req;
}

const middleware = adapter.tenancyMiddleware(tenancy);
const guard = adapter.requirePermission('project:read');
const chain = () =>
  new Promise((resolve, reject) => {
    const req = expressRequest();
    middleware(req, {}, (error) => {
      if (error !== undefined) return reject(error);
      guard(req, {}, (denied) => {
        if (denied !== undefined) return reject(denied);
        // The handler's first read: the tenant of the context the chain runs in.
        if (core.requireTenant().tenantId !== TENANT_ID) return reject(new Error('wrong tenant'));
        resolve();
      });
    });
  });

await chain(); // Warms the caches and checks the chain lets the member through, before anything is timed.

const bench = new Bench({ time: TIME_MS, warmupTime: 500 });
bench
  .add('toWebRequest(req), for scale', () => {
    adapter.toWebRequest(expressRequest());
  })
  .add('tenancyMiddleware + requirePermission, per request', chain);
await bench.run();

const rows = bench.tasks.map((task) => {
  const latency = task.result.latency;
  return {
    task: task.name,
    'mean µs': Number((latency.mean * 1000).toFixed(2)),
    'p50 µs': Number((latency.p50 * 1000).toFixed(2)),
    'p99 µs': Number((latency.p99 * 1000).toFixed(2)),
    samples: latency.samplesCount,
  };
});
console.table(rows);
