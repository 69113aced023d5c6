// The app_role_assignments stream (SSO roster): assignments per service principal, groups expanded to direct user members.

import type { Config } from '../../config.js';
import type { AppRoleAssignmentsRecord } from '../../generated/app-role-assignments.js';
import type { BatchRequest, GraphClient, GraphError } from '../../graph/types.js';
import type { Logger } from '../../logger.js';
import { activeDate, resolveAppRole } from '../derive.js';
import type { MembersHandoff } from '../group-members/handoff.js';
import {
  fetchMembers,
  isRefusedGroup,
  MEMBER_SELECT,
  type NamedGroup,
  readsHiddenMembers,
  warnRefusedGroups,
} from '../group-members/members.js';
import { inner } from '../json-parts.js';
import { merge } from '../merge.js';
import type { SerialisedRecords, StreamDef, StreamOutput } from '../types.js';
import { AppCatalog, type AppInfo } from './app-catalog.js';
import { type Assignment, AssignmentBuffer } from './assignment-buffer.js';
import { AssignmentSpill } from './assignment-spill.js';
import { userLookup } from './user-lookup.js';

type AppRole = { id?: string | null; value?: string | null; displayName?: string | null };

/** A user (from /users or a group's members) with the roster properties of PERSON_SELECT. */
interface GraphPerson {
  id: string;
  '@odata.type'?: string;
  mail?: string | null;
  givenName?: string | null;
  surname?: string | null;
  userPrincipalName?: string | null;
  employeeHireDate?: string | null;
  createdDateTime?: string | null;
}

/** The user properties a roster row carries, for both the /users pass and group members. */
const PERSON_SELECT = 'id,mail,givenName,surname,userPrincipalName,employeeHireDate,createdDateTime';
/**
 * A group's members are read with the roster properties plus what group_members emits, so that a sync with both
 * streams reads each group's members once (group-members/handoff.ts); the extra properties cost no request.
 */
const MEMBER_PERSON_SELECT = [...new Set([...PERSON_SELECT.split(','), ...MEMBER_SELECT.split(',')])].join(',');
const USER_TYPE = '#microsoft.graph.user';
const PAGE_SIZE = 999;
/**
 * Users' assignments, and groups' assignments, held in memory (about 200 bytes each, assignment-buffer.ts) before they
 * go to a temporary file (assignment-spill.ts): a tenant of 50,000 users with 45,000 direct assignments and 15,000
 * through groups stays in memory, ten times that does not grow it. AZURE_ASSIGNMENTS_SPILL_AT lowers it (test-only).
 */
const SPILL_AT = 50_000;

interface Via {
  id: string;
  displayName: string | null;
}

/** A row's first part: the assignment, its application and role (the same in every row the assignment gives). */
function assignmentFields(assignment: Assignment, app: AppInfo | undefined) {
  return { ...ownFields(assignment), appId: app?.appId ?? null, ...resolveAppRole(app?.appRoles, assignment.appRoleId) };
}

/** The assignment's own fields, first in its rows. */
function ownFields(assignment: Assignment) {
  return {
    id: assignment.id,
    appRoleId: assignment.appRoleId ?? null,
    createdDateTime: assignment.createdDateTime ?? null,
    principalId: assignment.principalId ?? null,
    principalType: assignment.principalType ?? null,
    principalDisplayName: assignment.principalDisplayName ?? null,
    resourceId: assignment.resourceId ?? null,
    resourceDisplayName: assignment.resourceDisplayName ?? null,
  };
}

/** A row's second part: the user (the same in every row of that user). */
function personFields(person: GraphPerson | null, principalId: string | null | undefined) {
  return {
    // A ServicePrincipal principal is its own row: userId is the principalId, the person fields are null.
    userId: person?.id ?? principalId ?? '',
    email: person?.mail ?? null,
    givenName: person?.givenName ?? null,
    surname: person?.surname ?? null,
    userPrincipalName: person?.userPrincipalName ?? null,
    activeDate: person ? activeDate(person.employeeHireDate, person.createdDateTime) : null,
  };
}

/** A row's last part: the group it comes through. */
const viaFields = (via: Via | null) => ({ viaGroupId: via?.id ?? null, viaGroupDisplayName: via ? via.displayName : null });

export function toAssignmentRow(
  assignment: Assignment,
  app: AppInfo | undefined,
  person: GraphPerson | null,
  via: Via | null,
): AppRoleAssignmentsRecord {
  return { ...assignmentFields(assignment, app), ...personFields(person, assignment.principalId), ...viaFields(via) };
}

