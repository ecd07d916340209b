import { TenancyError } from '../errors/tenancy-error.js';

/**
 * Slugs no tenant may take by default: names of the platform's own hosts and pages. A subdomain that is one of them
 * is the platform, not a tenant; sign-up should refuse them. Replace the list with the `reservedSlugs` option.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#identifier-rules
 */
export const DEFAULT_RESERVED_SLUGS: readonly string[] = Object.freeze([
  'www',
  'api',
  'app',
  'admin',
  'auth',
  'login',
  'signup',
  'account',
  'billing',
  'dashboard',
  'platform',
  'mail',
  'static',
  'assets',
  'cdn',
  'docs',
  'help',
  'support',
  'status',
  'blog',
]);

/** Options for {@link parseSlug}. */
export interface ParseSlugOptions {
  /** Slugs that are refused. Default {@link DEFAULT_RESERVED_SLUGS}. */
  reserved?: ReadonlySet<string> | readonly string[] | undefined;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DEFAULT_RESERVED: ReadonlySet<string> = new Set(DEFAULT_RESERVED_SLUGS);

/**
 * Validates a tenant slug from outside (a subdomain, a path segment, a header) and returns it; throws `INVALID_INPUT`
 * saying what was wrong, without repeating the value. Slugs are DNS labels: 1–63 characters of lowercase `a-z 0-9 -`,
 * no leading or trailing hyphen, no `--` in positions 3–4 (so no `xn--` punycode look-alikes), not reserved.
 * @example
 * parseSlug('acme');          // 'acme'
 * parseSlug('Acme');          // throws INVALID_INPUT (uppercase)
 * parseSlug('xn--pple-43d');  // throws INVALID_INPUT (punycode look-alike)
 * parseSlug('www');           // throws INVALID_INPUT (reserved)
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#identifier-rules
 */
export function parseSlug(value: string, options: ParseSlugOptions = {}): string {
  const reserved =
    options.reserved === undefined
      ? DEFAULT_RESERVED
      : options.reserved instanceof Set
        ? options.reserved
        : new Set(options.reserved);
  return parseSlugFrom(value, reserved, 'The tenant slug');
}

/** {@link parseSlug} with a compiled reserved set and the subject of the error message named. */
export function parseSlugFrom(value: string, reserved: ReadonlySet<string>, subject: string): string {
  if (typeof value !== 'string' || value.length === 0) throw slugError(subject, 'is empty');
  if (!SLUG.test(value)) throw slugError(subject, slugProblem(value));
  // "ab--cd": positions 3-4 are where IDNA puts "xn--"; refusing every such slug keeps a tenant from registering a
  // name that a browser shows as a different, Unicode name.
  if (value.length >= 4 && value.charCodeAt(2) === 0x2d && value.charCodeAt(3) === 0x2d) {
    throw slugError(subject, 'has "--" in positions 3-4, which is reserved for punycode names like "xn--"');
  }
  if (reserved.has(value)) throw slugError(subject, 'is reserved');
  return value;
}

// Runs only on the error path, to say which rule was broken.
function slugProblem(value: string): string {
  if (value.length > 63) return 'is longer than 63 characters';
  if (/[A-Z]/.test(value) && /^[A-Za-z0-9-]+$/.test(value)) return 'has uppercase letters (slugs are lowercase)';
  if (!/^[a-z0-9-]+$/.test(value)) return 'contains characters other than a-z, 0-9 and "-"';
  return 'starts or ends with "-"';
}

function slugError(subject: string, problem: string): TenancyError {
  return new TenancyError('INVALID_INPUT', `${subject} ${problem}.`, { details: { field: 'slug' } });
}
