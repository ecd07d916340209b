import { createTestTenancy } from '../../src/test-tenancy.test-helper';

// TEMPORARY: the hand-written Tenancy of the unit tests, until core exports createTenancy().
export const { tenancy } = await createTestTenancy();
