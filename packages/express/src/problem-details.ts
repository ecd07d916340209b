// The problem body is decided in core, once for every adapter; re-exported here so Express users import it from the
// adapter they use.
export type { ProblemDetails } from '@tenancy/core';
export { PROBLEM_JSON } from '@tenancy/core';
