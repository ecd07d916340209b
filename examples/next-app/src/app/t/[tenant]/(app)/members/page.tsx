import { memberships, rolePermissions, roles, users } from '@tenancy/postgres/schema';
import { asc, eq } from 'drizzle-orm';
import { RoleForm } from '../../../../../components/role-form';
import { ROLE_NAMES } from '../../../../../lib/permissions';
import { requireMember } from '../../../../../lib/require-member';
import { services } from '../../../../../lib/services';
import { runInTenant } from '../../../../../lib/tenancy-server';

// Members and roles of the tenant: three reads in one unit of work (one round trip), all through RLS.
export default async function MembersPage() {
  const member = await requireMember();
  if (!member.can('member:read')) return <p>Your role cannot see the member list.</p>;
  const [people, roleRows, grants] = await runInTenant(() =>
    services().tenantDb.run((db) => [
      db
        .select({ userId: memberships.userId, roles: memberships.roles, email: users.email, name: users.displayName })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .orderBy(asc(users.email)),
      db.select({ name: roles.name, inherits: roles.inherits }).from(roles).orderBy(asc(roles.name)),
      db
        .select({ role: rolePermissions.role, permission: rolePermissions.permission, effect: rolePermissions.effect })
        .from(rolePermissions)
        .orderBy(asc(rolePermissions.permission)),
    ]),
  );
  const canChange = member.can('member:update');
  return (
    <section className="stack">
      <h1>Members</h1>
      <table className="card" data-testid="members">
        <thead>
          <tr>
            <th>Name</th>
            <th>E-mail</th>
            <th>Role</th>
          </tr>
        </thead>
        <tbody>
          {people.map((person) => (
            <tr key={person.userId} data-testid="member">
              <td>{person.name ?? '—'}</td>
              <td data-testid="member-email">{person.email}</td>
              <td data-testid="member-roles">
                {canChange ? (
                  <RoleForm
                    userId={person.userId}
                    role={person.roles[0] ?? 'viewer'}
                    roles={ROLE_NAMES}
                    label={person.email}
                  />
                ) : (
                  person.roles.join(', ')
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Roles</h2>
      <table className="card" data-testid="roles">
        <thead>
          <tr>
            <th>Role</th>
            <th>Inherits</th>
            <th>Allows</th>
          </tr>
        </thead>
        <tbody>
          {roleRows.map((role) => (
            <tr key={role.name}>
              <td>{role.name}</td>
              <td>{role.inherits.join(', ') || '—'}</td>
              <td>
                {grants
                  .filter((grant) => grant.role === role.name)
                  .map((grant) => (grant.effect === 'deny' ? `not ${grant.permission}` : grant.permission))
                  .join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
