import { acceptHandoff } from '../../../../../lib/accept-handoff';

export const GET = acceptHandoff;
