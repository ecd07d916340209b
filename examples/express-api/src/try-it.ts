import type { DemoData } from './seed.js';

/** One command to try, with the status it answers with on a freshly seeded demo. */
export interface TryItCommand {
  readonly title: string;
  readonly expectStatus: number;
  readonly command: string;
}

/** The demo tokens the commands use, as shell variables. */
export interface DemoTokens {
  readonly ADA: string;
  readonly VIC: string;
  readonly GRACE: string;
  readonly OPS: string;
}

/** Everything the commands refer to as a shell variable: the tokens and the ids of the seeded rows. */
export interface TryItVariables extends DemoTokens {
  readonly ACME_WORKSPACE: string;
  readonly ACME_PROJECT: string;
  readonly GLOBEX_PROJECT: string;
}

const json = (value: unknown): string => `-H 'content-type: application/json' -d '${JSON.stringify(value)}'`;
const bearer = (name: keyof DemoTokens): string => `-H "authorization: Bearer $${name}"`;

/**
 * The commands the server prints and the README lists, word for word: ids and tokens are shell variables the server
 * prints first. A test starts the real server, reads them from its output and runs each with curl, and another
 * compares them with the README, so neither the docs nor the server can drift from what the API does.
 */
export function tryItCommands(
  demo: Pick<DemoData, 'password' | 'users'>,
  baseDomain: string,
  port: number,
): TryItCommand[] {
  const at = (slug?: string) => `http://${slug === undefined ? '' : `${slug}.`}${baseDomain}:${port}`;
  const acme = at('acme');
  const acmeProject = '$ACME_PROJECT';
  const globexProject = '$GLOBEX_PROJECT';
  return [
    {
      title: "Sign in as Ada on acme's host: a token for acme",
      expectStatus: 200,
      command: `curl -s -X POST ${acme}/auth/sign-in ${json({ email: demo.users.ada.email, password: demo.password })}`,
    },
    { title: "Ada lists acme's projects", expectStatus: 200, command: `curl -s ${acme}/projects ${bearer('ADA')}` },
    {
      title: 'Ada creates a project',
      expectStatus: 201,
      command: `curl -s -X POST ${acme}/projects ${bearer('ADA')} ${json({ name: 'Launch party' })}`,
    },
    {
      title: 'Page through projects (limit 1..100)',
      expectStatus: 200,
      command: `curl -s '${acme}/projects?limit=1&offset=1' ${bearer('ADA')}`,
    },
    {
      title: "Tasks of acme's default workspace (workspace-scoped)",
      expectStatus: 200,
      command: `curl -s ${acme}/workspaces/$ACME_WORKSPACE/tasks ${bearer('ADA')}`,
    },
    {
      title: 'Vic is a viewer: he may read a project...',
      expectStatus: 200,
      command: `curl -s ${acme}/projects/${acmeProject} ${bearer('VIC')}`,
    },
    {
      title: '...but not delete it (PERMISSION_DENIED)',
      expectStatus: 403,
      command: `curl -s -X DELETE ${acme}/projects/${acmeProject} ${bearer('VIC')}`,
    },
    {
      title: "A globex project id on acme's host: NOT_FOUND, as if it did not exist",
      expectStatus: 404,
      command: `curl -s ${acme}/projects/${globexProject} ${bearer('ADA')}`,
    },
    {
      title: "Grace's globex token on acme's host: TENANT_AMBIGUOUS, never acme's data",
      expectStatus: 400,
      command: `curl -s ${acme}/projects ${bearer('GRACE')}`,
    },
    {
      title: 'No token: UNAUTHENTICATED',
      expectStatus: 401,
      command: `curl -s ${acme}/projects`,
    },
    {
      title: "A spoofed X-Forwarded-Host changes nothing: still acme's projects",
      expectStatus: 200,
      command: `curl -s ${acme}/projects -H 'x-forwarded-host: globex.${baseDomain}' ${bearer('ADA')}`,
    },
    {
      title: 'The tenant from a header instead of the subdomain',
      expectStatus: 200,
      command: `curl -s ${at()}/projects -H 'x-tenant: acme' ${bearer('ADA')}`,
    },
    {
      title: "Acme's audit trail (owners and admins)",
      expectStatus: 200,
      command: `curl -s ${acme}/audit ${bearer('ADA')}`,
    },
    {
      title: 'The platform console lists every tenant (platform admins only, on the bare domain)',
      expectStatus: 200,
      command: `curl -s ${at()}/platform/tenants ${bearer('OPS')}`,
    },
  ];
}

/** The block the server prints: the demo users, the shell variables to paste, and the commands. */
export function formatTryIt(demo: DemoData, variables: TryItVariables, baseDomain: string, port: number): string {
  const lines = [
    `Demo users (password "${demo.password}"): ${demo.users.ada.email} (owner of acme), ${demo.users.vic.email} (viewer in acme),`,
    `${demo.users.grace.email} (owner of globex), ${demo.users.ops.email} (platform admin).`,
    '',
    '# Paste these into your shell: tokens for the demo users (as sign-in returns them) and ids of seeded rows.',
    ...Object.entries(variables).map(([name, value]) => `export ${name}='${value}'`),
    '',
  ];
  for (const { title, expectStatus, command } of tryItCommands(demo, baseDomain, port)) {
    lines.push(`# ${title} -> ${expectStatus}`, command, '');
  }
  return lines.join('\n');
}
