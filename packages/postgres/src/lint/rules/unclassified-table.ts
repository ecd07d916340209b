import { configuredTables } from '../classify.js';
import type { Rule } from '../types.js';

/** A table in a managed schema that the configuration does not classify. */
export const unclassifiedTable: Rule = {
  id: 'unclassified-table',
  severity: 'error',
  description:
    'A table in a managed schema is not classified in the configuration (tenant, workspace, global or ignore).',
  why: 'An unclassified table gets no policies: if it holds tenant data, every tenant reads every row of it. Classifying every table makes that a decision someone wrote down instead of an accident. (Partitions follow their parent and need no entry.)',
  fix: "Add the table to `tables` in tenancy.config with scope 'tenant', 'workspace', 'global', or 'ignore' (with a reason), then run `tenancy apply`.",
  run(catalog, config) {
    const managed = new Set(config.schemas);
    const tables = configuredTables(config);
    return catalog.relations
      .filter(
        (r) =>
          (r.kind === 'table' || r.kind === 'partitioned-table') &&
          !r.isPartition &&
          managed.has(r.schema) &&
          !tables.has(r.qualifiedName),
      )
      .map((r) => ({
        object: r.qualifiedName,
        message: `Table ${r.qualifiedName} is in managed schema ${r.schema} but the configuration does not classify it.`,
        fix: `Add '${r.schema === 'public' ? r.name : r.qualifiedName}' to \`tables\` in tenancy.config with a scope ('tenant', 'workspace', 'global' or 'ignore'), then run \`tenancy apply\`.`,
      }));
  },
};
