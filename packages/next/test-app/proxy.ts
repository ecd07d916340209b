import { createTenancyProxy } from '@tenancy/next/proxy';
import { tenancy } from './lib/tenancy';

export const proxy = createTenancyProxy(tenancy, { rewrite: '/t' });

export const config = { matcher: ['/((?!_next/|favicon.ico).*)'] };
