// The demo data: plain constants, shared by the seed, the sign-in page's list of demo accounts and the tests.
import type { ROLES } from './permissions';

/** The password of every demo user. A demo, printed on start: never reuse it anywhere. */
export const DEMO_PASSWORD = 'tenancy-demo';

/** A demo user. */
export interface DemoUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly platformAdmin: boolean;
}

/** The demo users: Ada belongs to both tenants (the switcher), Ops is a platform admin and belongs to none. */
export const DEMO_USERS = {
  ada: {
    id: '0197a000-0000-7000-8000-00000000a0a0',
    email: 'ada@example.test',
    name: 'Ada Lovelace',
    platformAdmin: false,
  },
  bob: {
    id: '0197a000-0000-7000-8000-00000000b0b0',
    email: 'bob@example.test',
    name: 'Bob Page',
    platformAdmin: false,
  },
  carol: {
    id: '0197a000-0000-7000-8000-00000000c0c0',
    email: 'carol@example.test',
    name: 'Carol Shaw',
    platformAdmin: false,
  },
  ops: { id: '0197a000-0000-7000-8000-00000000f0f0', email: 'ops@example.test', name: 'Ops', platformAdmin: true },
} as const satisfies Record<string, DemoUser>;

/** A demo tenant with its owner, other members, branding and projects. */
export interface DemoTenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly primaryColor: string;
  readonly owner: DemoUser;
  readonly members: ReadonlyArray<{ readonly user: DemoUser; readonly role: keyof typeof ROLES }>;
  readonly projects: readonly string[];
}

/** The two demo tenants. */
export const DEMO_TENANTS = [
  {
    id: '0197a000-0000-7000-8000-0000000acce0',
    slug: 'acme',
    name: 'Acme Corp',
    primaryColor: '#1d4ed8',
    owner: DEMO_USERS.ada,
    members: [{ user: DEMO_USERS.carol, role: 'viewer' }],
    projects: ['Giant magnet', 'Portable hole', 'Rocket skates'],
  },
  {
    id: '0197a000-0000-7000-8000-00000000610b',
    slug: 'globex',
    name: 'Globex',
    primaryColor: '#15803d',
    owner: DEMO_USERS.bob,
    members: [{ user: DEMO_USERS.ada, role: 'member' }],
    projects: ['Doomsday device', 'Hammock district'],
  },
] as const satisfies readonly DemoTenant[];
