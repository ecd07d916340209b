#!/usr/bin/env node
// Server CPU per request of the Express middleware path, without a database: the same one-route app with and without
// tenancy, driven over real HTTP (keep-alive) from this process, each server in a child process of its own.
//   bare        express.json() and GET /projects answering a small JSON body
//   context     the same inside runWithTenant(): what AsyncLocalStorage alone costs (Node 22 runs promise hooks for
//               every promise once a store is in use), the part of the middleware's cost that is not its own code
//   middleware  the same plus tenancyMiddleware (subdomain + x-tenant header + `tid` claim, HS256 JWT, cached
//               tenant and membership lookups, as the Express example configures it) and requirePermission
// The difference to `bare` is what the middleware path costs per request. CPU time of the server process per request
// is what is compared: on a machine shared with other work it is far steadier than requests per second. Rounds
// alternate the variants; the summary takes each variant's median.
//
//   pnpm --filter @tenancy/core --filter @tenancy/express build && node bench/express/middleware.bench.mjs
//     [--variants bare,middleware] [--requests 20000] [--warmup 5000] [--rounds 5] [--concurrency 8]
//     [--headers autocannon|browser] [--pin] [--cpu-prof <dir>]
// `--headers browser` adds the dozen headers a browser sends (the cost of copying headers grows with their number);
// `--pin` (Linux, taskset) runs the server on CPU 1 and this process on CPU 0, which steadies the numbers further;
// `--cpu-prof <dir>` writes a V8 CPU profile of each server into <dir>.
// Prints a summary; writes nothing else. To compare two builds, run the script of each checkout in turn.
import { execFileSync, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createExampleTenancy, exampleRequire, importBuilt, memberToken, TENANT_ID } from './example-tenancy.mjs';

const PATH = '/projects?limit=20';

async function serve(variant) {
  const express = exampleRequire('express');
  const core = await importBuilt('@tenancy/core');
  const adapter = await importBuilt('@tenancy/express');
  const tenancy = createExampleTenancy(core);

  const app = express();
  app.use(express.json());
  const guards = [];
  if (variant === 'middleware') {
    app.use(adapter.tenancyMiddleware(tenancy));
    guards.push(adapter.requirePermission('project:read'));
  } else if (variant === 'context') {
    const context = Object.freeze({ tenantId: TENANT_ID });
    app.use((_req, _res, next) => core.runWithTenant(context, next));
  }
  app.get('/projects', ...guards, (req, res) => {
    // Reads what the example's handler reads, so the middleware variant proves it ran in the tenant.
    const tenantId = variant === 'bare' ? TENANT_ID : core.requireTenant().tenantId;
    res.json({ tenantId, limit: Number(req.query.limit), items: [] });
  });
  app.use(adapter.tenancyErrorHandler());
  const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ cpu: user + system });
    } else if (message === 'stop') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
}

const BROWSER_HEADERS = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  accept: 'application/json, text/plain, */*',
  'accept-language': 'en-GB,en;q=0.9,de;q=0.8',
  'accept-encoding': 'gzip, deflate, br, zstd',
  referer: 'https://acme.localhost/projects',
  origin: 'https://acme.localhost',
  'sec-fetch-dest': 'empty',
  'sec-fetch-mode': 'cors',
  'sec-fetch-site': 'same-origin',
  'sec-ch-ua': '"Chromium";v="126", "Not.A/Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"',
  cookie: 'theme=dark; _ga=GA1.1.123456789.1700000000; consent=yes',
  'cache-control': 'no-cache',
};

async function drive() {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '20000' },
      rounds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '8' },
      headers: { type: 'string', default: 'autocannon' },
      'cpu-prof': { type: 'string' },
      variants: { type: 'string', default: 'bare,middleware' },
      pin: { type: 'boolean', default: false },
      warmup: { type: 'string', default: '5000' },
    },
  });
  const requests = Number(values.requests);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  if (values.headers !== 'autocannon' && values.headers !== 'browser') throw new Error('--headers autocannon|browser');
  const token = await memberToken();
  const headers = {
    host: 'acme.localhost',
    authorization: `Bearer ${token}`,
    ...(values.headers === 'browser' ? BROWSER_HEADERS : {}),
  };

  if (values.pin) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  const self = fileURLToPath(import.meta.url);
  const start = (variant) => {
    const profile = values['cpu-prof'] !== undefined ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
    let command = [process.execPath, ...profile, self, 'serve', variant];
    // With --pin the server gets CPU 1 and this process CPU 0: no migrations, no sharing a core with the client.
    if (values.pin) command = ['taskset', '-c', '1', ...command];
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ask = (message, key) =>
      new Promise((resolve) => {
        const onMessage = (reply) => {
          if (reply[key] === undefined) return;
          child.off('message', onMessage);
          resolve(reply[key]);
        };
        child.on('message', onMessage);
        if (message !== undefined) child.send(message);
      });
    return {
      port: ask(undefined, 'port'),
      cpuMicros: () => ask('cpu', 'cpu'),
      stop: () =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.send('stop');
        }),
    };
  };

  const run = (port, count) => {
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    let sent = 0;
    const one = () =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: PATH, headers, agent }, (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(new Error(`status ${res.statusCode}: ${Buffer.concat(chunks).toString()}`));
            } else resolve();
          });
        });
        req.on('error', reject);
        req.end();
      });
    const worker = async () => {
      while (sent < count) {
        sent++;
        await one();
      }
    };
    return Promise.all(Array.from({ length: concurrency }, worker)).finally(() => agent.destroy());
  };

  const variants = values.variants.split(',');
  const samples = Object.fromEntries(variants.map((v) => [v, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const variant of variants) {
      const server = start(variant);
      const port = await server.port;
      await run(port, Number(values.warmup)); // JIT, caches, the verified token
      const before = await server.cpuMicros();
      const startedAt = performance.now();
      await run(port, requests);
      const elapsedMs = performance.now() - startedAt;
      const after = await server.cpuMicros();
      await server.stop();
      const perRequest = (after - before) / requests;
      samples[variant].push(perRequest);
      process.stderr.write(
        `round ${round} ${variant.padEnd(10)} server ${perRequest.toFixed(1).padStart(6)} µs CPU/req  ${Math.round((requests / elapsedMs) * 1000)} req/s\n`,
      );
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const medians = Object.fromEntries(variants.map((v) => [v, median(samples[v])]));
  const lines = variants.map((v) => {
    const over =
      medians.bare === undefined || v === 'bare' ? '' : `  (+${(medians[v] - medians.bare).toFixed(1)} over bare)`;
    return `${v.padEnd(11)} ${medians[v].toFixed(1).padStart(6)} µs CPU/req${over}\n`;
  });
  process.stdout.write(
    `\nheaders: ${values.headers}, ${requests} requests x ${rounds} rounds, concurrency ${concurrency}, medians\n${lines.join('')}`,
  );
}

if (process.argv[2] === 'serve') await serve(process.argv[3]);
else await drive();
