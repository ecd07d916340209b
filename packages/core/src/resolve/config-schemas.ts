import { z } from 'zod';
import { isTenancyError } from '../errors/tenancy-error.js';
import { isIpHost, normalizeHostFrom } from './normalize-host.js';

/** A strategy's `source` name: shown in results and error messages, so printable and short. */
export const sourceSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** A configured domain (base domain, platform domain): normalized like a request host; IP literals refused. */
export const domainSchema = z.string().transform((value, ctx) => {
  let host: string;
  try {
    host = normalizeHostFrom(value, 'is not a valid domain: it');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: isTenancyError(error) ? error.message.slice(0, -1) : 'invalid domain' });
    return z.NEVER;
  }
  if (isIpHost(host)) {
    ctx.addIssue({ code: 'custom', message: 'must be a domain name, not an IP address' });
    return z.NEVER;
  }
  return host;
});
