// The resolved configuration exactly as the @tenancy/postgres contract defines it. G's `src/config/` owns the real
// type; this copy lets the linter build before it lands and is replaced by an import from '../config/index.js'.

/** A command the app role may run on a table. */
export type Command = 'select' | 'insert' | 'update' | 'delete';

/** One table of the resolved configuration. */
export type ResolvedTable =
  | {
      schema: string;
      name: string;
      scope: 'tenant';
      tenantColumn: string;
      grants: Command[];
      permissions: Partial<Record<Command, string>>;
    }
  | {
      schema: string;
      name: string;
      scope: 'workspace';
      tenantColumn: string;
      workspaceColumn: string;
      grants: Command[];
      permissions: Partial<Record<Command, string>>;
    }
  | { schema: string; name: string; scope: 'global' }
  | { schema: string; name: string; scope: 'ignore'; reason?: string | undefined };

/** The configuration after defaults, as the generator and the linter take it. */
export interface ResolvedTenancyConfig {
  dialect: 'postgres' | 'citus' | 'supabase';
  tenantColumn: string;
  tenantColumnType: 'uuid' | 'text' | 'bigint';
  settings: { tenantId: string; userId: string; workspaceId: string };
  roles: { app: string; platform: string };
  helperSchema: string;
  schemas: string[];
  foundation: boolean;
  tables: ResolvedTable[];
  lint: { allow: Array<{ rule: string; object: string; reason: string }> };
  source?: string | undefined;
}
