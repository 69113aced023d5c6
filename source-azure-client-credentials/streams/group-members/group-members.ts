// The group_members stream: one record per (group, direct member), from /groups/{id}/members for every group through $batch.
import type { GroupMembersRecord } from '../../generated/group-members.js';
import type { Logger } from '../../logger.js';
import { inner, jsonValue } from '../json-parts.js';
import type { SerialisedRecords, StreamDef } from '../types.js';
import {
  fetchMembers,
  type GraphMember,
  isRefusedGroup,
  MEMBER_SELECT,
  type NamedGroup,
  namedGroups,
  readsHiddenMembers,
  warnGoneGroups,
  warnRefusedGroups,
} from './members.js';

/** A group as the list gives it for this stream. */
interface GraphGroup {
  id: string;
  displayName?: string | null;
  visibility?: string | null;
}

const GROUP_SELECT = 'id,displayName,visibility';
const PAGE_SIZE = 999;
const HIDDEN = 'HiddenMembership';
const ODATA_PREFIX = '#microsoft.graph.';

/**
 * The application permission that lets Graph return a member of each type in full: without it, Graph returns only the
 * member's @odata.type and id ("Limited information returned for inaccessible member objects",
 * https://learn.microsoft.com/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects).
 * Directory.Read.All covers them all. Groups need nothing beyond the stream's GroupMember.Read.All.
 */
const DETAIL_PERMISSION: Readonly<Record<string, string>> = {
  user: 'User.Read.All',
  device: 'Device.Read.All',
  servicePrincipal: 'Application.Read.All',
  orgContact: 'OrgContact.Read.All',
};

