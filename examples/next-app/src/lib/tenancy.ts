// The app's tenancy, shared by the proxy and the server code. Keep this module free of `@tenancy/next/server`:
// the proxy imports it too.
import type { Tenancy } from '@tenancy/core';
import { createTenancy, fromSubdomain } from '@tenancy/core';
import { appEnv } from './env';
import type { Permission } from './permissions';
import { permissions } from './permissions';
import { services } from './services';
import { PLATFORM_ADMIN_CLAIM, SESSION_AUDIENCE, SESSION_COOKIE } from './session';

function createAppTenancy(): Tenancy<Permission> {
  const env = appEnv();
  return createTenancy({
    // Already cached (and invalidated by the lifecycle's NOTIFY), so core uses it as it is.
    store: services().store,
    // `acme.localhost:3000` is tenant `acme`; `localhost:3000` itself is the platform (sign-in, admin).
    strategies: [fromSubdomain({ baseDomain: env.baseDomain })],
    identity: {
      secret: env.sessionSecret,
      cookie: SESSION_COOKIE,
      audience: SESSION_AUDIENCE,
      platformAdminClaim: PLATFORM_ADMIN_CLAIM,
    },
    permissions,
  });
}

const KEY = Symbol.for('tenancy-example.next-app.tenancy');

function instance(): Tenancy<Permission> {
  const holder = globalThis as { [KEY]?: Tenancy<Permission> };
  holder[KEY] ??= createAppTenancy();
  return holder[KEY];
}

/**
 * The app's tenancy. A thin stand-in that builds the real one on first use: `next build` imports this module with
 * no database and no session secret, and must neither connect nor fail.
 */
export const tenancy: Tenancy<Permission> = {
  resolve: (request, options) => instance().resolve(request, options),
  run: (resolved, fn) => instance().run(resolved, fn),
  runJob: (payload, fn) => instance().runJob(payload, fn),
  tenantsFor: (principal) => instance().tenantsFor(principal),
  get store() {
    return instance().store;
  },
};