/**
 * The assignment's part of its rows' JSON (the same in every row it gives): its own fields, then its application's and
 * role's as the catalog holds them serialised (AppCatalog.fields), in assignmentFields' key order.
 */
export const assignmentPart = (assignment: Assignment, apps: AppCatalog) =>
  `${inner(ownFields(assignment))},${apps.fields(assignment.resourceId, assignment.appRoleId)}`;
/** The user's part of their rows' JSON. */
export const personPart = (person: GraphPerson) => inner(personFields(person, person.id));
/** The group's part of a row's JSON (null: assigned directly). */
export const viaPart = (via: Via | null) => inner(viaFields(via));

/**
 * A row's JSON from its parts (rowHead, personPart, rowTail), each serialised once however many rows repeat it (a group's assignment for each of its
 * members, a member for each assignment of the group): byte for byte JSON.stringify(toAssignmentRow(...)), as
 * test/streams/assignment-rows.test.ts checks. Most of the stream's rows are written this way, saving most of its serialising.
 */
export const rowJson = (head: string, person: string, tail: string) => head + person + tail;
/**
 * A row's JSON up to its person part: the assignment's part with the opening brace, made once however many rows repeat it.
 * With rowTail, a row is two concatenations instead of six (a template literal of five pieces): less garbage per row.
 */
export const rowHead = (assignment: string) => `{${assignment},`;
/** A row's JSON after its person part: the group's part (viaPart) and the closing brace. */
export const rowTail = (via: string) => `,${via}}`;

/**
 * Every service principal once, with just what rows need (id, appId, appRoles), packed (app-catalog.ts): each page is
 * added to `apps`, then its ids are given, so that the first pass asks for their assignments while the next pages come
 * (the pass over /servicePrincipals is a chain of round trips, 50-300 ms each on Graph, which the first pass no longer waits for).
 */
async function* readApps(graph: GraphClient, apps: AppCatalog): AsyncIterable<string> {
  const query = { $select: 'id,appId,appRoles', $top: PAGE_SIZE };
  for await (const page of graph.pages<{ id: string; appId?: string | null; appRoles?: AppRole[] | null }>('/servicePrincipals', {
    query,
  })) {
    for (const sp of page.value) apps.add(sp);
    for (const sp of page.value) yield sp.id;
  }
}

async function* requestsFor(ids: AsyncIterable<string>, path: (id: string) => string): AsyncIterable<BatchRequest> {
  for await (const key of ids) yield { key, path: path(key) };
}

/** Parents Graph no longer finds (deleted mid-sync, 404) or refused: reported in one WARN per kind. */
class Skipped {
  private readonly items: { id: string; error: GraphError }[] = [];
  constructor(private readonly what: string) {}
  add(id: string, error: GraphError): void {
    this.items.push({ id, error });
  }
  report(log: Logger): void {
    if (this.items.length === 0) return;
    const shown = this.items.slice(0, 5).map(({ id, error }) => `${id} (${error.status ?? '?'} ${error.code ?? error.message})`);
    const more = this.items.length > shown.length ? ` and ${this.items.length - shown.length} more` : '';
    log.warn(
      `app_role_assignments: skipped ${this.items.length} ${this.what}${this.items.length === 1 ? '' : 's'} that Microsoft Graph ` +
        `no longer returns, most likely deleted while the sync ran: ${shown.join(', ')}${more}. Their assignments went with ` +
        'them; the other rows are complete, and the next sync will not see them.',
    );
  }
}

export const appRoleAssignments: StreamDef<AppRoleAssignmentsRecord> = {
  name: 'app_role_assignments',
  schemaName: 'app_role_assignments',
  primaryKey: [['id'], ['userId']],
  // Full refresh only: Graph has no delta query for appRoleAssignedTo, and a row also changes when a group's
  // membership does (https://learn.microsoft.com/graph/delta-query-overview#supported-resources).
  supportedSyncModes: ['full_refresh'],
  // Least privilege, one permission per kind of request: Application.Read.All for the service principals and
  // their appRoleAssignedTo (https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto#permissions),
  // GroupMember.Read.All for the members of assigned groups (https://learn.microsoft.com/graph/api/group-list-members#permissions),
  // and User.Read.All for the /users pass and the members' user properties, which GroupMember.Read.All alone
  // does not return. Directory.Read.All would cover all three, but is broader than any of them.
  permissions: [['Application.Read.All'], ['GroupMember.Read.All', 'Directory.Read.All'], ['User.Read.All']],
  // Shared with service_principals and users, so they cost no extra request; group members need a group id to probe.
  probes: [
    { path: '/servicePrincipals', query: { $top: 1, $select: 'id' } },
    { path: '/users', query: { $top: 1, $select: 'id' } },
  ],
  async *read({ graph, config, log, members: handoff }) {
    const spill = new AssignmentSpill<GraphPerson>('User');
    const groupSpill = new AssignmentSpill<GraphPerson>('Group');
    try {
      yield* readAssignments(graph, config, log, handoff, spill, groupSpill);
    } finally {
      spill.close();
      groupSpill.close();
    }
  },
};