/** "user" from "#microsoft.graph.user"; another type as Graph names it. */
export function memberType(member: Pick<GraphMember, '@odata.type'>): string {
  const type = member['@odata.type'];
  if (!type) return 'directoryObject';
  return type.startsWith(ODATA_PREFIX) ? type.slice(ODATA_PREFIX.length) : type.replace(/^#/, '');
}

/** A row's group fields, the same in every row of the group. */
const groupFields = (group: GraphGroup) => ({ groupId: group.id, groupDisplayName: group.displayName ?? null });

export function toMemberRecord(group: GraphGroup, member: GraphMember): GroupMembersRecord {
  return {
    ...groupFields(group),
    memberId: member.id,
    memberType: memberType(member),
    memberDisplayName: member.displayName ?? null,
    memberUserPrincipalName: member.userPrincipalName ?? null,
    memberMail: member.mail ?? null,
  };
}

/** A row's JSON up to its member part: the group's part with the opening brace, serialised once per page of members. */
export const groupHead = (group: GraphGroup): string => `{${inner(groupFields(group))},`;

/**
 * A row's JSON from its group's head (groupHead) and the member's properties: byte for byte
 * JSON.stringify(toMemberRecord(group, member)), in its key order, as test/streams/group-member-rows.test.ts checks.
 * `type` is memberType(member). Only the member's five properties are serialised per row, each with jsonValue, and no
 * record object is made: a read of 61,140 rows spent about 65 ms less on its main thread than with JSON.stringify of
 * each record (median of 20 interleaved runs).
 */
export const memberRowJson = (head: string, member: GraphMember, type: string): string =>
  `${head}"memberId":${jsonValue(member.id)},"memberType":${jsonValue(type)},"memberDisplayName":${jsonValue(member.displayName)},` +
  `"memberUserPrincipalName":${jsonValue(member.userPrincipalName)},"memberMail":${jsonValue(member.mail)}}`;

/** Members Graph returned with only their type and id, counted per type, for one WARN naming the permissions to add. */
class LimitedMembers {
  private readonly byType = new Map<string, number>();

  /** Counts the member when Graph left out every property the stream selected besides id. */
  note(member: GraphMember, type: string): void {
    if (type === 'group' || member.displayName != null || member.userPrincipalName != null || member.mail != null) return;
    this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
  }

  report(log: Logger): void {
    if (this.byType.size === 0) return;
    const total = [...this.byType.values()].reduce((a, b) => a + b, 0);
    const parts = [...this.byType].map(([type, n]) => `${n} ${type}${DETAIL_PERMISSION[type] ? ` (${DETAIL_PERMISSION[type]})` : ''}`);
    log.warn(
      `group_members: Microsoft Graph returned ${total} member${total === 1 ? '' : 's'} with only their type and id, because the app may not read ` +
        `those kinds of objects: ${parts.join(', ')}. Their memberDisplayName, memberUserPrincipalName and memberMail are null; memberId and memberType are exact, ` +
        'so they can be joined with the users and service_principals streams. To get the names here, add the permission named for each kind ' +
        '(or Directory.Read.All) as an Application permission (https://learn.microsoft.com/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects).',
    );
  }
}

export const groupMembers: StreamDef<GroupMembersRecord> = {
  name: 'group_members',
  schemaName: 'group_members',
  primaryKey: [['groupId'], ['memberId']],
  // Full refresh only: a group's member list has no delta of its own; the groups delta reports membership changes only
  // with $select=members, as bare ids (https://learn.microsoft.com/graph/api/group-delta).
  supportedSyncModes: ['full_refresh'],
  // Least privileged for the list of groups and for each group's members (https://learn.microsoft.com/graph/api/group-list-members#permissions).
  // Member details need the permission of each member kind (DETAIL_PERMISSION): without it those fields are null and a WARN says why,
  // rather than requiring User.Read.All of a stream whose rows are complete without it.
  permissions: [['GroupMember.Read.All']],
  // Shared with groups, so it costs no extra request; a group's members need a group id to probe.
  probes: [{ path: '/groups', query: { $top: 1, $select: 'id' } }],
  async *read({ graph, log, members: handoff }) {
    const readsHidden = readsHiddenMembers(await graph.grantedRoles());
    // Groups whose members are being read (requests are made as the list is read, so this stays small), and the
    // groups app_role_assignments already read in this sync, replayed at the end.
    const reading = new Map<string, GraphGroup>();
    const held: GraphGroup[] = [];
    const refused: NamedGroup[] = [];
    const gone: NamedGroup[] = [];
    const hiddenAnswered: NamedGroup[] = [];
    const limited = new LimitedMembers();
    // A page of members as one output of rows serialised here (SerialisedRecords): no asynchronous step per member, and
    // the group's part serialised once per page. An array rather than a lazy iterable: a generator's resumption per row
    // cost more than the array.
    const rows = (group: GraphGroup, members: readonly GraphMember[]): SerialisedRecords => {
      const head = groupHead(group);
      return {
        kind: 'json',
        json: members.map((member) => {
          const type = memberType(member);
          limited.note(member, type);
          return memberRowJson(head, member, type);
        }),
      };
    };

    async function* groupIds() {
      const query = { $select: GROUP_SELECT, $top: PAGE_SIZE };
      for await (const group of graph.list<GraphGroup>('/groups', { query })) {
        if (handoff?.has(group.id)) held.push(group);
        else {
          reading.set(group.id, group);
          yield group.id;
        }
      }
    }

    for await (const page of fetchMembers(graph, groupIds(), MEMBER_SELECT)) {
      const group = reading.get(page.groupId) ?? { id: page.groupId };
      if (page.last) reading.delete(page.groupId);
      const hidden = group.visibility === HIDDEN && !readsHidden;
      if (page.error) {
        // Only a group with hidden membership, read without Member.Read.Hidden, may be refused alone; any other 403
        // concerns the whole app (consent still propagating, a permission removed) and fails the stream with its diagnosis.
        if (isRefusedGroup(page.error) && hidden) refused.push(group);
        else if (isRefusedGroup(page.error)) throw page.error;
        else gone.push(group);
        continue;
      }
      if (hidden && page.last) hiddenAnswered.push(group);
      if (page.members.length > 0) yield rows(group, page.members);
    }
    for (const group of held) {
      for (const members of handoff?.take(group.id) ?? []) if (members.length > 0) yield rows(group, members);
    }

    warnRefusedGroups(log, 'group_members', refused, 'Their members are missing from group_members');
    if (hiddenAnswered.length > 0) {
      log.warn(
        `group_members: ${hiddenAnswered.length} group${hiddenAnswered.length === 1 ? ' has' : 's have'} hidden membership and the app lacks Member.Read.Hidden, ` +
          'which Microsoft Graph documents as needed to list such members (https://learn.microsoft.com/graph/api/group-list-members#permissions); ' +
          `Graph answered their member lists anyway, but they may be incomplete: ${namedGroups(hiddenAnswered)}.`,
      );
    }
    warnGoneGroups(log, 'group_members', gone, 'Their members went with them');
    limited.report(log);
  },
};
