// Generated from schemas/service_principals.json by `npm run gen`: do not edit by hand.

/**
 * Application discovery: one record per service principal (application instance) of the tenant (GET /v1.0/servicePrincipals, https://learn.microsoft.com/graph/api/serviceprincipal-list), with Graph's property names, plus derived fields.
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
   * Derived: appRoleAssignmentRequired === false, i.e. anyone in the tenant may sign in (use SSO) without a role assignment.
   */
  openAccess: boolean;
  /**
   * Derived: verifiedPublisher.displayName when non-empty; else the organization's displayName when appOwnerOrganizationId is this tenant's id; else "Microsoft" when appOwnerOrganizationId is Microsoft's first-party tenant f8cdef31-a31e-4b4a-93e4-5f571e91255a; else null.
   */
  publisher: null | string;
  /**
   * Derived: configured for OAuth 2.0 / OpenID Connect sign-in: preferredSingleSignOnMode is "oidc", or it is null/empty and replyUrls is non-empty.
   */
  oauth2Integration: boolean;
  /**
   * Derived: appOwnerOrganizationId is Microsoft's first-party tenant f8cdef31-a31e-4b4a-93e4-5f571e91255a.
   */
  isFirstParty: boolean;
  /**
   * Derived: this tenant's id (from GET /v1.0/organization).
   */
  tenantId: string;
  [k: string]: unknown;
}
