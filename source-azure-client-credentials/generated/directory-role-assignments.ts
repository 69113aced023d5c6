// Generated from schemas/directory_role_assignments.json by `npm run gen`: do not edit by hand.

/**
 * Who holds which Microsoft Entra admin role: one record per active directory role assignment (GET /v1.0/roleManagement/directory/roleAssignments, https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments), joined to its role definition (GET /v1.0/roleManagement/directory/roleDefinitions, built-in and custom roles) and to the principal's type and names (the assignment's $expand=principal). Eligible (PIM) assignments that are not activated are not included. Full refresh only.
 */
export interface DirectoryRoleAssignmentsRecord {
  /**
   * The role assignment's id (not a GUID).
   */
  id: string;
  /**
   * The assigned role as the assignment names it: a role definition's id or its templateId.
   */
  roleDefinitionId: null | string;
  /**
   * Derived: the role's name, e.g. "Global Administrator", from the role definition whose id or templateId is roleDefinitionId; null when no definition matches.
   */
  roleDisplayName: null | string;
  /**
   * Derived: the role definition's templateId (the same in every tenant for built-in roles); null when no definition matches.
   */
  roleTemplateId: null | string;
  /**
   * Derived: true for a built-in role, false for a custom role; null when no definition matches.
   */
  roleIsBuiltIn: null | boolean;
  /**
   * The id of the user, group or service principal holding the role.
   */
  principalId: null | string;
  /**
   * Derived: the principal's kind from its @odata.type: "user", "group" or "servicePrincipal"; null when Graph returned no principal (deleted since).
   */
  principalType: null | string;
  /**
   * Derived: the principal's displayName; null when Graph returned no principal or only its id.
   */
  principalDisplayName: null | string;
  /**
   * Derived: the user principal name of a user principal; null for groups and service principals.
   */
  principalUserPrincipalName: null | string;
  /**
   * Where the role applies: "/" for the whole tenant, "/administrativeUnits/{id}" for an administrative unit, "/{objectId}" for one object (e.g. an application).
   */
  directoryScopeId: null | string;
  /**
   * The application-specific scope, when the role is scoped to an application's own resources; null otherwise.
   */
  appScopeId: null | string;
  [k: string]: unknown;
}
