// The streams this source offers, in catalog order.
import { appRoleAssignments } from './app-role-assignments/app-role-assignments.js';
import { directoryAudits } from './directory-audits.js';
import { servicePrincipals } from './service-principals.js';
import { signIns } from './sign-ins/sign-ins.js';
import type { StreamDef } from './types.js';
import { users } from './users.js';

export const STREAMS: readonly StreamDef[] = [users, servicePrincipals, appRoleAssignments, signIns, directoryAudits];

export const STREAM_NAMES: ReadonlySet<string> = new Set(STREAMS.map((s) => s.name));
