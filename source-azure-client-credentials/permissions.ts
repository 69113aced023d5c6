// Which application permissions a stream lacks, judged from the token's roles claim.
import type { PermissionRequirement } from './streams/types.js';

/** Directory.Read.All includes the read permissions of users, groups, applications and the organization. */
const IMPLIED_BY: Record<string, string[]> = {
  'User.Read.All': ['Directory.Read.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'Application.Read.All': ['Directory.Read.All', 'Application.ReadWrite.All', 'Directory.ReadWrite.All'],
  'GroupMember.Read.All': ['Directory.Read.All', 'Group.Read.All', 'Directory.ReadWrite.All'],
  'Organization.Read.All': ['Directory.Read.All', 'Organization.ReadWrite.All', 'Directory.ReadWrite.All'],
  'Directory.Read.All': ['Directory.ReadWrite.All'],
  'AuditLog.Read.All': [],
};

const holds = (permission: string, roles: ReadonlySet<string>) =>
  roles.has(permission) || (IMPLIED_BY[permission] ?? []).some((r) => roles.has(r));

/** Returns, for each unmet requirement, the permission to grant (the first, least-privileged, choice). */
export function missingPermissions(requirement: PermissionRequirement, roles: readonly string[]): string[] {
  const granted = new Set(roles);
  return requirement.filter((anyOf) => !anyOf.some((p) => holds(p, granted))).map((anyOf) => anyOf[0]!);
}
