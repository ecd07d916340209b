// A small reader for policy expressions as pg_get_expr deparses them: fully parenthesised, keywords upper-case,
// literals with explicit casts. It is not a SQL parser; it answers two questions conservatively: "does this
// expression reduce to true?" and "does it pin the tenant column to the tenant setting?".

/** Splits `expr` on a top-level keyword (`AND`, `OR`), outside parentheses, quotes and identifiers. */
export function splitTopLevel(expr: string, keyword: 'AND' | 'OR'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  const upper = expr.toUpperCase();
  const token = ` ${keyword} `;
  while (i < expr.length) {
    const ch = expr[i];
    if (ch === "'" || ch === '"') {
      i = skipQuoted(expr, i, ch);
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && upper.startsWith(token, i)) {
      parts.push(expr.slice(start, i).trim());
      i += token.length;
      start = i;
      continue;
    }
    i++;
  }
  parts.push(expr.slice(start).trim());
  return parts;
}

/** Removes parentheses that wrap the whole expression. */
export function stripParens(expr: string): string {
  let e = expr.trim();
  while (e.startsWith('(') && closingParen(e, 0) === e.length - 1) e = e.slice(1, -1).trim();
  return e;
}

/** True when the expression is true for every row: `true`, `(1 = 1)`, `(x = x)`, `(true OR ...)`, `NOT false`. */
export function isAlwaysTrue(expr: string): boolean {
  return truth(expr) === true;
}

/** True when the expression is a conjunction that pins `column` to the tenant setting, with no way around it. */
export function pinsTenant(expr: string, column: string, helperSchema: string, setting: string): boolean {
  return splitTopLevel(stripParens(expr), 'AND').some((conjunct) => {
    const sides = splitComparison(stripParens(conjunct), '=');
    if (!sides) return false;
    const [left, right] = sides;
    return (
      (isColumn(left, column) && isTenantValue(right, helperSchema, setting)) ||
      (isColumn(right, column) && isTenantValue(left, helperSchema, setting))
    );
  });
}

// true, false, or undefined when the expression depends on data.
function truth(expr: string): boolean | undefined {
  const e = stripParens(expr);
  if (/^true$/i.test(e)) return true;
  if (/^false$/i.test(e)) return false;
  const ors = splitTopLevel(e, 'OR');
  if (ors.length > 1) {
    const values = ors.map(truth);
    if (values.includes(true)) return true;
    return values.every((v) => v === false) ? false : undefined;
  }
  const ands = splitTopLevel(e, 'AND');
  if (ands.length > 1) {
    const values = ands.map(truth);
    if (values.includes(false)) return false;
    return values.every((v) => v === true) ? true : undefined;
  }
  if (/^NOT\s/i.test(e)) {
    const inner = truth(e.slice(4));
    return inner === undefined ? undefined : !inner;
  }
  for (const op of ['=', '>=', '<=', 'IS NOT DISTINCT FROM']) {
    const sides = splitComparison(e, op);
    // Identical operands without a function call: x = x holds for every row where x is not null, which for a
    // policy on a NOT NULL tenant column is every row. A call (random(), a setting) may differ between sides.
    if (sides && stripParens(sides[0]) === stripParens(sides[1]) && !hasCall(sides[0])) return true;
  }
  return undefined;
}

function splitComparison(expr: string, op: string): [string, string] | undefined {
  const token = ` ${op} `;
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === "'" || ch === '"') {
      i = skipQuoted(expr, i, ch) - 1;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && expr.toUpperCase().startsWith(token, i)) {
      return [expr.slice(0, i).trim(), expr.slice(i + token.length).trim()];
    }
  }
  return undefined;
}

function hasCall(expr: string): boolean {
  return /[a-z0-9_"]\s*\(/i.test(expr.replace(/'(?:[^']|'')*'/g, "''"));
}

function isColumn(side: string, column: string): boolean {
  const quoted = `"${column.replaceAll('"', '""')}"`;
  // A cast of the column (`(tenant_id)::text`) still pins it; it only costs the index, which another rule reports.
  const bare = stripParens(side.replace(/::[a-z_ ]+(\[\])?$/i, ''));
  return bare === column || bare === quoted;
}

function isTenantValue(side: string, helperSchema: string, setting: string): boolean {
  const s = side.replace(/\s+/g, ' ').trim();
  const schema = escapeRegExp(helperSchema);
  const call = new RegExp(
    `^\\(?\\s*(SELECT\\s+)?"?${schema}"?\\."?tenant_id"?\\(\\)(\\s+AS\\s+"?[\\w$]+"?)?\\s*\\)?$`,
    'i',
  );
  if (call.test(s)) return true;
  // Hand-written guards often read the setting directly: current_setting('tenancy.tenant_id', true), with or
  // without nullif(..., '') and casts. Anything else in that expression (coalesce with a column, an OR) is refused.
  const compact = s.replace(/\s+/g, '').toLowerCase();
  const name = escapeRegExp(setting.toLowerCase());
  const direct = new RegExp(
    `^\\(*(select)?\\(*(nullif\\()?\\(*current_setting\\('${name}'(::text)?(,true)?\\)(::text)?\\)*(,''(::text)?\\))?\\)*(::[a-z]+)?\\)*(as[\\w$"]+)?\\)*$`,
  );
  return direct.test(compact);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function skipQuoted(s: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === quote) {
      if (s[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return i;
}

function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'" || ch === '"') {
      i = skipQuoted(s, i, ch) - 1;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
