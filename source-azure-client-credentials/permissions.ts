// Which application permissions a stream lacks, judged from the token's roles claim.
import type { Config } from './config.js';
import type { PermissionRequirement } from './streams/types.js';

/**
 * Broader application permissions that also grant a read permission, from the "Higher privileged
 * permissions" column (Application row) of the Graph API pages the streams call:
 * - User.Read.All: https://learn.microsoft.com/graph/api/user-list#permissions
 * - Application.Read.All: https://learn.microsoft.com/graph/api/serviceprincipal-list#permissions
 *   and https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto#permissions
 *   (Application.ReadWrite.OwnedBy is left out: it only reaches the apps the connector's app owns)
 * - Organization.Read.All: https://learn.microsoft.com/graph/api/organization-get#permissions
 * - GroupMember.Read.All: https://learn.microsoft.com/graph/api/group-list-members#permissions
 * - DelegatedPermissionGrant.Read.All (listed on no page; oauth2_permission_grants accepts it and its probe decides):
 *   DelegatedPermissionGrant.ReadWrite.All, which https://learn.microsoft.com/graph/api/oauth2permissiongrant-list#permissions lists
 * - LicenseAssignment.Read.All: https://learn.microsoft.com/graph/api/subscribedsku-list#permissions
 * - RoleManagement.Read.Directory: https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments#permissions
 *   and https://learn.microsoft.com/graph/api/rbacapplication-list-roledefinitions#permissions
 * AuditLog.Read.All has no broader substitute: Directory.Read.All does not open the sign-in logs
 * (https://learn.microsoft.com/graph/api/signin-list#permissions lists AuditLog.Read.All alone as least
 * privileged, and a known issue there asks for Directory.Read.All besides it, never instead).
 */
const IMPLIED_BY: Record<string, readonly string[]> = {
  'User.Read.All': ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'Application.Read.All': ['Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'Organization.Read.All': ['Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'GroupMember.Read.All': [
    'Group.Read.All',
    'GroupMember.ReadWrite.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'Directory.Read.All': ['Directory.ReadWrite.All'],
  'DelegatedPermissionGrant.Read.All': ['DelegatedPermissionGrant.ReadWrite.All'],
  'LicenseAssignment.Read.All': ['Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'RoleManagement.Read.Directory': [
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'AuditLog.Read.All': [],
  // Properties of users behind a permission of their own (additional_user_properties): nothing broader than their ReadWrite grants them.
  'User-LifeCycleInfo.Read.All': ['User-LifeCycleInfo.ReadWrite.All'],
  'CustomSecAttributeAssignment.Read.All': ['CustomSecAttributeAssignment.ReadWrite.All'],
};

/** The role in the claim that grants `permission` (itself or a broader one), if any. */
export function grantingRole(permission: string, roles: readonly string[]): string | undefined {
  if (roles.includes(permission)) return permission;
  return (IMPLIED_BY[permission] ?? []).find((broader) => roles.includes(broader));
}

/**
 * The requirements the roles leave unmet: each entry is one inner list of the stream's
 * requirement (any one of its permissions would do; the first is the least privileged).
 */
export function unmetRequirements(requirement: PermissionRequirement, roles: readonly string[]): string[][] {
  return requirement.filter((anyOf) => !anyOf.some((permission) => grantingRole(permission, roles) !== undefined));
}

/** The roles from the claim that satisfy a requirement, one per inner list (for messages). */
export function grantingRoles(requirement: PermissionRequirement, roles: readonly string[]): string[] {
  const found = requirement
    .map((anyOf) => anyOf.map((permission) => grantingRole(permission, roles)).find((role) => role !== undefined))
    .filter((role): role is string => role !== undefined);
  return [...new Set(found)];
}

/** The least-privileged permission of each inner list, de-duplicated, for "add these" advice. */
function leastPrivileged(requirements: readonly string[][]): string[] {
  return [...new Set(requirements.map((anyOf) => anyOf[0]!))];
}

/**
 * The fewest permissions that meet every requirement: start from the least-privileged choices and
 * drop each one the others already imply (e.g. Directory.Read.All, when it is asked for anyway,
 * covers User.Read.All). So the advice never asks for a permission that adds nothing.
 */
export function smallestGrant(requirements: readonly string[][]): string[] {
  const chosen = leastPrivileged(requirements);
  for (const permission of [...chosen]) {
    const without = chosen.filter((p) => p !== permission);
    if (unmetRequirements([...requirements], without).length === 0) chosen.splice(chosen.indexOf(permission), 1);
  }
  return chosen;
}

/** Everything a stream needs with this config: its own permissions plus what its options add. */
export function requiredPermissions(
  def: { permissions: PermissionRequirement; optionPermissions?(config: Config): PermissionRequirement },
  config: Config,
): PermissionRequirement {
  return [...def.permissions, ...(def.optionPermissions?.(config) ?? [])];
}
