import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIdentity } from './create-identity.js';
import { failure, keyPair, NOW_MS, sign } from './test-tokens.js';

/** A real HTTP server on an ephemeral port that serves a key set and counts what it is asked. */
async function jwksServer() {
  const state = { keys: [] as JWK[], requests: 0, mode: 'ok' as 'ok' | 'error' | 'hang' };
  const server: Server = createServer((_request, response) => {
    state.requests++;
    if (state.mode === 'hang') return;
    if (state.mode === 'error') {
      response.writeHead(500).end('boom');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    state,
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let issuer: Awaited<ReturnType<typeof jwksServer>>;
let attacker: Awaited<ReturnType<typeof jwksServer>>;
let current: Awaited<ReturnType<typeof keyPair>>;
let next: Awaited<ReturnType<typeof keyPair>>;
let evil: Awaited<ReturnType<typeof keyPair>>;

beforeAll(async () => {
  [issuer, attacker, current, next, evil] = await Promise.all([
    jwksServer(),
    jwksServer(),
    keyPair('RS256', 'key-2030-01'),
    keyPair('RS256', 'key-2030-02'),
    keyPair('RS256', 'key-2030-01'),
  ]);
  attacker.state.keys = [evil.jwk];
});

afterEach(() => {
  issuer.state.keys = [current.jwk];
  issuer.state.requests = 0;
  issuer.state.mode = 'ok';
  attacker.state.requests = 0;
});

afterAll(async () => {
  await Promise.all([issuer.close(), attacker.close()]);
});

const remote = (extra: { cooldownMs?: number; timeoutMs?: number } = {}) =>
  createIdentity({ jwksUrl: issuer.url, algorithms: ['RS256'], jwksFetch: extra, now: () => NOW_MS });

describe('createIdentity with a remote JWKS', () => {
  it('verifies tokens against keys fetched once from the JWKS URL', async () => {
    issuer.state.keys = [current.jwk];
    const identity = remote();
    const token = await sign(current.privateKey, { alg: 'RS256', kid: current.kid });
    expect((await identity.verify(token)).id).toBe('user_1');
    expect((await identity.verify(token)).id).toBe('user_1');
    expect(issuer.state.requests).toBe(1);
  });

  it('refuses unknown kids without refetching the key set for each of them', async () => {
    issuer.state.keys = [current.jwk];
    const identity = remote();
    await identity.verify(await sign(current.privateKey, { alg: 'RS256', kid: current.kid }));
    for (let i = 0; i < 10; i++) {
      const token = await sign(next.privateKey, { alg: 'RS256', kid: `random-${i}` });
      expect(await failure(() => identity.verify(token))).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: 'No configured key matches the token (unknown "kid" or algorithm).',
      });
    }
    expect(issuer.state.requests).toBe(1);
  });

  it('picks up a rotated key after the cooldown', async () => {
    issuer.state.keys = [current.jwk];
    const identity = remote({ cooldownMs: 30 });
    await identity.verify(await sign(current.privateKey, { alg: 'RS256', kid: current.kid }));
    issuer.state.keys = [current.jwk, next.jwk];
    await sleep(60);
    expect((await identity.verify(await sign(next.privateKey, { alg: 'RS256', kid: next.kid }))).id).toBe('user_1');
    expect(issuer.state.requests).toBe(2);
  });

  it('ignores jku and x5u headers: the attacker key set is never fetched', async () => {
    issuer.state.keys = [current.jwk];
    const identity = remote();
    for (const header of [{ jku: attacker.url }, { x5u: attacker.url }]) {
      const token = await sign(evil.privateKey, { alg: 'RS256', kid: current.kid, ...header });
      expect(await failure(() => identity.verify(token))).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: 'The token signature is invalid.',
      });
    }
    expect(attacker.state.requests).toBe(0);
  });

  it('reports a key set that cannot be fetched as INTERNAL, not as the caller being unauthenticated', async () => {
    issuer.state.mode = 'error';
    const token = await sign(current.privateKey, { alg: 'RS256', kid: current.kid });
    expect(await failure(() => remote().verify(token))).toMatchObject({
      code: 'INTERNAL',
      message: 'The signing keys (JWKS) could not be fetched; try again later.',
    });
  });

  it('gives up on a key set endpoint that does not answer within the timeout', async () => {
    issuer.state.mode = 'hang';
    const token = await sign(current.privateKey, { alg: 'RS256', kid: current.kid });
    const started = Date.now();
    expect((await failure(() => remote({ timeoutMs: 100 }).verify(token))).code).toBe('INTERNAL');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
