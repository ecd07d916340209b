import { switchTenant } from '../../../lib/switch-tenant';

export const GET = switchTenant;
