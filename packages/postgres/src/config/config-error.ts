import { TenancyError } from '@tenancy/core';

/** One problem found in a config, with the path of the offending field. */
export interface ConfigIssue {
  /** Dotted path, e.g. `tables.tasks.workspaceColumn` or `tables["public.tasks"].scope`. */
  path: string;
  message: string;
}

/** Formats a zod-style path (`['tables', 'public.tasks', 'scope']`) as `tables["public.tasks"].scope`. */
export function formatConfigPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}

/** An INVALID_CONFIG error listing every issue, each with its path; `details.path` is the first issue's path. */
export function invalidConfig(issues: ConfigIssue[], source?: string | undefined): TenancyError {
  const where = source === undefined ? '' : ` (${source})`;
  const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
  return new TenancyError('INVALID_CONFIG', `Invalid tenancy config${where}:\n${lines.join('\n')}`, {
    details: { path: issues[0]?.path ?? '(root)', issues, ...(source === undefined ? {} : { source }) },
  });
}
