// Generated from schemas/app_role_assignments.json by `npm run gen`: do not edit by hand.

export interface AppRoleAssignmentsRecord {
  id?: string;
  [k: string]: unknown;
}
