// Generated from schemas/oauth2_permission_grants.json by `npm run gen`: do not edit by hand.

/**
 * Delegated consents: one record per delegated permission grant (GET /v1.0/oauth2PermissionGrants, https://learn.microsoft.com/graph/api/oauth2permissiongrant-list): which client application may act for which users (all of them, or one) on which API, with which scopes. The client and the resource (API) are joined to their service principals (GET /v1.0/servicePrincipals, read once) for their appId and display name. Full refresh only.
 */
export interface Oauth2PermissionGrantsRecord {
  /**
   * The grant's id (an opaque string, not a GUID).
   */
  id: string;
  /**
   * The object id of the client's service principal: the application granted access.
   */
  clientId: null | string;
  /**
   * Derived: the client service principal's appId (its application (client) id); null when the service principal is gone.
   */
  clientAppId: null | string;
  /**
   * Derived: the client service principal's displayName; null when the service principal is gone.
   */
  clientDisplayName: null | string;
  /**
   * "AllPrincipals": an administrator consented for every user of the tenant; "Principal": one user consented for themselves (principalId).
   */
  consentType: null | string;
  /**
   * The user the grant acts for when consentType is "Principal"; null for "AllPrincipals".
   */
  principalId: null | string;
  /**
   * The object id of the resource's service principal: the API the client may call (e.g. Microsoft Graph).
   */
  resourceId: null | string;
  /**
   * Derived: the resource service principal's appId (00000003-0000-0000-c000-000000000000 for Microsoft Graph); null when the service principal is gone.
   */
  resourceAppId: null | string;
  /**
   * Derived: the resource service principal's displayName; null when the service principal is gone.
   */
  resourceDisplayName: null | string;
  /**
   * The delegated permissions granted, space-separated, as Graph returns them (e.g. "openid User.Read Mail.Read").
   */
  scope: null | string;
  /**
   * Derived: scope split on whitespace, without empty entries, in Graph's order; [] when scope is empty or null.
   */
  scopes: null | string[];
  [k: string]: unknown;
}
