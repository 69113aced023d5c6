// Generated from schemas/directory_audits.json by `npm run gen`: do not edit by hand.

/**
 * The Microsoft Entra audit log from GET /v1.0/auditLogs/directoryAudits (https://learn.microsoft.com/graph/api/resources/directoryaudit): who changed what in the directory and when (role grants, app consents, credential additions, user and group changes), each directoryAudit exactly as Graph returns it. Needs AuditLog.Read.All (Directory.Read.All advised); no P1/P2 licence; Graph keeps 30 days with Entra ID P1/P2 and 7 days with Free.
 */
export interface DirectoryAuditsRecord {
  /**
   * Unique identifier of the audit event. Primary key. Documented as a GUID, but real ids are often longer strings such as SSGM_<guid>_MCDC4_88453290: treat it as an opaque string.
   */
  id: string;
  /**
   * When the activity was performed, in UTC (often with 7 fractional digits). The incremental cursor.
   */
  activityDateTime: string;
  /**
   * The activity, e.g. Add member to role, Consent to application, Update user (Microsoft's list: https://learn.microsoft.com/entra/identity/monitoring-health/reference-audit-activities).
   */
  activityDisplayName?: null | string;
  /**
   * The resource category the activity targets, e.g. UserManagement, GroupManagement, ApplicationManagement, RoleManagement.
   */
  category?: null | string;
  /**
   * The type of operation: Add, Assign, Update, Unassign, Delete, or another value.
   */
  operationType?: null | string;
  /**
   * Result of the activity: success, failure, timeout or unknownFutureValue.
   */
  result?: null | string;
  /**
   * Why the activity failed or timed out (often empty otherwise).
   */
  resultReason?: null | string;
  /**
   * The service that logged the activity, e.g. Core Directory, Self-service Group Management, PIM, Invited Users.
   */
  loggedByService?: null | string;
  /**
   * Id that correlates activities spanning several services.
   */
  correlationId?: null | string;
  /**
   * Who performed the activity: a user, or an app (a system is an app); the other one is null.
   */
  initiatedBy?: null | {
    /**
     * The user who performed the activity.
     */
    user?: null | {
      /**
       * Id of the user (the users stream's id).
       */
      id?: null | string;
      /**
       * Display name of the user; may be missing or out of date.
       */
      displayName?: null | string;
      /**
       * User principal name of the user.
       */
      userPrincipalName?: null | string;
      /**
       * IP address of the client the user acted from.
       */
      ipAddress?: null | string;
      /**
       * Member or Guest, when Graph reports it.
       */
      userType?: null | string;
      /**
       * Tenant id of the user's home tenant, when Graph reports it.
       */
      homeTenantId?: null | string;
      /**
       * Name of the user's home tenant, when Graph reports it.
       */
      homeTenantName?: null | string;
      [k: string]: unknown;
    };
    /**
     * The application (or system) that performed the activity.
     */
    app?: null | {
      /**
       * Application (client) id of the app.
       */
      appId?: null | string;
      /**
       * Name of the app in the Entra admin center.
       */
      displayName?: null | string;
      /**
       * Id of the app's service principal in this tenant (the service_principals stream's id).
       */
      servicePrincipalId?: null | string;
      /**
       * Name of the app's service principal in this tenant.
       */
      servicePrincipalName?: null | string;
      [k: string]: unknown;
    };
    [k: string]: unknown;
  };
  /**
   * The resources the activity changed, e.g. the role and the user of a role grant.
   */
  targetResources?:
    | null
    | (null | {
        /**
         * Id of the resource.
         */
        id?: null | string;
        /**
         * Name of the resource.
         */
        displayName?: null | string;
        /**
         * Type of the resource, e.g. User, Group, Application, ServicePrincipal, Role, Policy, Directory, Device, Other.
         */
        type?: null | string;
        /**
         * User principal name, when the resource is a user.
         */
        userPrincipalName?: null | string;
        /**
         * Group type, when the resource is a group: unifiedGroups, azureAD or unknownFutureValue.
         */
        groupType?: null | string;
        /**
         * Each attribute the activity changed, with its value before and after (JSON-encoded strings as Graph writes them).
         */
        modifiedProperties?:
          | null
          | (null | {
              /**
               * Name of the attribute, e.g. Role.DisplayName, AppAddress.
               */
              displayName?: null | string;
              /**
               * Value before the change.
               */
              oldValue?: null | string;
              /**
               * Value after the change.
               */
              newValue?: null | string;
              [k: string]: unknown;
            })[];
        [k: string]: unknown;
      })[];
  /**
   * More details on the activity as key and value pairs, e.g. User-Agent.
   */
  additionalDetails?:
    | null
    | (null | {
        /**
         * Name of the detail.
         */
        key?: null | string;
        /**
         * Value of the detail.
         */
        value?: null | string;
        [k: string]: unknown;
      })[];
  [k: string]: unknown;
}
