import { isTenancyError } from '@tenancy/core';
import { describe, expect, it } from 'vitest';
import { splitStatements, withoutTransactionControl } from './split-sql.js';

describe('splitStatements', () => {
  it('splits on top-level semicolons only', () => {
    const script = [
      "select 'a;b';",
      'select "x;y" from t;',
      '-- a comment; with a semicolon',
      '/* block; /* nested; */ still comment; */ select 1;',
      'do $tag$ begin perform 1; end $tag$;',
      "select E'it\\'s; fine';",
    ].join('\n');
    expect(splitStatements(script).map((s) => s.trim())).toEqual([
      "select 'a;b';",
      'select "x;y" from t;',
      '-- a comment; with a semicolon\n/* block; /* nested; */ still comment; */ select 1;',
      'do $tag$ begin perform 1; end $tag$;',
      "select E'it\\'s; fine';",
    ]);
  });
});

describe('withoutTransactionControl', () => {
  it('drops the script-level begin and commit but keeps begin/end inside function bodies', () => {
    const script = `-- header
begin;
create function f() returns trigger language plpgsql as $$
begin
  return new;
end;
$$;
commit;
`;
    const out = withoutTransactionControl(script);
    expect(out).not.toMatch(/^begin;/m);
    expect(out).not.toMatch(/^commit;/m);
    expect(out).toContain('$$\nbegin\n  return new;\nend;\n$$;');
  });

  it('refuses a script that would end or roll back the caller transaction some other way', () => {
    for (const statement of ['rollback;', 'savepoint a;', "prepare transaction 'x';", 'abort;']) {
      let error: unknown;
      try {
        withoutTransactionControl(`select 1; ${statement} select 2;`);
      } catch (e) {
        error = e;
      }
      expect(isTenancyError(error, 'INVALID_INPUT')).toBe(true);
    }
  });

  it('drops END and START TRANSACTION, the other spellings of commit and begin', () => {
    expect(withoutTransactionControl('start transaction;\nselect 1;\nend;\n').trim()).toBe('select 1;');
  });
});
