import { ident } from '../classify.js';
import type { Rule } from '../types.js';

/** The app role is a superuser or has BYPASSRLS. */
export const appRoleBypassesRls: Rule = {
  id: 'app-role-bypasses-rls',
  severity: 'error',
  description: 'The app role is a superuser or has BYPASSRLS.',
  why: 'Superusers and BYPASSRLS roles skip every row level security policy, even forced ones: every unit of work the app runs for a tenant would see all tenants.',
  fix: 'alter role <app role> nosuperuser nobypassrls;',
  run(catalog) {
    const role = catalog.appRole;
    if (!role || (!role.superuser && !role.bypassRls)) return [];
    const what = [role.superuser && 'a superuser', role.bypassRls && 'BYPASSRLS'].filter(Boolean).join(' and ');
    return [
      {
        object: role.name,
        message: `The app role ${role.name} is ${what}.`,
        fix: `alter role ${ident(role.name)} nosuperuser nobypassrls;`,
      },
    ];
  },
};
