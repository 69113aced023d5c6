// The ground truth of the groups and group_members streams, written from the record shapes and Graph's documented
// behaviour alone (never from connector code): the yardstick the connector is judged by.
import type { GraphObject, Tenant } from './types.js';

type Row = Record<string, unknown>;
type MemberKind = 'user' | 'group' | 'device' | 'servicePrincipal' | 'orgContact';

/** The groups stream's $select fields, in record order. */
export const GROUP_FIELDS = [
  'id',
  'displayName',
  'description',
  'mail',
  'mailEnabled',
  'mailNickname',
  'securityEnabled',
  'groupTypes',
  'membershipRule',
  'membershipRuleProcessingState',
  'visibility',
  'classification',
  'isAssignableToRole',
  'createdDateTime',
  'renewedDateTime',
  'expirationDateTime',
  'onPremisesSyncEnabled',
  'onPremisesLastSyncDateTime',
  'onPremisesSamAccountName',
  'onPremisesDomainName',
  'onPremisesSecurityIdentifier',
  'securityIdentifier',
  'proxyAddresses',
  'resourceProvisioningOptions',
] as const;

/** "Microsoft 365" (Unified), else by mailEnabled x securityEnabled: both "Mail-enabled security", mail "Distribution", security "Security". */
export function groupKindOf(group: GraphObject): string | null {
  const types = (group.groupTypes as string[] | null) ?? [];
  if (types.includes('Unified')) return 'Microsoft 365';
  const mail = group.mailEnabled === true;
  const security = group.securityEnabled === true;
  if (mail && security) return 'Mail-enabled security';
  if (security) return 'Security';
  return mail ? 'Distribution' : null;
}

/** The groups stream, in tenant order. */
export function truthGroups(tenant: Tenant): Row[] {
  return tenant.groups.map((g) => ({
    ...Object.fromEntries(GROUP_FIELDS.map((f) => [f, g[f] ?? null])),
    groupKind: groupKindOf(g),
    isDynamic: ((g.groupTypes as string[] | null) ?? []).includes('DynamicMembership'),
  }));
}

export interface GroupMembersTruthOptions {
  /** The app holds Member.Read.Hidden: groups with hidden membership have rows. Default false (as the emulator's default consent). */
  readsHidden?: boolean;
  /** Graph lists service principals among members (the emulator's groupMembersListServicePrincipals). Default false (v1.0's known issue). */
  listsServicePrincipals?: boolean;
  /** The member kinds the app may read in full; the others have null names (Graph returns only their type and id). Default all. */
  readable?: readonly MemberKind[];
}

/**
 * The group_members stream: one row per (group, direct member that still exists), groups in tenant order, members in
 * their order. The member's names when the app may read its kind: displayName for every kind, userPrincipalName for
 * users, mail for users, groups and contacts.
 */
export function truthGroupMembers(tenant: Tenant, options: GroupMembersTruthOptions = {}): Row[] {
  const kinds = new Map<string, { kind: MemberKind; object: GraphObject }>();
  const put = (kind: MemberKind, list: GraphObject[]) => {
    for (const object of list) kinds.set(object.id, { kind, object });
  };
  put('user', tenant.users);
  put('group', tenant.groups);
  put('device', tenant.devices);
  put('servicePrincipal', tenant.servicePrincipals);
  put('orgContact', tenant.contacts);
  const readable = new Set<MemberKind>(options.readable ?? ['user', 'group', 'device', 'servicePrincipal', 'orgContact']);
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const rows: Row[] = [];
  for (const group of tenant.groups) {
    if (group.visibility === 'HiddenMembership' && !options.readsHidden) continue;
    for (const memberId of tenant.groupMembers.get(group.id) ?? []) {
      const member = kinds.get(memberId);
      if (!member || (member.kind === 'servicePrincipal' && !options.listsServicePrincipals)) continue;
      const full = readable.has(member.kind) || member.kind === 'group';
      const { kind, object } = member;
      rows.push({
        groupId: group.id,
        groupDisplayName: text(group.displayName),
        memberId,
        memberType: kind,
        memberDisplayName: full ? text(object.displayName) : null,
        memberUserPrincipalName: full && kind === 'user' ? text(object.userPrincipalName) : null,
        memberMail: full && (kind === 'user' || kind === 'group' || kind === 'orgContact') ? text(object.mail) : null,
      });
    }
  }
  return rows;
}
