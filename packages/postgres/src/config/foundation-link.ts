import { foundationTables } from '../foundation/foundation-tables.js';
import type { TableInput } from './config-types.js';

/** Classification of the foundation tables (the foundation area's), keyed by table name inside the helper schema. */
export const foundationTableInputs: Readonly<Record<string, TableInput>> = foundationTables;