async function* readAssignments(
  graph: GraphClient,
  config: Config,
  log: Logger,
  handoff: MembersHandoff | undefined,
  spill: AssignmentSpill<GraphPerson>,
  groupSpill: AssignmentSpill<GraphPerson>,
): AsyncGenerator<StreamOutput<AppRoleAssignmentsRecord> | SerialisedRecords> {
  const apps = new AppCatalog();
  const direct = rowTail(viaPart(null));
  /** A user's rows, one per assignment held for them. */
  function* userRowsOf(user: GraphPerson, assignments: readonly Assignment[]) {
    const person = personPart(user);
    for (const assignment of assignments) yield rowJson(rowHead(assignmentPart(assignment, apps)), person, direct);
  }

  // 1. Every application's assignments, batched. ServicePrincipal rows are complete as they come;
  //    User and Group assignments wait, compact, for their principals.
  //    https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto
  const spillAt = Number(process.env.AZURE_ASSIGNMENTS_SPILL_AT ?? SPILL_AT);
  const userAssignments = new AssignmentBuffer('User');
  const addUserAssignment = holdOrSpill(userAssignments, spill, spillAt, log, 'they wait for the /users pass');
  const groupAssignments = new AssignmentBuffer('Group');
  const addGroupAssignment = holdOrSpill(groupAssignments, groupSpill, spillAt, log, 'groups are read a partition at a time');
  const skippedApps = new Skipped('service principal');
  const assignedTo = requestsFor(readApps(graph, apps), (id) => `/servicePrincipals/${id}/appRoleAssignedTo?$top=${PAGE_SIZE}`);
  for await (const item of graph.batchPages<Assignment>(assignedTo)) {
    if (item.error) {
      skippedApps.add(item.key, item.error);
      apps.release(item.key);
      continue;
    }
    for (const assignment of item.page.value) {
      if (assignment.principalType === 'User') addUserAssignment(assignment);
      else if (assignment.principalType === 'Group') addGroupAssignment(assignment);
      else {
        yield { kind: 'record', data: toAssignmentRow(assignment, apps.info(assignment.resourceId), null, null) } as const;
        continue;
      }
      apps.use(assignment.resourceId);
    }
    // Every assignment of a service principal names it as their resource (appRoleAssignedTo lists the assignments
    // "for" that resource: https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto), so once its
    // last page is read, no row to come needs it unless an assignment held above does.
    if (item.last) apps.release(item.key);
  }
  skippedApps.report(log);
  // Every row still to write comes from an assignment held above: the service principals none of them names (at 10x, 22,000
  // of 30,000) are no longer needed.
  apps.dropUnused();

  // 2. Each assigned group's DIRECT members, once per sync however many applications it is assigned
  //    to: one row per (assignment, user member). Entra ID applies a group's app assignment to its
  //    direct members only and does not support nested groups there, so member groups (and devices,
  //    contacts, service principals) are not expanded.
  //    https://learn.microsoft.com/entra/identity/enterprise-apps/assign-user-or-group-access-portal
  //    A group refused with 403 (hidden membership, which needs Member.Read.Hidden) is skipped with a WARN when the
  //    app lacks that permission; with it, a 403 concerns the whole app and fails the stream.
  //    Both passes below yield their rows a page at a time (a lazy iterable per page), so that reading them at once
  //    costs one hand-over per page, not per row.
  async function* groupRows() {
    const skippedGroups = new Skipped('group');
    const refusedGroups: NamedGroup[] = [];
    const readsHidden = readsHiddenMembers(await graph.grantedRoles());
    for await (const page of fetchMembers(graph, assignedGroups(), MEMBER_PERSON_SELECT, handoff)) {
      if (page.error) {
        const dropped = groupAssignments.take(page.groupId);
        if (!isRefusedGroup(page.error)) skippedGroups.add(page.groupId, page.error);
        else if (readsHidden) throw page.error;
        else refusedGroups.push({ id: page.groupId, displayName: dropped?.[0]?.principalDisplayName ?? null });
        continue;
      }
      const assignments = (page.last ? groupAssignments.take(page.groupId) : groupAssignments.peek(page.groupId)) ?? [];
      const parts = assignments.map((assignment) => ({
        head: rowHead(assignmentPart(assignment, apps)),
        tail: rowTail(viaPart({ id: page.groupId, displayName: assignment.principalDisplayName ?? null })),
      }));
      yield (function* () {
        for (const member of page.members) {
          if (member['@odata.type'] !== USER_TYPE) continue;
          const person = personPart(member);
          for (const { head, tail } of parts) yield rowJson(head, person, tail);
        }
      })();
    }
    skippedGroups.report(log);
    warnRefusedGroups(log, 'app_role_assignments', refusedGroups, 'The users they give access to have no rows through them');
  }

  /**
   * The assigned groups, in the order their members are read. Spilled, each partition's assignments are put back in
   * groupAssignments only when the fan-out reaches its groups (it asks for ids as it has room for them), and each group's
   * are released on its last page: memory holds the partitions of the groups in flight, not every group's.
   */
  function* assignedGroups(): Iterable<string> {
    if (groupSpill.assignments === 0) return yield* groupAssignments.principalIds();
    for (const assignments of groupSpill.partitions()) {
      for (const assignment of assignments) groupAssignments.add(assignment);
      yield* new Set(assignments.map((assignment) => assignment.principalId ?? ''));
    }
  }

  // 3. Users assigned directly, read while the groups' members are (they need different requests and no order):
  //    by id when they are few for the tenant, else one pass over /users (user-lookup.ts).
  async function* userRows() {
    if (spill.assignments > 0) return yield* spilledUserRows();
    if (userAssignments.principals === 0) return;
    const lookup = userLookup<GraphPerson>(graph, userAssignments, await graph.count('/users'), config, PERSON_SELECT, log);
    for await (const users of lookup) {
      yield (function* () {
        for (const user of users) yield* userRowsOf(user, userAssignments.take(user.id) ?? []);
      })();
    }
    if (userAssignments.principals > 0) warnGoneUsers(log, userAssignments.assignments, userAssignments.principals);
  }

  // 3b. Too many to hold: every user of one pass over /users joins them through the temporary file, partition by partition.
  async function* spilledUserRows() {
    log.debug(`app_role_assignments: ${spill.assignments} assignments of users read with one pass over /users.`);
    for await (const page of graph.pages<GraphPerson>('/users', { query: { $select: PERSON_SELECT, $top: PAGE_SIZE } }))
      for (const user of page.value) spill.addUser(user);
    for (const matches of spill.join()) {
      yield (function* () {
        for (const { user, assignments } of matches) yield* userRowsOf(user, assignments);
      })();
    }
    const { assignments, principals } = spill.unmatched();
    if (principals > 0) warnGoneUsers(log, assignments, principals);
  }

  // Each page's rows go out as one output that read.ts writes synchronously: an async generator's yield costs
  // promise turns, which once per row were a large part of this stream's CPU (775,568 rows at the bench's 1x).
  for await (const rows of merge(groupRows(), userRows())) yield { kind: 'json', json: rows };
}

/**
 * Adds each assignment to `buffer` until it holds `spillAt`, then moves them all to `spill` and adds the rest there.
 * `after` says in the DEBUG line what happens to them then.
 */
function holdOrSpill(buffer: AssignmentBuffer, spill: AssignmentSpill<GraphPerson>, spillAt: number, log: Logger, after: string) {
  return (assignment: Assignment) => {
    if (spill.assignments === 0 && buffer.assignments < spillAt) return buffer.add(assignment);
    if (spill.assignments === 0) {
      log.debug(
        `app_role_assignments: more than ${spillAt} assignments of ${buffer.principalType.toLowerCase()}s; ${after} from a temporary file.`,
      );
      for (const id of buffer.principalIds()) for (const held of buffer.take(id) ?? []) spill.add(held);
    }
    spill.add(assignment);
  };
}

function warnGoneUsers(log: Logger, assignments: number, principals: number): void {
  log.warn(
    `app_role_assignments: skipped ${assignments} assignment(s) of ${principals} user(s) that ` +
      'Microsoft Graph no longer lists, most likely deleted while the sync ran; the next sync will not see them.',
  );
}
