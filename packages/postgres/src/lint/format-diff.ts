import type { DiffReport } from './diff-database.js';

/** The version of the JSON format of `tenancy diff --format json`. */
export const DIFF_JSON_VERSION = 1;

const SIGN = { add: '+', change: '~', remove: '-' } as const;

/**
 * Renders a diff report: `text` lists each change as `+`/`~`/`-`, kind and object with the values indented
 * beneath; `json` is stable for CI, with a `version`.
 * @example
 * console.log(formatDiff(await diffDatabase({ sql, config }), 'text'));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/linter.md#tenancy-diff
 */
export function formatDiff(report: DiffReport, format: 'text' | 'json'): string {
  if (format === 'json') {
    const json = {
      version: DIFF_JSON_VERSION,
      added: report.added,
      changed: report.changed,
      removed: report.removed,
      changes: report.changes.map((c) => ({
        action: c.action,
        kind: c.kind,
        object: c.object,
        ...(c.before === undefined ? {} : { before: c.before }),
        ...(c.after === undefined ? {} : { after: c.after }),
      })),
    };
    return `${JSON.stringify(json, null, 2)}\n`;
  }
  if (report.changes.length === 0)
    return 'tenancy diff: the database matches the generated SQL; apply would change nothing.\n';
  const out: string[] = [];
  const indent = (prefix: string, value: string) => value.split('\n').map((line) => `    ${prefix}${line}`);
  for (const c of report.changes) {
    out.push(`${SIGN[c.action]} ${c.kind} ${c.object}`);
    if (c.action === 'change') out.push(...indent('- ', c.before ?? ''), ...indent('+ ', c.after ?? ''));
    else out.push(...indent('', (c.action === 'add' ? c.after : c.before) ?? ''));
  }
  out.push(
    '',
    `tenancy diff: apply would add ${report.added}, change ${report.changed}, remove ${report.removed} (${report.changes.length} in all).`,
  );
  return `${out.join('\n')}\n`;
}
