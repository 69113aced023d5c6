// Generated from schemas/applications.json by `npm run gen`: do not edit by hand.

/**
 * App registrations: one record per application object of the tenant (GET /v1.0/applications, https://learn.microsoft.com/graph/api/application-list), with Graph's property names, plus the owners' ids, the credentials' metadata flattened into one list and the next credential expiry. Incremental sync reads the delta query (GET /v1.0/applications/delta, https://learn.microsoft.com/graph/api/application-delta) and emits only changed applications, each as a full record, and removed ones as deletion records.
 */
export interface ApplicationsRecord {
  /**
   * The application object's id ("Object ID" of the app registration; not the client id).
   */
  id: string;
  /**
   * The application (client) id, the same in every tenant the application is used in; service_principals.appId and oauth2_permission_grants.clientAppId match it.
   */
  appId: null | string;
  displayName: null | string;
  description: null | string;
  /**
   * When the application was registered.
   */
  createdDateTime: null | string;
  /**
   * Who may sign in: "AzureADMyOrg" (this tenant only), "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount" or "PersonalMicrosoftAccount".
   */
  signInAudience: null | string;
  /**
   * The verified publisher domain of the application.
   */
  publisherDomain: null | string;
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
   * Custom strings that categorize the application.
   */
  tags: null | string[];
  /**
   * The URIs that identify the application (e.g. its api:// Application ID URI).
   */
  identifierUris: null | string[];
  /**
   * Notes relevant for managing the application.
   */
  notes: null | string;
  /**
   * A reference to the application's service or asset management record (e.g. a ticket or CMDB id).
   */
  serviceManagementReference: null | string;
  /**
   * Why Microsoft disabled the registration (e.g. "DisabledDueToViolationOfServicesAgreement"); null when it is not disabled.
   */
  disabledByMicrosoftStatus: null | string;
  /**
   * Whether the application is treated as a public client (no secret) when Entra ID cannot tell.
   */
  isFallbackPublicClient: null | boolean;
  /**
   * The API permissions the application requests: per resource application (resourceAppId, e.g. 00000003-0000-0000-c000-000000000000 for Microsoft Graph), the delegated scopes (type "Scope") and application roles (type "Role") by id.
   */
  requiredResourceAccess:
    | null
    | {
        resourceAppId?: null | string;
        resourceAccess?:
          | null
          | {
              id?: null | string;
              /**
               * "Scope" (delegated permission) or "Role" (application permission).
               */
              type?: null | string;
              [k: string]: unknown;
            }[];
        [k: string]: unknown;
      }[];
  /**
   * Web platform settings: redirect URIs, home page, logout URL and implicit grant.
   */
  web: null | {
    homePageUrl?: null | string;
    logoutUrl?: null | string;
    redirectUris?: null | string[];
    implicitGrantSettings?: null | {
      enableAccessTokenIssuance?: null | boolean;
      enableIdTokenIssuance?: null | boolean;
      [k: string]: unknown;
    };
    [k: string]: unknown;
  };
  /**
   * Single-page application platform settings (redirect URIs).
   */
  spa: null | {
    redirectUris?: null | string[];
    [k: string]: unknown;
  };
  /**
   * Mobile and desktop (public client) platform settings (redirect URIs).
   */
  publicClient: null | {
    redirectUris?: null | string[];
    [k: string]: unknown;
  };
  /**
   * Derived: the ids of the application's owners (users or service principals), sorted. Read with $expand=owners on the list, which returns at most 20 owners per application; an application with 20 or more has its owners read again in full (GET /v1.0/applications/{id}/owners), so the list is complete. Incremental sync re-reads the owners of every application the delta query reports as changed; a change of owners alone may not be reported by the delta query, so it shows at the next read of every application (delta_full_resync_days). Null only on a deletion record (_ab_cdc_deleted_at set).
   */
  ownerIds: null | string[];
  /**
   * Derived: the metadata of the application's secrets (passwordCredentials) and certificates and other keys (keyCredentials) in one list, passwords first, each in Graph's order. Graph never returns secret values, and the public key blob of a certificate is not emitted. Null only on a deletion record (_ab_cdc_deleted_at set).
   */
  credentials:
    | null
    | {
        /**
         * "password" for a client secret (passwordCredentials), "certificate" for a key credential (keyCredentials: usually an X.509 certificate, see keyType).
         */
        type: 'password' | 'certificate';
        /**
         * The credential's id (GUID).
         */
        keyId: null | string;
        /**
         * The credential's friendly name.
         */
        displayName: null | string;
        /**
         * When the credential becomes valid.
         */
        startDateTime: null | string;
        /**
         * When the credential expires.
         */
        endDateTime: null | string;
        /**
         * Passwords: the first characters of the secret (Graph's hint); null for certificates.
         */
        hint: null | string;
        /**
         * Certificates: Graph's keyCredential type, e.g. "AsymmetricX509Cert" or "Symmetric"; null for passwords.
         */
        keyType: null | string;
        /**
         * Certificates: "Verify" (token signing verification, the usual client certificate) or "Sign"; null for passwords.
         */
        keyUsage: null | string;
        [k: string]: unknown;
      }[];
  /**
   * Derived: the earliest endDateTime among the application's credentials that have not expired when the sync starts (endDateTime later than the sync's start, compared to the millisecond); null when every credential has expired or there is none. It depends on the time of the sync: in incremental sync, once the value of a record already synced has passed, the next sync reads every application again (a round from scratch) so that no record keeps a stale value.
   */
  nextCredentialExpiry: null | string;
  /**
   * Incremental sync only (the cursor): when the connector received this version of the application from Microsoft Graph's delta query (Graph gives no change time). Strictly increasing within a sync and across syncs, so the latest record of an id wins in append + deduped mode. Absent in full refresh.
   */
  _ab_cdc_updated_at?: null | string;
  /**
   * Incremental sync only: set on a deletion record, when the application was removed from the tenant (soft or hard delete); null otherwise. A deletion record carries the id and null in every other field. Absent in full refresh.
   */
  _ab_cdc_deleted_at?: null | string;
  [k: string]: unknown;
}
