// Generated from schemas/app_role_assignments.json by `npm run gen`: do not edit by hand.

/**
 * The SSO application roster: one record per (app role assignment, person). Assignments come from GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo (https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto). A User principal gives one row; a Group principal gives one row per DIRECT user member of the group (GET /v1.0/groups/{id}/members); members that are groups, devices, contacts or service principals are not expanded, because Entra ID does not cascade app role assignments to nested groups: group-based assignment applies to a group's direct members only and nested group memberships are not supported (https://learn.microsoft.com/entra/identity/enterprise-apps/assign-user-or-group-access-portal); a ServicePrincipal principal gives one row of its own. Primary key (id, userId).
 */
export interface AppRoleAssignmentsRecord {
  /**
   * The app role assignment's id (not a GUID). Shared by every row a group assignment expands to; (id, userId) is unique.
   */
  id: string;
  /**
   * The assigned app role's id; 00000000-0000-0000-0000-000000000000 is the default access role.
   */
  appRoleId: null | string;
  /**
   * When the assignment was made.
   */
  createdDateTime: null | string;
  /**
   * The assigned user, group or service principal.
   */
  principalId: null | string;
  /**
   * "User", "Group" or "ServicePrincipal".
   */
  principalType: null | string;
  principalDisplayName: null | string;
  /**
   * The service principal (application instance, "App Instance ID") the role is assigned on.
   */
  resourceId: null | string;
  /**
   * The application's name.
   */
  resourceDisplayName: null | string;
  /**
   * Derived: the appId (application id) of the resource service principal.
   */
  appId: null | string;
  /**
   * Derived: the value of the assigned role, from the resource's appRoles by appRoleId; null for the default access role (all-zero id) and for an id the application no longer defines.
   */
  appRoleValue: null | string;
  /**
   * Derived: the displayName of the assigned role, from the resource's appRoles by appRoleId; "Default Access" for the all-zero id; null for an id the application no longer defines.
   */
  appRoleDisplayName: null | string;
  /**
   * Derived: the person's user id (the principal for a User assignment, the group member for a Group assignment); for a ServicePrincipal assignment, the principalId.
   */
  userId: string;
  /**
   * Derived: the user's mail; null for service principal rows.
   */
  email: null | string;
  /**
   * Derived: the user's givenName; null for service principal rows.
   */
  givenName: null | string;
  /**
   * Derived: the user's surname; null for service principal rows.
   */
  surname: null | string;
  /**
   * Derived: the user's userPrincipalName; null for service principal rows.
   */
  userPrincipalName: null | string;
  /**
   * Derived: the user's employeeHireDate when set, else createdDateTime, else null (same rule as users.activeDate); null for service principal rows.
   */
  activeDate: null | string;
  /**
   * Derived: the id of the group the row came through (principalId of a Group assignment), else null.
   */
  viaGroupId: null | string;
  /**
   * Derived: the displayName of that group (principalDisplayName of the Group assignment), else null.
   */
  viaGroupDisplayName: null | string;
  [k: string]: unknown;
}
