import { TenancyError } from '@tenancy/core';

/**
 * Splits a SQL script into top-level statements, aware of quotes, dollar quotes and comments, so that a
 * `begin`/`end;` inside a function body is never mistaken for transaction control.
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  let depth = 0;
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end + 1;
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (ch === "'" || ch === '"') {
      i = skipQuoted(script, i, ch, ch === "'" && /[eE]/.test(script[i - 1] ?? '') && !/\w/.test(script[i - 2] ?? ''));
    } else if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i));
      // $1 is a parameter, not a dollar quote; a tag may not follow an identifier character (e.g. a$b$).
      if (tag && !/[\w$]/.test(script[i - 1] ?? '')) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? script.length : close + tag[0].length;
      } else i++;
    } else if (ch === '(') {
      depth++;
      i++;
    } else if (ch === ')') {
      depth--;
      i++;
    } else if (ch === ';' && depth === 0) {
      statements.push(script.slice(start, i + 1));
      i++;
      start = i;
    } else i++;
  }
  if (script.slice(start).trim() !== '') statements.push(script.slice(start));
  return statements.filter((s) => stripComments(s).trim() !== '');
}

/**
 * The script without its own top-level `begin`/`commit`, so that it can run inside a transaction the caller owns
 * and rolls back. A COMMIT left in would end that transaction and make the simulated apply real, so any other
 * transaction control in the script is refused outright.
 */
export function withoutTransactionControl(script: string): string {
  const kept: string[] = [];
  for (const statement of splitStatements(script)) {
    const head = stripComments(statement).trim().replace(/;$/, '').trim().toLowerCase();
    if (/^(begin|start\s+transaction)(\s+(transaction|work|isolation\s.*|read\s.*))?$/.test(head)) continue;
    if (/^(commit|end)(\s+(transaction|work))?$/.test(head)) continue;
    if (
      /^(rollback|abort|savepoint|release|prepare\s+transaction|commit\s+prepared|rollback\s+prepared)\b/.test(head)
    ) {
      throw new TenancyError(
        'INVALID_INPUT',
        `The generated SQL contains transaction control ("${head.slice(0, 40)}") that the drift check cannot simulate safely.`,
      );
    }
    kept.push(statement);
  }
  return kept.join('');
}

function stripComments(statement: string): string {
  let out = '';
  let i = 0;
  while (i < statement.length) {
    const ch = statement[i]!;
    const next = statement[i + 1];
    if (ch === '-' && next === '-') {
      const end = statement.indexOf('\n', i);
      i = end === -1 ? statement.length : end + 1;
      out += ' ';
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(statement, i);
      out += ' ';
    } else if (ch === "'" || ch === '"') {
      const end = skipQuoted(statement, i, ch, false);
      out += statement.slice(i, end);
      i = end;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function skipBlockComment(s: string, start: number): number {
  // Block comments nest in PostgreSQL.
  let depth = 0;
  let i = start;
  while (i < s.length) {
    if (s[i] === '/' && s[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (s[i] === '*' && s[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return i;
}

function skipQuoted(s: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < s.length) {
    if (backslashEscapes && s[i] === '\\') {
      i += 2;
      continue;
    }
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
