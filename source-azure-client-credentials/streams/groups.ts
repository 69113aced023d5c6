// The groups stream: GET /groups (full refresh) or /groups/delta (incremental) with an explicit $select, plus groupKind and isDynamic.
import type { GroupsRecord } from '../generated/groups.js';
import { type DeltaState, parseDeltaState, readDelta } from './delta.js';
import { fieldCopier } from './field-copier.js';
import type { StreamDef } from './types.js';

/**
 * The group properties this stream emits as Graph returns them. Without $select a list returns only a default
 * set, so every field is named. Never a property that only GET /groups/{id} returns (allowExternalSenders,
 * autoSubscribeNewMembers, hideFromAddressLists, hideFromOutlookClients, isSubscribedByMail, unseenCount) or
 * none at all (hasMembersWithLicenseErrors, isArchived): https://learn.microsoft.com/graph/api/resources/group#properties
 * Never `members` either: in a delta query it would add members@delta to every group
 * (https://learn.microsoft.com/graph/api/group-delta), and memberships are the group_members stream.
 */
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
] as const satisfies readonly (keyof GroupsRecord)[];

type GroupField = (typeof GROUP_FIELDS)[number];

/** A group as Graph returns it for our $select: any property may be missing or null. */
type GraphGroup = Partial<Pick<GroupsRecord, GroupField>> & { id: string };

const PAGE_SIZE = 999;

const copyGroupFields = fieldCopier(GROUP_FIELDS);

/**
 * The group type as the Entra admin center names it, from groupTypes, mailEnabled and securityEnabled
 * (https://learn.microsoft.com/graph/api/resources/groups-overview#group-types-in-microsoft-entra-id-and-microsoft-graph);
 * null for a combination Microsoft does not describe.
 */
export function groupKind(group: Pick<GraphGroup, 'groupTypes' | 'mailEnabled' | 'securityEnabled'>): GroupsRecord['groupKind'] {
  if (group.groupTypes?.includes('Unified')) return 'Microsoft 365';
  const mail = group.mailEnabled === true;
  const security = group.securityEnabled === true;
  if (mail && security) return 'Mail-enabled security';
  if (security) return 'Security';
  if (mail) return 'Distribution';
  return null;
}

export function toGroupRecord(group: GraphGroup): GroupsRecord {
  const out = copyGroupFields(group) as unknown as GroupsRecord;
  out.groupKind = groupKind(group);
  out.isDynamic = group.groupTypes?.includes('DynamicMembership') ?? false;
  return out;
}

export const groups: StreamDef<GroupsRecord, DeltaState> = {
  name: 'groups',
  schemaName: 'groups',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh', 'incremental'],
  // Graph's delta query gives no change time: the cursor is when the connector received each change (see delta.ts).
  cursorField: ['_ab_cdc_updated_at'],
  // Least privileged for the list, the delta query and a group by id: https://learn.microsoft.com/graph/api/group-list#permissions,
  // https://learn.microsoft.com/graph/api/group-delta#permissions (Group.Read.All and Directory.Read.All grant it too).
  permissions: [['GroupMember.Read.All']],
  probes: [{ path: '/groups', query: { $top: 1, $select: 'id' } }],
  countedCollection: '/groups',
  // {} (what a full refresh leaves behind) parses to undefined, which read treats as a first sync.
  parseState: (raw, config) => parseDeltaState(raw, config, 'groups', 'groups') as DeltaState,
  async *read(context) {
    const { graph, syncMode } = context;
    if (syncMode === 'incremental') {
      // Membership changes are left out of the delta ($select has no `members`): a group whose members alone
      // changed does not appear in it (https://learn.microsoft.com/graph/delta-query-overview#use-select-to-track-properties).
      yield* readDelta(
        context,
        { stream: 'groups', resource: 'groups', select: GROUP_FIELDS, toRecord: toGroupRecord },
        toGroupRecord({ id: '' }),
      );
      return;
    }
    // Full refresh keeps the plain list (a snapshot the destination overwrites), without the _ab_cdc columns.
    const query = { $select: GROUP_FIELDS.join(','), $top: PAGE_SIZE };
    // A page's records as one output (RecordBatch): no asynchronous step for each group.
    for await (const page of graph.pages<GraphGroup>('/groups', { query }))
      if (page.value.length > 0) yield { kind: 'records', data: page.value.map(toGroupRecord) };
  },
};
