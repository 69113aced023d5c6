// Generated from schemas/sign_ins.json by `npm run gen`: do not edit by hand.

/**
 * Sign-ins exactly as Graph returns them plus the derived loginLocation: interactive user sign-ins from GET /v1.0/auditLogs/signIns (https://learn.microsoft.com/graph/api/resources/signin) by default; with sign_in_event_types beyond interactiveUser, every selected type from GET /beta/auditLogs/signIns (https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta), with beta's extra properties. Needs Entra ID P1 or P2 and AuditLog.Read.All; Graph keeps 30 days.
 */
export interface SignInsRecord {
  /**
   * Unique identifier of the sign-in activity (a GUID). Primary key.
   */
  id: string;
  /**
   * When the sign-in was initiated, in UTC (often with 7 fractional digits). The incremental cursor.
   */
  createdDateTime: string;
  /**
   * Id of the user who signed in (the users stream's id). Graph marks it non-nullable; null is tolerated.
   */
  userId?: null | string;
  /**
   * User principal name of the user who signed in.
   */
  userPrincipalName?: null | string;
  /**
   * Display name of the user who signed in.
   */
  userDisplayName?: null | string;
  /**
   * Application (client) id of the application signed in to (the service principals stream's appId).
   */
  appId?: null | string;
  /**
   * Name of the application signed in to, as shown in the Entra admin center.
   */
  appDisplayName?: null | string;
  /**
   * IP address of the client the sign-in came from.
   */
  ipAddress?: null | string;
  /**
   * Legacy client used for the sign-in, e.g. Browser, Mobile Apps and Desktop clients, Exchange ActiveSync.
   */
  clientAppUsed?: null | string;
  /**
   * User agent of the client used for the sign-in.
   */
  userAgent?: null | string;
  /**
   * Id the client sends with the sign-in request; used to correlate related sign-ins.
   */
  correlationId?: null | string;
  /**
   * Status of the conditional access policies triggered: success, failure, notApplied or unknownFutureValue.
   */
  conditionalAccessStatus?: null | string;
  /**
   * Whether the user interacted with the sign-in (v1.0 returns interactive sign-ins only).
   */
  isInteractive?: null | boolean;
  /**
   * The sign-in's event types: interactiveUser, nonInteractiveUser, servicePrincipal, managedIdentity or unknownFutureValue, so that a warehouse can split them. Graph beta returns it (sign_in_event_types beyond interactiveUser reads beta). Graph v1.0 has no such property and returns interactive user sign-ins only: for its records the connector sets ["interactiveUser"] (derived).
   */
  signInEventTypes?: null | (null | string)[];
  /**
   * Name of the resource (API) the user signed in to.
   */
  resourceDisplayName?: null | string;
  /**
   * Id of the resource (API) the user signed in to.
   */
  resourceId?: null | string;
  /**
   * Tenant id of the resource signed in to.
   */
  resourceTenantId?: null | string;
  /**
   * Tenant id of the user's home tenant (differs from this tenant for guests).
   */
  homeTenantId?: null | string;
  /**
   * Id of the service principal (only for service principal sign-ins; empty for user sign-ins).
   */
  servicePrincipalId?: null | string;
  /**
   * Name of the service principal (only for service principal sign-ins; empty for user sign-ins).
   */
  servicePrincipalName?: null | string;
  /**
   * Outcome of the sign-in.
   */
  status?: null | {
    /**
     * 0 for a successful sign-in, else the AADSTS error code.
     */
    errorCode?: null | number;
    /**
     * Why the sign-in failed, when it did.
     */
    failureReason?: null | string;
    /**
     * More detail about the outcome.
     */
    additionalDetails?: null | string;
    [k: string]: unknown;
  };
  /**
   * Where the sign-in came from (derived from the IP address).
   */
  location?: null | {
    /**
     * City the sign-in came from (from the IP address).
     */
    city?: null | string;
    /**
     * State or province the sign-in came from.
     */
    state?: null | string;
    /**
     * Two-letter country or region code the sign-in came from.
     */
    countryOrRegion?: null | string;
    /**
     * Approximate coordinates of the sign-in.
     */
    geoCoordinates?: null | {
      /**
       * Altitude in metres.
       */
      altitude?: null | number;
      /**
       * Latitude in degrees.
       */
      latitude?: null | number;
      /**
       * Longitude in degrees.
       */
      longitude?: null | number;
      [k: string]: unknown;
    };
    [k: string]: unknown;
  };
  /**
   * The device the sign-in came from.
   */
  deviceDetail?: null | {
    /**
     * Browser and version.
     */
    browser?: null | string;
    /**
     * Id of the device in Entra ID, when registered.
     */
    deviceId?: null | string;
    /**
     * Name of the device.
     */
    displayName?: null | string;
    /**
     * Whether the device is marked compliant.
     */
    isCompliant?: null | boolean;
    /**
     * Whether the device is managed.
     */
    isManaged?: null | boolean;
    /**
     * Operating system of the device.
     */
    operatingSystem?: null | string;
    /**
     * How the device is joined: Azure AD joined, Hybrid, registered, or empty.
     */
    trustType?: null | string;
    [k: string]: unknown;
  };
  /**
   * Conditional access policies evaluated for this sign-in and their results.
   */
  appliedConditionalAccessPolicies?:
    | null
    | (null | {
        /**
         * Id of the conditional access policy.
         */
        id?: null | string;
        /**
         * Name of the conditional access policy.
         */
        displayName?: null | string;
        /**
         * Grant controls the policy enforced, e.g. Mfa.
         */
        enforcedGrantControls?: null | (null | string)[];
        /**
         * Session controls the policy enforced.
         */
        enforcedSessionControls?: null | (null | string)[];
        /**
         * Policy result: success, failure, notApplied, notEnabled, unknown, reportOnlySuccess, reportOnlyFailure, reportOnlyNotApplied, reportOnlyInterrupted or unknownFutureValue.
         */
        result?: null | string;
        [k: string]: unknown;
      })[];
  /**
   * The Microsoft Authenticator app's device, when it was used.
   */
  authenticationAppDeviceDetails?: null | {
    /**
     * Version of the authenticator app.
     */
    appVersion?: null | string;
    /**
     * Name of the client app.
     */
    clientApp?: null | string;
    /**
     * Id of the device the app runs on.
     */
    deviceId?: null | string;
    /**
     * Operating system of that device.
     */
    operatingSystem?: null | string;
    [k: string]: unknown;
  };
  /**
   * Reason for the latest risk state (hidden without Entra ID P2), e.g. none, adminConfirmedSigninSafe, hidden, unknownFutureValue.
   */
  riskDetail?: null | string;
  /**
   * Aggregated risk level: low, medium, high, none, hidden (without P2) or unknownFutureValue.
   */
  riskLevelAggregated?: null | string;
  /**
   * Risk level during the sign-in: low, medium, high, none, hidden (without P2) or unknownFutureValue.
   */
  riskLevelDuringSignIn?: null | string;
  /**
   * Risk state: none, confirmedSafe, remediated, dismissed, atRisk, confirmedCompromised or unknownFutureValue.
   */
  riskState?: null | string;
  /**
   * Risk event types of the sign-in (enum names such as unlikelyTravel, leakedCredentials).
   */
  riskEventTypes?: null | (null | string)[];
  /**
   * Risk event types of the sign-in as strings (the extensible successor of riskEventTypes).
   */
  riskEventTypes_v2?: null | (null | string)[];
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the level of authentication the sign-in needed: singleFactorAuthentication or multiFactorAuthentication.
   */
  authenticationRequirement?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the authentication methods used.
   */
  authenticationMethodsUsed?: null | (null | string)[];
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the result of each authentication step.
   */
  authenticationDetails?:
    | null
    | (null | {
        [k: string]: unknown;
      })[];
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the protocol, e.g. none, oAuth2, ropc, wsFederation, saml20, deviceCode.
   */
  authenticationProtocol?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the token the client presented, e.g. none, primaryRefreshToken, saml11, saml20.
   */
  incomingTokenType?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the identity provider, e.g. AzureAD, ADFederationServices.
   */
  tokenIssuerType?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the name of the identity provider.
   */
  tokenIssuerName?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the credential a service principal or managed identity used: clientSecret, clientAssertion, federatedIdentityCredential, managedIdentity, certificate, none.
   */
  clientCredentialType?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the id of the key a service principal authenticated with.
   */
  servicePrincipalCredentialKeyId?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the thumbprint of the certificate a service principal authenticated with.
   */
  servicePrincipalCredentialThumbprint?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the federated identity credential a service principal or managed identity used.
   */
  federatedCredentialId?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): managed identity details (msiType, associatedResourceId, federatedTokenId, federatedTokenIssuer).
   */
  managedServiceIdentity?: null | {
    [k: string]: unknown;
  };
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the service principal of the resource signed in to.
   */
  resourceServicePrincipalId?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the tenant that owns the client application.
   */
  appOwnerTenantId?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the tenant that owns the resource.
   */
  resourceOwnerTenantId?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): member or guest.
   */
  userType?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the kind of cross-tenant access, e.g. none, b2bCollaboration, b2bDirectConnect.
   */
  crossTenantAccessType?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the identifier the user signed in with.
   */
  signInIdentifier?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the kind of that identifier, e.g. userPrincipalName.
   */
  signInIdentifierType?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): a unique identifier of the token issued.
   */
  uniqueTokenIdentifier?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the request id of the first request of the authentication sequence.
   */
  originalRequestId?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the session the sign-in belongs to.
   */
  sessionId?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the time the request took in the service.
   */
  processingTimeInMilliseconds?: null | number;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the autonomous system number of the network the sign-in came from.
   */
  autonomousSystemNumber?: null | number;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the IP address the resource saw.
   */
  ipAddressFromResourceProvider?: null | string;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): whether a user flagged the sign-in for review.
   */
  flaggedForReview?: null | boolean;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): whether tenant restrictions applied.
   */
  isTenantRestricted?: null | boolean;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): whether the sign-in went through Global Secure Access.
   */
  isThroughGlobalSecureAccess?: null | boolean;
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the MFA method and its detail.
   */
  mfaDetail?: null | {
    [k: string]: unknown;
  };
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the network locations (named locations, trusted networks) of the sign-in.
   */
  networkLocationDetails?:
    | null
    | (null | {
        [k: string]: unknown;
      })[];
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the session lifetime policies applied.
   */
  sessionLifetimePolicies?:
    | null
    | (null | {
        [k: string]: unknown;
      })[];
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): key-value details of the authentication processing.
   */
  authenticationProcessingDetails?:
    | null
    | (null | {
        [k: string]: unknown;
      })[];
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the policies that set the authentication requirement.
   */
  authenticationRequirementPolicies?:
    | null
    | (null | {
        [k: string]: unknown;
      })[];
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the authentication contexts of the sign-in.
   */
  authenticationContextClassReferences?:
    | null
    | (null | {
        [k: string]: unknown;
      })[];
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the event listeners (custom extensions) triggered.
   */
  appliedEventListeners?:
    | null
    | (null | {
        [k: string]: unknown;
      })[];
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): token protection status of the sign-in session.
   */
  tokenProtectionStatusDetails?: null | {
    [k: string]: unknown;
  };
  /**
   * Beta only (sign_in_event_types beyond interactiveUser; https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta): the transfer method used, e.g. none, deviceCodeFlow, authenticationTransfer.
   */
  originalTransferMethod?: null | string;
  /**
   * Derived by the connector (not a Graph property): the non-empty values of location.city, location.state and location.countryOrRegion, in that order, joined with ", " (e.g. "Redmond, Washington, US"); null when all three are empty or missing. A value counts as empty when it is missing, null or the empty string; values are kept as Graph returns them.
   */
  loginLocation?: null | string;
  [k: string]: unknown;
}
