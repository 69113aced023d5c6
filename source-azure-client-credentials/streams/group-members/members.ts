// Groups' direct members, read once per sync: the batched fan-out over /groups/{id}/members that group_members and app_role_assignments share, and the judgement of refused groups.
// https://learn.microsoft.com/graph/api/group-list-members
import { CONSENT_PATH } from '../../admin-center.js';
import { matchesRow } from '../../graph/errors.js';
import type { GraphClient, GraphError } from '../../graph/types.js';
import type { Logger } from '../../logger.js';
import type { MembersHandoff } from './handoff.js';

/** A direct member as Graph returns it for a $select of MEMBER_SELECT's names (any of them may be missing or null). */
export interface GraphMember {
  id: string;
  '@odata.type'?: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  employeeHireDate?: string | null;
  createdDateTime?: string | null;
}

/** The member properties group_members emits. */
export const MEMBER_SELECT = 'id,displayName,mail,userPrincipalName';
/** Graph's maximum page size for a group's members (https://learn.microsoft.com/graph/api/group-list-members#optional-query-parameters). */
const PAGE_SIZE = 999;

/** One page of one group's members, or the failure Graph answered for the group (then `last`). */
export type MembersPage =
  | { groupId: string; members: GraphMember[]; last: boolean; error?: undefined }
  | { groupId: string; error: GraphError; members?: undefined; last: true };

/**
 * A group's member list refused with 403. Graph documents that hidden membership needs Member.Read.Hidden
 * (https://learn.microsoft.com/graph/api/group-list-members#permissions) but not how it refuses an app without it: any
 * 403 on one group is handed to the stream, which decides whether it is that group's (skipped) or the whole app's (thrown).
 */
export const isRefusedGroup = (error: GraphError): boolean =>
  matchesRow(error, 'http-403-permission') || matchesRow(error, 'http-403-other');

/** Whether the roles claim lets the app list the members of groups with hidden membership (no broader permission includes it). */
export const readsHiddenMembers = (roles: readonly string[]): boolean => roles.includes('Member.Read.Hidden');

/**
 * The members of each group in `groupIds`, through $batch (20 per call, concurrently), each group followed to its last
 * page. A group deleted meanwhile (404) or refused (403, see isRefusedGroup) comes back as an error page; any other
 * failure is thrown. With `handoff`, every page is also kept for a stream read later in the same sync (handoff.ts).
 */
export async function* fetchMembers(
  graph: GraphClient,
  groupIds: Iterable<string> | AsyncIterable<string>,
  select: string,
  handoff?: MembersHandoff,
): AsyncIterable<MembersPage> {
  async function* requests() {
    for await (const key of groupIds) yield { key, path: `/groups/${key}/members?$select=${select}&$top=${PAGE_SIZE}` };
  }
  for await (const item of graph.batchPages<GraphMember>(requests(), { yieldFailure: isRefusedGroup })) {
    if (item.error) {
      handoff?.drop(item.key);
      yield { groupId: item.key, error: item.error, last: true };
      continue;
    }
    handoff?.write(item.key, item.page.value, item.last);
    yield { groupId: item.key, members: item.page.value, last: item.last };
  }
}

/** A group named in a WARN. */
export interface NamedGroup {
  id: string;
  displayName?: string | null;
}

/** Up to five groups by name and id, then how many more. */
export const namedGroups = (groups: readonly NamedGroup[]): string => {
  const shown = groups.slice(0, 5).map((g) => (g.displayName ? `"${g.displayName}" (${g.id})` : g.id));
  return `${shown.join(', ')}${groups.length > shown.length ? ` and ${groups.length - shown.length} more` : ''}`;
};

/**
 * The one WARN for groups whose member list Graph refused to an app without Member.Read.Hidden. `consequence` says
 * what the stream's output lacks, e.g. "Their rows are missing".
 */
export function warnRefusedGroups(log: Logger, stream: string, groups: readonly NamedGroup[], consequence: string): void {
  if (groups.length === 0) return;
  log.warn(
    `${stream}: Microsoft Graph refused to list the members of ${groups.length} group${groups.length === 1 ? '' : 's'} (403): ${namedGroups(groups)}. ` +
      'Groups with hidden membership show their members only to apps with the Member.Read.Hidden permission ' +
      `(https://learn.microsoft.com/graph/api/group-list-members#permissions). ${consequence}; the rest of the stream is complete. ` +
      `To include them, add Member.Read.Hidden (Application permission) in ${CONSENT_PATH}.`,
  );
}

/** The one WARN for groups Graph no longer finds (404), most likely deleted while the sync ran. */
export function warnGoneGroups(log: Logger, stream: string, groups: readonly NamedGroup[], consequence: string): void {
  if (groups.length === 0) return;
  log.warn(
    `${stream}: skipped ${groups.length} group${groups.length === 1 ? '' : 's'} that Microsoft Graph no longer returns, most likely deleted while the sync ran: ` +
      `${namedGroups(groups)}. ${consequence}; the rest of the stream is complete, and the next sync will not see them.`,
  );
}
