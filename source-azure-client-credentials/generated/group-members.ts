// Generated from schemas/group_members.json by `npm run gen`: do not edit by hand.

/**
 * One record per (group, direct member) of every group: GET /v1.0/groups/{id}/members (https://learn.microsoft.com/graph/api/group-list-members), read through $batch. Direct members only: a nested group is one row (memberType "group"), whose own members are rows of that group. Known gaps: Microsoft Graph v1.0 does not list service principals among a group's members (a documented known issue; they appear as memberType "servicePrincipal" once Graph lists them), and the members of groups with hidden membership need the Member.Read.Hidden permission (without it such groups are skipped with a WARN). Full refresh only. Primary key (groupId, memberId).
 */
export interface GroupMembersRecord {
  /**
   * The group's id (groups.id).
   */
  groupId: string;
  /**
   * The group's name when the sync read it.
   */
  groupDisplayName: null | string;
  /**
   * The member's id: a user, group, device, service principal or organizational contact (join users.id, groups.id, service_principals.id).
   */
  memberId: string;
  /**
   * The member's kind, from its @odata.type: "user", "group" (a nested group: its own members are rows of that group, not of this one), "device", "servicePrincipal" or "orgContact"; another type Graph may add is passed on as Graph names it.
   */
  memberType: string;
  /**
   * The member's display name. Null when the app lacks the permission to read that kind of object (Microsoft Graph then returns only its type and id): User.Read.All for users, Device.Read.All for devices, Application.Read.All for service principals, OrgContact.Read.All for contacts, or Directory.Read.All for all; a sync that meets such members logs a WARN naming the permission.
   */
  memberDisplayName: null | string;
  /**
   * The member's user principal name (users only).
   */
  memberUserPrincipalName: null | string;
  /**
   * The member's primary SMTP address (users, groups and contacts that have one).
   */
  memberMail: null | string;
  [k: string]: unknown;
}
