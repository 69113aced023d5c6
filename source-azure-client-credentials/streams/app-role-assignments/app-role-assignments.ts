// The app_role_assignments stream (SSO roster): assignments per service principal, groups expanded to direct user members.
import type { AppRoleAssignmentsRecord } from '../../generated/app-role-assignments.js';
import type { BatchRequest, GraphClient, GraphError } from '../../graph/types.js';
import type { Logger } from '../../logger.js';
import { activeDate, resolveAppRole } from '../derive.js';
import {
  fetchMembers,
  isRefusedGroup,
  MEMBER_SELECT,
  type NamedGroup,
  readsHiddenMembers,
  warnRefusedGroups,
} from '../group-members/members.js';
import { merge } from '../merge.js';
import type { StreamDef } from '../types.js';
import { type Assignment, AssignmentBuffer } from './assignment-buffer.js';
import { userLookup } from './user-lookup.js';

type AppRole = { id?: string | null; value?: string | null; displayName?: string | null };

/** What a row needs from its resource service principal; appRoles hold only the three fields used. */
interface AppInfo {
  appId: string | null;
  appRoles: AppRole[];
}

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

interface Via {
  id: string;
  displayName: string | null;
}

export function toAssignmentRow(
  assignment: Assignment,
  app: AppInfo | undefined,
  person: GraphPerson | null,
  via: Via | null,
): AppRoleAssignmentsRecord {
  const role = resolveAppRole(app?.appRoles, assignment.appRoleId);
  return {
    id: assignment.id,
    appRoleId: assignment.appRoleId ?? null,
    createdDateTime: assignment.createdDateTime ?? null,
    principalId: assignment.principalId ?? null,
    principalType: assignment.principalType ?? null,
    principalDisplayName: assignment.principalDisplayName ?? null,
    resourceId: assignment.resourceId ?? null,
    resourceDisplayName: assignment.resourceDisplayName ?? null,
    appId: app?.appId ?? null,
    ...role,
    // A ServicePrincipal principal is its own row: userId is the principalId, the person fields are null.
    userId: person?.id ?? assignment.principalId ?? '',
    email: person?.mail ?? null,
    givenName: person?.givenName ?? null,
    surname: person?.surname ?? null,
    userPrincipalName: person?.userPrincipalName ?? null,
    activeDate: person ? activeDate(person.employeeHireDate, person.createdDateTime) : null,
    viaGroupId: via?.id ?? null,
    viaGroupDisplayName: via ? via.displayName : null,
  };
}

/** Every service principal once, with just what rows need (id, appId, appRoles). */
async function readApps(graph: GraphClient): Promise<Map<string, AppInfo>> {
  const apps = new Map<string, AppInfo>();
  const query = { $select: 'id,appId,appRoles', $top: PAGE_SIZE };
  for await (const sp of graph.list<{ id: string; appId?: string | null; appRoles?: AppRole[] | null }>('/servicePrincipals', { query })) {
    const appRoles = (sp.appRoles ?? []).map(({ id, value, displayName }) => ({ id, value, displayName }));
    apps.set(sp.id, { appId: sp.appId ?? null, appRoles });
  }
  return apps;
}

function* requestsFor(ids: Iterable<string>, path: (id: string) => string): Iterable<BatchRequest> {
  for (const key of ids) yield { key, path: path(key) };
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
    const apps = await readApps(graph);
    const row = (assignment: Assignment, person: GraphPerson | null, via: Via | null) =>
      ({ kind: 'record', data: toAssignmentRow(assignment, apps.get(assignment.resourceId ?? ''), person, via) }) as const;

    // 1. Every application's assignments, batched. ServicePrincipal rows are complete as they come;
    //    User and Group assignments wait, compact, for their principals.
    //    https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto
    const userAssignments = new AssignmentBuffer('User');
    const groupAssignments = new AssignmentBuffer('Group');
    const skippedApps = new Skipped('service principal');
    const assignedTo = requestsFor(apps.keys(), (id) => `/servicePrincipals/${id}/appRoleAssignedTo?$top=${PAGE_SIZE}`);
    for await (const item of graph.batchPages<Assignment>(assignedTo)) {
      if (item.error) {
        skippedApps.add(item.key, item.error);
        continue;
      }
      for (const assignment of item.page.value) {
        if (assignment.principalType === 'User') userAssignments.add(assignment);
        else if (assignment.principalType === 'Group') groupAssignments.add(assignment);
        else yield row(assignment, null, null);
      }
    }
    skippedApps.report(log);

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
      for await (const page of fetchMembers(graph, groupAssignments.principalIds(), MEMBER_PERSON_SELECT, handoff)) {
        if (page.error) {
          const dropped = groupAssignments.take(page.groupId);
          if (!isRefusedGroup(page.error)) skippedGroups.add(page.groupId, page.error);
          else if (readsHidden) throw page.error;
          else refusedGroups.push({ id: page.groupId, displayName: dropped?.[0]?.principalDisplayName ?? null });
          continue;
        }
        const assignments = (page.last ? groupAssignments.take(page.groupId) : groupAssignments.peek(page.groupId)) ?? [];
        yield (function* () {
          for (const member of page.members) {
            if (member['@odata.type'] !== USER_TYPE) continue;
            for (const assignment of assignments) {
              yield row(assignment, member, { id: page.groupId, displayName: assignment.principalDisplayName ?? null });
            }
          }
        })();
      }
      skippedGroups.report(log);
      warnRefusedGroups(log, 'app_role_assignments', refusedGroups, 'The users they give access to have no rows through them');
    }

    // 3. Users assigned directly, read while the groups' members are (they need different requests and no order):
    //    by id when they are few for the tenant, else one pass over /users (user-lookup.ts).
    async function* userRows() {
      if (userAssignments.principals === 0) return;
      const lookup = userLookup<GraphPerson>(graph, userAssignments, await graph.count('/users'), config, PERSON_SELECT, log);
      for await (const users of lookup) {
        yield (function* () {
          for (const user of users) for (const assignment of userAssignments.take(user.id) ?? []) yield row(assignment, user, null);
        })();
      }
      if (userAssignments.principals > 0) {
        log.warn(
          `app_role_assignments: skipped ${userAssignments.assignments} assignment(s) of ${userAssignments.principals} user(s) that ` +
            'Microsoft Graph no longer lists, most likely deleted while the sync ran; the next sync will not see them.',
        );
      }
    }

    // for...of, not yield*: yield* over a sync iterable in an async generator awaits each row once more.
    for await (const rows of merge(groupRows(), userRows())) for (const output of rows) yield output;
  },
};
