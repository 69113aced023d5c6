// Generated from schemas/service_principals.json by `npm run gen`: do not edit by hand.

/**
 * Application discovery: one record per service principal (application instance) of the tenant (GET /v1.0/servicePrincipals, https://learn.microsoft.com/graph/api/serviceprincipal-list), with Graph's property names, plus derived fields. Incremental sync reads the delta query (GET /v1.0/servicePrincipals/delta, https://learn.microsoft.com/graph/api/serviceprincipal-delta) and emits only changed service principals, each as a full record, and removed ones as deletion records.
 */
export interface ServicePrincipalsRecord {
  /**
   * The service principal's id: this application's instance in the tenant (the "App Instance ID").
   */
  id: string;
  /**
   * The application (client) id, the same in every tenant.
   */
  appId: null | string;
  displayName: null | string;
  /**
   * The application's name as its registration shows it.
   */
  appDisplayName: null | string;
  /**
   * The tenant that owns the application registration (f8cdef31-a31e-4b4a-93e4-5f571e91255a for Microsoft first-party apps).
   */
  appOwnerOrganizationId: null | string;
  /**
   * When false, any user of the tenant may sign in without an assignment.
   */
  appRoleAssignmentRequired: null | boolean;
  /**
   * "saml", "oidc", "password", "notSupported", or null.
   */
  preferredSingleSignOnMode: null | string;
  /**
   * The publisher verified by Microsoft, if any.
   */
  verifiedPublisher: null | {
    displayName?: null | string;
    verifiedPublisherId?: null | string;
    addedDateTime?: null | string;
    [k: string]: unknown;
  };
  /**
   * "Application", "ManagedIdentity", "Legacy" or "SocialIdp".
   */
  servicePrincipalType: null | string;
  signInAudience: null | string;
  accountEnabled: null | boolean;
  /**
   * Tags; "WindowsAzureActiveDirectoryIntegratedApp" marks apps listed as enterprise applications.
   */
  tags: null | string[];
  homepage: null | string;
  loginUrl: null | string;
  /**
   * Redirect URIs that tokens are sent to.
   */
  replyUrls: null | string[];
  /**
   * Roles the application defines; app role assignments refer to them by id.
   */
  appRoles:
    | null
    | {
        id?: string;
        value?: null | string;
        displayName?: null | string;
        description?: null | string;
        allowedMemberTypes?: null | string[];
        isEnabled?: null | boolean;
        origin?: null | string;
        [k: string]: unknown;
      }[];
  notificationEmailAddresses: null | string[];
  /**
   * Informational URLs of the application.
   */
  info: null | {
    logoUrl?: null | string;
    marketingUrl?: null | string;
    privacyStatementUrl?: null | string;
    supportUrl?: null | string;
    termsOfServiceUrl?: null | string;
    [k: string]: unknown;
  };
  /**
   * Derived: appRoleAssignmentRequired === false, i.e. anyone in the tenant may sign in (use SSO) without a role assignment. Null only on a deletion record (_ab_cdc_deleted_at set).
   */
  openAccess: null | boolean;
  /**
   * Derived: verifiedPublisher.displayName when non-empty; else the organization's displayName when appOwnerOrganizationId is this tenant's id; else "Microsoft" when appOwnerOrganizationId is Microsoft's first-party tenant f8cdef31-a31e-4b4a-93e4-5f571e91255a; else null.
   */
  publisher: null | string;
  /**
   * Derived: configured for OAuth 2.0 / OpenID Connect sign-in: preferredSingleSignOnMode is "oidc", or it is null/empty and replyUrls is non-empty. Null only on a deletion record (_ab_cdc_deleted_at set).
   */
  oauth2Integration: null | boolean;
  /**
   * Derived: appOwnerOrganizationId is Microsoft's first-party tenant f8cdef31-a31e-4b4a-93e4-5f571e91255a. Null only on a deletion record (_ab_cdc_deleted_at set).
   */
  isFirstParty: null | boolean;
  /**
   * Derived: this tenant's id (from GET /v1.0/organization). Null only on a deletion record (_ab_cdc_deleted_at set).
   */
  tenantId: null | string;
  /**
   * Incremental sync only (the cursor): when the connector received this version of the service principal from Microsoft Graph's delta query (Graph gives no change time). Strictly increasing within a sync and across syncs, so the latest record of an id wins in append + deduped mode. Absent in full refresh.
   */
  _ab_cdc_updated_at?: null | string;
  /**
   * Incremental sync only: set on a deletion record, when the service principal was removed from the tenant (soft or hard delete) or stopped matching the stream's filters; null otherwise. A deletion record carries the id and null in every other field. Absent in full refresh.
   */
  _ab_cdc_deleted_at?: null | string;
  [k: string]: unknown;
}
