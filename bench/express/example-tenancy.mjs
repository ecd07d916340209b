// What the two middleware benchmarks (middleware.bench.mjs, middleware-chain.bench.mjs) share: the Express example's
// own copies of its dependencies, a tenancy configured as the example configures it (in-memory store), and a token
// for its member.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SECRET = 'bench-secret-of-the-middleware-benchmark-32+bytes';
export const TENANT_ID = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
export const USER_ID = 'c2a9e0b4-6c3f-4f43-9d5e-6a1c1f7f5e21';

// The very copies of express, jose, @tenancy/express and @tenancy/core the Express example uses (their builds).
export const exampleRequire = createRequire(new URL('../../examples/express-api/package.json', import.meta.url));

/** Imports the ESM build of `name` as the example resolves it. */
export async function importBuilt(name) {
  const manifestPath = exampleRequire.resolve(`${name}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return import(pathToFileURL(join(dirname(manifestPath), manifest.exports['.'].import.default)).href);
}

/** A tenancy as the Express example configures it: subdomain, `x-tenant` header and `tid` claim, HS256 tokens. */
export function createExampleTenancy(core) {
  return core.createTenancy({
    store: core.createMemoryTenantStore({
      tenants: [{ id: TENANT_ID, slug: 'acme', name: 'Acme', status: 'active' }],
      memberships: [{ tenantId: TENANT_ID, userId: USER_ID, roles: ['member'] }],
    }),
    strategies: [
      core.fromSubdomain({ baseDomain: 'localhost' }),
      core.fromHeader({ name: 'x-tenant', kind: 'slug' }),
      core.fromJwtClaim({ claim: 'tid' }),
    ],
    identity: core.createIdentity({ secret: SECRET, platformAdminClaim: 'platform_admin' }),
    permissions: core.definePermissions({
      resources: { project: ['read', 'create', 'update', 'delete'], task: ['read', 'create', 'update', 'delete'] },
      roles: {
        viewer: { allow: ['project:read', 'task:read'] },
        member: { inherits: ['viewer'], allow: ['project:create', 'project:update', 'task:*'] },
      },
    }),
  });
}

/** A token of the member for tenant `acme`, valid for two hours. */
export function memberToken() {
  const { SignJWT } = exampleRequire('jose');
  return new SignJWT({ email: 'ada@bench.test', tid: TENANT_ID })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(USER_ID)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(SECRET));
}
