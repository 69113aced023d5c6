// The streams this source offers, in catalog order.
import { appRoleAssignments } from './app-role-assignments/app-role-assignments.js';
import { groupMembers } from './group-members/group-members.js';
import { groups } from './groups.js';
import { servicePrincipals } from './service-principals.js';
import { signIns } from './sign-ins/sign-ins.js';
import type { StreamDef } from './types.js';
import { users } from './users.js';

export const STREAMS: readonly StreamDef[] = [users, servicePrincipals, appRoleAssignments, signIns, groups, groupMembers];

export const STREAM_NAMES: ReadonlySet<string> = new Set(STREAMS.map((s) => s.name));
