import { describe, expect, it } from 'vitest';
import { isTenancyError } from '../errors/tenancy-error.js';
import { extractToken } from './extract-token.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl';
const OTHER = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyXzIifQ.c2lnbmF0dXJl';

function outcome(headers: HeadersInit, cookie?: string): string {
  try {
    return extractToken(new Request('https://app.example.com/', { headers }), { cookie }) ?? 'none';
  } catch (error) {
    if (!isTenancyError(error)) throw error;
    expect(error.message).not.toContain(JWT);
    return error.code;
  }
}

describe('extractToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    [`Bearer ${JWT}`, JWT],
    ['Bearer b64token+/~-._==', 'b64token+/~-._=='],
  ])('takes the token from "%s"', (header, token) => {
    expect(outcome({ authorization: header })).toBe(token);
  });

  it.each([
    ['Bearer'],
    ['Bearer '],
    ['Bearer  a b'],
    ['Bearer  abc'],
    ['Bearer a b'],
    ['Bearer\tabc'],
    ['bearer abc'],
    ['BEARER abc'],
    ['Bearerabc'],
    ['Bearer abc='.concat('x')],
    ['Bearer "abc"'],
    ['Bearer abc;def'],
  ])('refuses the malformed bearer header "%s" with UNAUTHENTICATED', (header) => {
    expect(outcome({ authorization: header })).toBe('UNAUTHENTICATED');
  });

  it('refuses two Authorization headers, which arrive joined by a comma', () => {
    const headers = new Headers();
    headers.append('authorization', `Bearer ${JWT}`);
    headers.append('authorization', `Bearer ${OTHER}`);
    expect(outcome(headers)).toBe('UNAUTHENTICATED');
  });

  it.each([['Basic x'], ['Basic dXNlcjpwYXNz'], ['Token abc']])(
    'leaves other schemes ("%s") to other authenticators: no token',
    (header) => {
      expect(outcome({ authorization: header })).toBe('none');
    },
  );

  it('returns undefined without an Authorization header', () => {
    expect(outcome({})).toBe('none');
  });

  it('ignores cookies unless a cookie name is configured', () => {
    expect(outcome({ cookie: `access_token=${JWT}` })).toBe('none');
  });

  it('reads the configured cookie, quoted or not, and only that exact name', () => {
    expect(outcome({ cookie: `theme=dark; access_token=${JWT}; lang=en` }, 'access_token')).toBe(JWT);
    expect(outcome({ cookie: `access_token="${JWT}"` }, 'access_token')).toBe(JWT);
    expect(outcome({ cookie: `xaccess_token=${JWT}; access_token_2=${JWT}` }, 'access_token')).toBe('none');
    expect(outcome({ cookie: 'access_token=' }, 'access_token')).toBe('none');
  });

  it('refuses a configured cookie that does not hold a JWT', () => {
    expect(outcome({ cookie: 'access_token=not-a-jwt' }, 'access_token')).toBe('UNAUTHENTICATED');
    expect(outcome({ cookie: 'access_token=a.b.c d' }, 'access_token')).toBe('UNAUTHENTICATED');
  });

  it('refuses the same cookie twice with different values, accepts it twice with the same', () => {
    expect(outcome({ cookie: `access_token=${JWT}; access_token=${OTHER}` }, 'access_token')).toBe('UNAUTHENTICATED');
    expect(outcome({ cookie: `access_token=${JWT}; access_token=${JWT}` }, 'access_token')).toBe(JWT);
  });

  it('refuses a header and a cookie that carry different tokens, accepts them when equal', () => {
    const both = (cookieToken: string) =>
      outcome({ authorization: `Bearer ${JWT}`, cookie: `access_token=${cookieToken}` }, 'access_token');
    expect(both(OTHER)).toBe('UNAUTHENTICATED');
    expect(both(JWT)).toBe(JWT);
  });
});
