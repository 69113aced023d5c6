// Generated from schemas/groups.json by `npm run gen`: do not edit by hand.

/**
 * Every group of the tenant (GET /v1.0/groups, https://learn.microsoft.com/graph/api/group-list) with Graph's property names, plus the derived groupKind and isDynamic. Dynamic distribution groups are Exchange objects that Microsoft Graph does not return. Incremental sync reads the delta query (GET /v1.0/groups/delta, https://learn.microsoft.com/graph/api/group-delta) and emits only changed groups, each as a full record (never a partial one), and deleted groups as deletion records. Membership changes do not change a group record: members are in the group_members stream.
 */
export interface GroupsRecord {
  /**
   * The group's unique identifier (GUID).
   */
  id: string;
  /**
   * The group's name.
   */
  displayName: null | string;
  description: null | string;
  /**
   * The group's SMTP address (Microsoft 365, distribution and mail-enabled security groups); null for security groups.
   */
  mail: null | string;
  /**
   * True for Microsoft 365, distribution and mail-enabled security groups.
   */
  mailEnabled: null | boolean;
  /**
   * The mail alias (unique within the organization).
   */
  mailNickname: null | string;
  /**
   * True when the group can be used to grant access (security and mail-enabled security groups; optional on Microsoft 365 groups).
   */
  securityEnabled: null | boolean;
  /**
   * "Unified" for a Microsoft 365 group, "DynamicMembership" for a group whose members follow membershipRule; empty for security and distribution groups.
   */
  groupTypes: null | string[];
  /**
   * The rule of a dynamic group, e.g. (user.department -eq "Sales"); null for assigned membership.
   */
  membershipRule: null | string;
  /**
   * "On" (the rule is applied) or "Paused" for a dynamic group; null otherwise.
   */
  membershipRuleProcessingState: null | string;
  /**
   * "Public", "Private" or "HiddenMembership" (Microsoft 365 groups; hidden membership also hides the member list from apps without Member.Read.Hidden); null when not set.
   */
  visibility: null | string;
  /**
   * The organization's classification label of the group (e.g. low, medium, high business impact), if any.
   */
  classification: null | string;
  /**
   * True when Microsoft Entra roles can be assigned to the group (a role-assignable group); only a Privileged Role Administrator manages its membership.
   */
  isAssignableToRole: null | boolean;
  /**
   * When the group was created.
   */
  createdDateTime: null | string;
  /**
   * When the group was last renewed (Microsoft 365 groups under an expiration policy); the creation time otherwise.
   */
  renewedDateTime: null | string;
  /**
   * When the group expires under the group expiration policy, if one applies.
   */
  expirationDateTime: null | string;
  /**
   * True when the group is synchronized from on-premises Active Directory; false when it no longer is; null when it never was.
   */
  onPremisesSyncEnabled: null | boolean;
  /**
   * When the group was last synchronized from on-premises Active Directory.
   */
  onPremisesLastSyncDateTime: null | string;
  /**
   * The on-premises sAMAccountName of a synchronized group.
   */
  onPremisesSamAccountName: null | string;
  /**
   * The on-premises domain of a synchronized group.
   */
  onPremisesDomainName: null | string;
  /**
   * The on-premises security identifier (SID) of a synchronized group.
   */
  onPremisesSecurityIdentifier: null | string;
  /**
   * The group's security identifier (SID) in Windows scenarios.
   */
  securityIdentifier: null | string;
  /**
   * Exchange proxy addresses such as "SMTP:team@contoso.example" (upper-case SMTP = primary).
   */
  proxyAddresses: null | string[];
  /**
   * What was provisioned for a Microsoft 365 group, e.g. "Team" for a group with a Microsoft Teams team.
   */
  resourceProvisioningOptions: null | string[];
  /**
   * Derived from groupTypes, mailEnabled and securityEnabled as the Entra admin center shows the group type (https://learn.microsoft.com/graph/api/resources/groups-overview#group-types-in-microsoft-entra-id-and-microsoft-graph): "Microsoft 365" when groupTypes contains "Unified"; otherwise "Mail-enabled security" when both mailEnabled and securityEnabled are true, "Security" when only securityEnabled is, "Distribution" when only mailEnabled is; null for any other combination.
   */
  groupKind: null | 'Microsoft 365' | 'Security' | 'Mail-enabled security' | 'Distribution';
  /**
   * Derived: true when groupTypes contains "DynamicMembership" (members follow membershipRule). Null only on deletion records.
   */
  isDynamic: null | boolean;
  /**
   * Incremental sync only (the cursor): when the connector received this version of the group from Microsoft Graph's delta query (Graph gives no change time). Strictly increasing within a sync and across syncs, so the latest record of an id wins in append + deduped mode. Absent in full refresh.
   */
  _ab_cdc_updated_at?: null | string;
  /**
   * Incremental sync only: set on a deletion record, when the group was deleted (a deleted Microsoft 365 group stays restorable for 30 days; a restored one comes back as a new version); null otherwise. A deletion record carries the id and null in every other field. Absent in full refresh.
   */
  _ab_cdc_deleted_at?: null | string;
  [k: string]: unknown;
}
