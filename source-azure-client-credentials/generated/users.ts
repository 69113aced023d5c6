// Generated from schemas/users.json by `npm run gen`: do not edit by hand.

/**
 * The HR roster: one record per user of the tenant (GET /v1.0/users, https://learn.microsoft.com/graph/api/user-list), with Graph's property names. Users whose display name or user principal name is a 32-character hex hash (concealed by the Microsoft 365 reports setting) are never emitted. Incremental sync reads the delta query (GET /v1.0/users/delta, https://learn.microsoft.com/graph/api/user-delta) and emits only changed users, each as a full record (never a partial one), and removed users, or users who stop matching include_guests / domain_names, as deletion records.
 */
export interface UsersRecord {
  /**
   * The user's unique identifier (GUID).
   */
  id: string;
  /**
   * The user principal name (UPN); guests have #EXT# UPNs in the tenant's domain.
   */
  userPrincipalName: null | string;
  /**
   * The primary SMTP address.
   */
  mail: null | string;
  /**
   * Additional e-mail addresses of the user.
   */
  otherMails: null | string[];
  /**
   * Exchange proxy addresses such as "SMTP:primary@contoso.example" (upper-case SMTP = primary) and "smtp:alias@contoso.example".
   */
  proxyAddresses: null | string[];
  /**
   * First name.
   */
  givenName: null | string;
  /**
   * Last name.
   */
  surname: null | string;
  /**
   * Display name.
   */
  displayName: null | string;
  /**
   * When the user was created (null for some very old users).
   */
  createdDateTime: null | string;
  department: null | string;
  officeLocation: null | string;
  city: null | string;
  state: null | string;
  country: null | string;
  /**
   * Two-letter country code for licence assignment.
   */
  usageLocation: null | string;
  jobTitle: null | string;
  companyName: null | string;
  employeeId: null | string;
  /**
   * Hire date set by HR or an administrator.
   */
  employeeHireDate: null | string;
  employeeType: null | string;
  /**
   * True when the account can sign in.
   */
  accountEnabled: null | boolean;
  /**
   * "Member", "Guest", or null (older accounts).
   */
  userType: null | string;
  /**
   * Invitation state of a guest: "PendingAcceptance", "Accepted", or null.
   */
  externalUserState: null | string;
  /**
   * How the account was created, e.g. "Invitation" for guests; null for regular work accounts.
   */
  creationType: null | string;
  /**
   * The licences assigned to the user, directly or through a group, as Graph returns them: one object per licence (SKU) with its skuId and the service plans switched off for this user (disabledPlans); [] when none. Join skuId to subscribed_skus for the product name. https://learn.microsoft.com/graph/api/resources/assignedlicense
   */
  assignedLicenses:
    | null
    | {
        /**
         * The licence's SKU id (GUID).
         */
        skuId?: null | string;
        /**
         * Service plan ids (GUIDs) of the SKU that are switched off for this user.
         */
        disabledPlans?: null | string[];
        [k: string]: unknown;
      }[];
  /**
   * Last sign-in times (present only when the config option include_sign_in_activity is on; needs Entra ID P1/P2 and AuditLog.Read.All). https://learn.microsoft.com/graph/api/resources/signinactivity
   */
  signInActivity?: null | {
    lastSignInDateTime?: null | string;
    lastSignInRequestId?: null | string;
    lastNonInteractiveSignInDateTime?: null | string;
    lastNonInteractiveSignInRequestId?: null | string;
    lastSuccessfulSignInDateTime?: null | string;
    lastSuccessfulSignInRequestId?: null | string;
    [k: string]: unknown;
  };
  /**
   * Derived: every address from the smtp:/SMTP: entries of proxyAddresses and from otherMails, lower-cased, de-duplicated and sorted ascending, without the primary mail (lower-cased); [] when none. Null only on a deletion record (_ab_cdc_deleted_at set).
   */
  emailAliases: null | string[];
  /**
   * Derived: employeeHireDate when set, else createdDateTime, else null.
   */
  activeDate: null | string;
  /**
   * Derived: officeLocation when non-empty, else the non-empty values of city, state and country joined with ", ", else null.
   */
  location: null | string;
  /**
   * Derived: the lower-cased domain (after the last @) of mail when mail is set, else of userPrincipalName (for a guest #EXT# UPN that is the tenant's domain), else null.
   */
  domain: null | string;
  /**
   * Derived: the id of the user's manager (the manager relationship: a user, or an organizational contact), null when the user has none. Full refresh reads it with $expand=manager($select=id); incremental sync with the delta query's manager@delta. https://learn.microsoft.com/graph/api/user-list-manager
   */
  managerId: null | string;
  /**
   * Incremental sync only (the cursor): when the connector received this version of the user from Microsoft Graph's delta query (Graph gives no change time). Strictly increasing within a sync and across syncs, so the latest record of an id wins in append + deduped mode. Absent in full refresh.
   */
  _ab_cdc_updated_at?: null | string;
  /**
   * Incremental sync only: set on a deletion record, when the user was removed from the tenant (soft or hard delete) or stopped matching the stream's filters; null otherwise. A deletion record carries the id and null in every other field. Absent in full refresh.
   */
  _ab_cdc_deleted_at?: null | string;
  [k: string]: unknown;
}
