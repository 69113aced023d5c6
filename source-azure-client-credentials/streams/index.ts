// The streams this source offers, in catalog order.
import { appRoleAssignments } from './app-role-assignments/app-role-assignments.js';
import { applications } from './applications/applications.js';
import { directoryAudits } from './directory-audits.js';
import { directoryRoleAssignments } from './directory-role-assignments.js';
import { groupMembers } from './group-members/group-members.js';
import { groups } from './groups.js';
import { oauth2PermissionGrants } from './oauth2-permission-grants.js';
import { servicePrincipals } from './service-principals.js';
import { signIns } from './sign-ins/sign-ins.js';
import { subscribedSkus } from './subscribed-skus.js';
import type { StreamDef } from './types.js';
import { users } from './users.js';

export const STREAMS: readonly StreamDef[] = [
  users,
  servicePrincipals,
  appRoleAssignments,
  signIns,
  directoryAudits,
  groups,
  groupMembers,
  applications,
  oauth2PermissionGrants,
  subscribedSkus,
  directoryRoleAssignments,
];

export const STREAM_NAMES: ReadonlySet<string> = new Set(STREAMS.map((s) => s.name));
