// Generated from schemas/subscribed_skus.json by `npm run gen`: do not edit by hand.

/**
 * Licences bought and used: one record per commercial subscription (SKU) the organization has acquired (GET /v1.0/subscribedSkus, https://learn.microsoft.com/graph/api/subscribedsku-list). Product names are not in the API: skuPartNumber (e.g. "ENTERPRISEPACK" for Office 365 E3) maps to them through Microsoft's "Product names and service plan identifiers for licensing" table. Full refresh only.
 */
export interface SubscribedSkusRecord {
  /**
   * The SKU's id (GUID), the same in every tenant; users' assignedLicenses refer to it.
   */
  skuId: string;
  /**
   * The subscribed SKU's own id (the tenant id and skuId joined by an underscore).
   */
  id: null | string;
  /**
   * The SKU's part number, e.g. "ENTERPRISEPACK" or "AAD_PREMIUM_P2".
   */
  skuPartNumber: null | string;
  /**
   * "User" (assignable to users) or "Company" (a tenant-wide add-on).
   */
  appliesTo: null | string;
  /**
   * "Enabled", "Warning" (expired, in its grace period), "Suspended", "Deleted" or "LockedOut".
   */
  capabilityStatus: null | string;
  /**
   * How many licences of the SKU are assigned.
   */
  consumedUnits: null | number;
  /**
   * Licences bought, by state of their subscription.
   */
  prepaidUnits: null | {
    /**
     * Licences active and assignable.
     */
    enabled?: null | number;
    /**
     * Licences of suspended subscriptions.
     */
    suspended?: null | number;
    /**
     * Licences of expired subscriptions in their grace period (still usable).
     */
    warning?: null | number;
    /**
     * Licences of subscriptions locked out (cancelled).
     */
    lockedOut?: null | number;
    [k: string]: unknown;
  };
  /**
   * Derived: prepaidUnits.enabled minus consumedUnits, the licences bought and not assigned (negative when more are assigned than enabled, e.g. while a subscription is in its grace period); null when either is missing.
   */
  availableUnits: null | number;
  /**
   * The service plans (e.g. EXCHANGE_S_ENTERPRISE) the SKU includes.
   */
  servicePlans:
    | null
    | {
        servicePlanId?: null | string;
        servicePlanName?: null | string;
        /**
         * "Success", "Disabled", "PendingInput", "PendingActivation" or "PendingProvisioning".
         */
        provisioningStatus?: null | string;
        appliesTo?: null | string;
        [k: string]: unknown;
      }[];
  /**
   * The id of the billing account that bought the SKU.
   */
  accountId: null | string;
  /**
   * The name of the billing account that bought the SKU.
   */
  accountName: null | string;
  /**
   * The commerce subscriptions the SKU's licences come from.
   */
  subscriptionIds: null | string[];
  [k: string]: unknown;
}
