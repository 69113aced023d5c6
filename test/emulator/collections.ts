// Graph collection handlers: users, servicePrincipals, groups, organization, appRoleAssignedTo, group members, signIns (v1.0 and beta), directoryAudits.
import type { Caller } from './auth.js';
import { firstIndexWhere, indexAfter, instantKey, keyOfDate, type SortedList } from './directory.js';
import { type InstantRange, parseAuditFilter, parseBetaSignInFilter, parseSignInFilter, parseUserFilter } from './filters.js';
import { type ManagerExpansion, readManagerExpand, withManager } from './managers.js';
import { type Cursor, isReply, jsonBytes, nextLink, pageJson, readCursor, readSelect, readTop } from './paging.js';
import { ODATA_TYPE, project, projection, projectionIn, serialize } from './project.js';
import { graphError, type Reply, rawJsonReply } from './reply.js';
import type { EmulatorState } from './state.js';
import type { GraphObject } from './types.js';

export interface GraphRequest {
  state: EmulatorState;
  /** The path after the version root as the client sent it, e.g. /users or /auditLogs/signIns. */
  path: string;
  /** The version root the request came under. */
  version: 'v1.0' | 'beta';
  params: URLSearchParams;
  caller: Caller;
  /** True while a 'loop' fault covers this request. */
  loop: boolean;
  /** The absolute URL of this request (a looping nextLink points back at it). */
  selfUrl: string;
  /** The request's headers (a $batch item's own), by lower-case name. */
  headers: Readonly<Record<string, string>>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Page sizes: https://learn.microsoft.com/graph/paging (directory lists 100 / 999; sign-ins 1000 / 1000, beta too). Directory
 * audits document neither: the emulator's choice is 100 / 999, 999 being the most Microsoft's Entra PowerShell module asks for.
 * With $expand a directory list serves at most 100 objects a page whatever $top asks, without saying so (known issue 13635).
 */
export const PAGE = {
  directoryDefault: 100,
  directoryMax: 999,
  withExpandMax: 100,
  signInActivityMax: 500,
  signInsDefault: 1000,
  signInsMax: 1000,
  auditsDefault: 100,
  auditsMax: 999,
};

/** Days a tenant without Entra ID P1/P2 keeps audit logs (https://learn.microsoft.com/entra/identity/monitoring-health/reference-reports-data-retention). */
export const AUDIT_RETENTION_FREE_DAYS = 7;

/** Directory endpoints refuse a $top above their maximum (the emulator's choice: 400, not a silent clamp). */
const directoryTopTooLarge = (max: number) => (top: number) =>
  graphError(400, 'Request_BadRequest', `Invalid page size specified: '${top}'. Must be between 1 and ${max} inclusive.`);

const contextUrl = (req: GraphRequest, entitySet: string, select: string[] | undefined) =>
  `${req.state.url}/${req.version}/$metadata#${entitySet}${select ? `(${select.join(',')})` : ''}`;

/** The nextLink of a page: normal, or (under a loop fault, after the first page) the page's own URL. */
function linkFor(req: GraphRequest, linkPath: string, cursor: Cursor): string {
  if (req.loop && req.params.has('$skiptoken')) return req.selfUrl;
  return nextLink(req.state.url, req.path, linkPath, req.params, cursor, req.version);
}

export interface PageSpec {
  entitySet: string;
  entity: string;
  linkPath: string;
  defaultTop: number;
  maxTop: number;
  tooLarge?: (top: number) => Reply;
  /** The most a page holds whatever $top asks (e.g. 100 with $expand, Graph's known issue 13635). */
  cap?: number;
  /** Users with $expand=manager: the page size is capped silently, each record carries its manager. */
  expandManager?: ManagerExpansion;
}

/**
 * One page of a list served in id order; the cursor is the last id served, so inserts and deletes never shift it.
 * `render` replaces the $select projection (e.g. to add an expansion); its records are not cached.
 */
export function sortedPage(
  req: GraphRequest,
  list: SortedList,
  spec: PageSpec,
  cacheKey: string,
  render?: (o: GraphObject) => unknown,
): Reply {
  const top = readTop(req.params, spec.maxTop, spec.tooLarge ?? directoryTopTooLarge(spec.maxTop));
  if (isReply(top)) return top;
  const cursor = readCursor(req.path, req.params, req.version);
  if (isReply(cursor)) return cursor;
  const start = !cursor ? 0 : 'after' in cursor ? indexAfter(list.ids, cursor.after) : cursor.offset;
  const expansion = spec.expandManager;
  const cap = expansion ? PAGE.withExpandMax : (spec.cap ?? Number.POSITIVE_INFINITY);
  const size = Math.min(top ?? spec.defaultTop, cap);
  const items = list.items.slice(start, start + size);
  const select = readSelect(req.params);
  const fields = projectionIn(req.state.directory, spec.entity, select);
  const key = `${cacheKey}|${fields?.join(',') ?? '*'}|${expansion ? `manager(${(!req.state.expandIgnoresNestedSelect && expansion.select?.join(',')) || '*'})` : ''}`;
  const records = render
    ? items.map((o) => jsonBytes(render(o)))
    : serialize(req.state.directory, key, items, (o) => withManager(req.state, o.id, project(o, fields), expansion));
  const next = start + size < list.items.length ? linkFor(req, spec.linkPath, { after: items[items.length - 1]!.id }) : undefined;
  return rawJsonReply(200, pageJson(contextUrl(req, spec.entitySet, select), records, { next }), {}, items.length);
}

/** One page of a fixed-order list, or of its slice [from, to) (offset cursor; no copy of the whole list per page). */
export function offsetPage(
  req: GraphRequest,
  items: GraphObject[],
  spec: PageSpec,
  render: (o: GraphObject) => Buffer,
  from = 0,
  to = items.length,
): Reply {
  const top = readTop(req.params, spec.maxTop, spec.tooLarge ?? directoryTopTooLarge(spec.maxTop));
  if (isReply(top)) return top;
  const cursor = readCursor(req.path, req.params, req.version);
  if (isReply(cursor)) return cursor;
  const start = cursor && 'offset' in cursor ? cursor.offset : 0;
  const size = top ?? spec.defaultTop;
  const page = items.slice(from + start, Math.min(to, from + start + size));
  const next = from + start + size < to ? linkFor(req, spec.linkPath, { offset: start + size }) : undefined;
  const select = readSelect(req.params);
  return rawJsonReply(200, pageJson(contextUrl(req, spec.entitySet, select), page.map(render), { next }), {}, page.length);
}

export const selectsSignInActivity = (params: URLSearchParams) =>
  (readSelect(params) ?? []).some((s) => s.toLowerCase() === 'signinactivity');

/** GET /users: https://learn.microsoft.com/graph/api/user-list */
export function listUsers(req: GraphRequest): Reply {
  const { directory } = req.state;
  let list = directory.users;
  const filter = req.params.get('$filter');
  if (filter !== null) {
    const parsed = parseUserFilter(filter);
    if (isReply(parsed)) return parsed;
    let cached = directory.userFilterCache.get(parsed.key);
    if (!cached) {
      const items = list.items.filter(parsed.test);
      cached = { items, ids: items.map((u) => u.id) };
      directory.userFilterCache.set(parsed.key, cached);
    }
    list = cached;
  }
  for (const option of ['$search', '$orderby', '$count', '$skip']) {
    if (req.params.has(option)) return graphError(400, 'Request_UnsupportedQuery', `The emulator does not support ${option} on users.`);
  }
  const expandManager = readManagerExpand(req.params);
  if (isReply(expandManager)) return expandManager;
  const maxTop = selectsSignInActivity(req.params) ? PAGE.signInActivityMax : PAGE.directoryMax;
  return sortedPage(
    req,
    list,
    { entitySet: 'users', entity: 'user', linkPath: '/users', defaultTop: PAGE.directoryDefault, maxTop, expandManager },
    'users',
  );
}

/** GET /servicePrincipals: https://learn.microsoft.com/graph/api/serviceprincipal-list */
export function listServicePrincipals(req: GraphRequest): Reply {
  for (const option of ['$filter', '$search', '$orderby', '$count', '$expand', '$skip']) {
    if (req.params.has(option))
      return graphError(400, 'Request_UnsupportedQuery', `The emulator does not support ${option} on servicePrincipals.`);
  }
  const spec = {
    entitySet: 'servicePrincipals',
    entity: 'servicePrincipal',
    linkPath: '/servicePrincipals',
    defaultTop: PAGE.directoryDefault,
    maxTop: PAGE.directoryMax,
  };
  return sortedPage(req, req.state.directory.servicePrincipals, spec, 'servicePrincipals');
}

/** GET /organization: the one organization object. */
export function getOrganization(req: GraphRequest): Reply {
  const select = readSelect(req.params);
  const record = jsonBytes(project(req.state.tenant.organization, projection('organization', select)));
  return rawJsonReply(200, pageJson(contextUrl(req, 'organization', select), [record]), {}, 1);
}

export const notFound = (id: string) =>
  graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

/** The parent of a fan-out request: a 400 for a malformed id, a 404 when absent (or deleted by a fault). */
function parent(req: GraphRequest, id: string, kind: 'servicePrincipal' | 'group', deleted: Set<string>): Reply | undefined {
  if (!GUID.test(id)) return graphError(400, 'Request_BadRequest', `Invalid object identifier '${id}'.`);
  const entry = req.state.directory.byId.get(id);
  if (!entry || entry.kind !== kind || deleted.has(id)) return notFound(id);
  return undefined;
}

/** GET /servicePrincipals/{id}/appRoleAssignedTo: https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto */
export function listAppRoleAssignedTo(req: GraphRequest, id: string, deleted: Set<string>): Reply {
  const failure = parent(req, id, 'servicePrincipal', deleted);
  if (failure) return failure;
  const fields = projection('appRoleAssignment', readSelect(req.params));
  const items = req.state.tenant.assignments.get(id) ?? [];
  const spec = {
    entitySet: `servicePrincipals('${id}')/appRoleAssignedTo`,
    entity: 'appRoleAssignment',
    linkPath: `/servicePrincipals/${id}/appRoleAssignedTo`,
    defaultTop: PAGE.directoryDefault,
    maxTop: PAGE.directoryMax,
  };
  return offsetPage(req, items, spec, (o) => jsonBytes(project(o, fields)));
}

/** Which roles let the caller read a member object in full; otherwise only @odata.type and id come back. */
export const READ_FULL: Record<string, string[]> = {
  user: ['User.Read.All', 'User.ReadWrite.All'],
  group: ['GroupMember.Read.All', 'Group.Read.All', 'Group.ReadWrite.All'],
  servicePrincipal: ['Application.Read.All', 'Application.ReadWrite.All'],
  device: ['Device.Read.All', 'Device.ReadWrite.All'],
  orgContact: ['OrgContact.Read.All'],
};

/**
 * GET /groups/{id}/members: direct members of any type, each with @odata.type.
 * https://learn.microsoft.com/graph/api/group-list-members (with GroupMember.Read.All alone, non-group members are id-only).
 * Graph v1.0's documented known issue is reproduced: service principals are not listed (state.groups.listServicePrincipals
 * lists them, as beta does). A group with hidden membership needs Member.Read.Hidden: without it the emulator answers 403
 * Authorization_RequestDenied (state.groups.hiddenAnswer 'empty': an empty list), as Microsoft documents the need but not the answer.
 */
export function listGroupMembers(req: GraphRequest, id: string, deleted: Set<string>): Reply {
  const failure = parent(req, id, 'group', deleted);
  if (failure) return failure;
  const { directory } = req.state;
  const settings = req.state.groups;
  const select = readSelect(req.params);
  const roles = req.caller.roles;
  const hidden = directory.byId.get(id)!.object.visibility === 'HiddenMembership' && !roles.has('Member.Read.Hidden');
  if (hidden && settings.hiddenAnswer === 'forbidden') return forbiddenMembers();
  const directoryWide = roles.has('Directory.Read.All') || roles.has('Directory.ReadWrite.All');
  const items = hidden
    ? []
    : (req.state.tenant.groupMembers.get(id) ?? [])
        .map((m) => directory.byId.get(m))
        .filter((entry) => entry !== undefined && (entry.kind !== 'servicePrincipal' || settings.listServicePrincipals))
        .map((entry) => entry!.object);
  const spec = {
    entitySet: 'directoryObjects',
    entity: 'directoryObject',
    linkPath: `/groups/${id}/members`,
    defaultTop: PAGE.directoryDefault,
    maxTop: PAGE.directoryMax,
  };
  return offsetPage(req, items, spec, (o) => {
    const kind = directory.byId.get(o.id)!.kind;
    const full = directoryWide || READ_FULL[kind]!.some((r) => roles.has(r));
    if (full) return jsonBytes(project(o, projection(kind, select), ODATA_TYPE[kind]));
    // "Limited information returned for inaccessible member objects": @odata.type and id, and (limitedAsNulls) every other selected property as null.
    const limited = settings.limitedAsNulls ? ['id', ...(projection(kind, select) ?? []).filter((f) => f !== 'id')] : ['id'];
    return jsonBytes(project({ id: o.id }, limited, ODATA_TYPE[kind]));
  });
}

const forbiddenMembers = () => graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

/** Group properties that only GET /groups/{id} returns, or none at all (https://learn.microsoft.com/graph/api/resources/group#properties). */
const GROUP_GET_ONLY = [
  'allowExternalSenders',
  'autoSubscribeNewMembers',
  'hideFromAddressLists',
  'hideFromOutlookClients',
  'isSubscribedByMail',
  'unseenCount',
  'unseenConversationsCount',
  'unseenMessagesCount',
  'isFavorite',
  'hasMembersWithLicenseErrors',
  'isArchived',
];

/**
 * The 400 for a $select on a collection of groups (the list, the delta query) that names a property Graph returns only
 * for a single group, or never: the emulator's choice where Microsoft documents that such properties are not returned
 * ("Supported only on the Get group API"), the stricter reading of it.
 */
export function groupListSelectProblem(params: URLSearchParams): Reply | undefined {
  const select = (readSelect(params) ?? []).map((s) => s.toLowerCase());
  const refused = GROUP_GET_ONLY.find((name) => select.includes(name.toLowerCase()));
  return refused
    ? graphError(
        400,
        'Request_BadRequest',
        `The property '${refused}' is supported only when reading a single group (GET /groups/{id}), not on a collection.`,
      )
    : undefined;
}

/** GET /groups: https://learn.microsoft.com/graph/api/group-list */
export function listGroups(req: GraphRequest): Reply {
  for (const option of ['$filter', '$search', '$orderby', '$count', '$expand', '$skip']) {
    if (req.params.has(option)) return graphError(400, 'Request_UnsupportedQuery', `The emulator does not support ${option} on groups.`);
  }
  const refused = groupListSelectProblem(req.params);
  if (refused) return refused;
  const spec = { entitySet: 'groups', entity: 'group', linkPath: '/groups', defaultTop: PAGE.directoryDefault, maxTop: PAGE.directoryMax };
  return sortedPage(req, req.state.directory.groups, spec, 'groups');
}

/** [start, end) of the entries of a newest-first key list that `range` selects (binary search). */
function rangeIndexes(keys: string[], range: InstantRange): { start: number; end: number } {
  let start = 0;
  let end = keys.length;
  // Keys are descending: the range starts at the first key under the upper bound and ends at the first under the lower.
  if (range.le !== undefined)
    start = Math.max(
      start,
      firstIndexWhere(keys, (k) => k <= range.le!),
    );
  if (range.lt !== undefined)
    start = Math.max(
      start,
      firstIndexWhere(keys, (k) => k < range.lt!),
    );
  if (range.ge !== undefined)
    end = Math.min(
      end,
      firstIndexWhere(keys, (k) => k < range.ge!),
    );
  if (range.gt !== undefined)
    end = Math.min(
      end,
      firstIndexWhere(keys, (k) => k <= range.gt!),
    );
  return { start, end: Math.max(start, end) };
}

/** The reports service's answer to a $top above its maximum (OData's wording). */
const reportsTopTooLarge = (max: number) => (top: number) =>
  graphError(400, 'BadRequest', `The limit of '${max}' for Top query has been exceeded. The value from the incoming request is '${top}'.`);

/** A list computed for a query (without its skiptoken), so that its pages share it; the last few queries are kept. */
function cachedList(req: GraphRequest, compute: () => GraphObject[]): GraphObject[] {
  const query = new URLSearchParams([...req.params].filter(([k]) => k.toLowerCase() !== '$skiptoken'));
  const key = `${req.version}${req.path.toLowerCase()}?${query}`;
  const cache = req.state.directory.queryCache;
  let items = cache.get(key);
  if (!items) {
    items = compute();
    cache.set(key, items);
    if (cache.size > 8) cache.delete(cache.keys().next().value!);
  }
  return items;
}

/** The pages of both sign-in lists (v1.0 and beta): the same entity set, page sizes and nextLink path. */
const SIGN_IN_PAGES = {
  entitySet: 'auditLogs/signIns',
  entity: 'signIn',
  linkPath: '/auditLogs/signins',
  defaultTop: PAGE.signInsDefault,
  maxTop: PAGE.signInsMax,
  tooLarge: reportsTopTooLarge(PAGE.signInsMax),
};

/**
 * GET /auditLogs/signIns: newest first, $filter on createdDateTime, $top up to 1000; nextLinks come back
 * with the path /auditLogs/signins, as the real service returns them. https://learn.microsoft.com/graph/api/signin-list
 */
export function listSignIns(req: GraphRequest): Reply {
  const { directory } = req.state;
  let start = 0;
  let end = directory.signIns.length;
  const filter = req.params.get('$filter');
  if (filter !== null) {
    const range = parseSignInFilter(filter, directory.retentionStartKey);
    if (isReply(range)) return range;
    ({ start, end } = rangeIndexes(directory.signInKeys, range));
  }
  return offsetPage(req, directory.signIns, SIGN_IN_PAGES, jsonBytes, start, Math.max(start, end));
}

const INTERACTIVE = Object.freeze(['interactiveUser']);

/**
 * GET /beta/auditLogs/signIns: every event type, newest first. "This API returns only interactive sign-ins unless you set an
 * explicit filter" on signInEventTypes (https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta); each
 * record carries signInEventTypes. $top up to 1000 (default 1000). https://learn.microsoft.com/graph/api/signin-list?view=graph-rest-beta
 */
export function listBetaSignIns(req: GraphRequest): Reply {
  const { directory } = req.state;
  const filter = req.params.get('$filter');
  const parsed = filter === null ? { range: {} } : parseBetaSignInFilter(filter, directory.retentionStartKey);
  if (isReply(parsed)) return parsed;
  const types = parsed.types ?? new Set(INTERACTIVE);
  const items = cachedList(req, () => {
    const own = rangeIndexes(directory.signInKeys, parsed.range);
    const interactive = types.has('interactiveUser')
      ? directory.signIns.slice(own.start, own.end).map((s) => ({ ...s, signInEventTypes: INTERACTIVE }))
      : [];
    const other = rangeIndexes(directory.signInEventKeys, parsed.range);
    const others = directory.signInEvents.slice(other.start, other.end).filter((s) => types.has((s.signInEventTypes as string[])[0]!));
    // Both newest first: merge them (ties: interactive first).
    const keyOf = (s: GraphObject) => instantKey(String(s.createdDateTime)) ?? '';
    const merged: GraphObject[] = [];
    for (let i = 0, j = 0; i < interactive.length || j < others.length; ) {
      if (j >= others.length || (i < interactive.length && keyOf(interactive[i]!) >= keyOf(others[j]!))) merged.push(interactive[i++]!);
      else merged.push(others[j++]!);
    }
    return merged;
  });
  return offsetPage(req, items, SIGN_IN_PAGES, jsonBytes);
}

/** A seeded shuffle of `items` (the same for the same seed, so every page of a query sees one order). */
function shuffled(items: GraphObject[], seed: string): GraphObject[] {
  let state = 0;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * GET /auditLogs/directoryAudits: $filter on activityDateTime (eq, ge, le), $top up to the emulator's 999 (Graph documents
 * no maximum; Microsoft's Entra PowerShell module asks for 999 at most), default 100. Graph keeps 30 days with P1/P2 and 7
 * without (state.premium). The default order is not documented: newest first unless state.directoryAuditsOrder says
 * oldest first or unordered. https://learn.microsoft.com/graph/api/directoryaudit-list
 */
export function listDirectoryAudits(req: GraphRequest): Reply {
  const { directory, tenant } = req.state;
  if (req.params.has('$orderby'))
    return graphError(400, 'Request_UnsupportedQuery', 'The emulator does not support $orderby on directoryAudits.');
  const kept = keyOfDate(
    new Date(tenant.now.getTime() - (req.state.premium ? tenant.retentionDays : AUDIT_RETENTION_FREE_DAYS) * 86_400_000),
  );
  const filter = req.params.get('$filter');
  let range: InstantRange = {};
  if (filter !== null) {
    const parsed = parseAuditFilter(filter, req.state.directoryAuditsRefuseBeyondRetention ? kept : undefined);
    if (isReply(parsed)) return parsed;
    range = parsed;
  }
  // What the tenant still keeps, and of that what the filter selects.
  const within = { ...range, ge: range.ge !== undefined && range.ge > kept ? range.ge : kept };
  const { start, end } = rangeIndexes(directory.directoryAuditKeys, within);
  const order = req.state.directoryAuditsOrder;
  const spec = {
    entitySet: 'auditLogs/directoryAudits',
    entity: 'directoryAudit',
    linkPath: '/auditLogs/directoryaudits',
    defaultTop: PAGE.auditsDefault,
    maxTop: PAGE.auditsMax,
    tooLarge: reportsTopTooLarge(PAGE.auditsMax),
  };
  if (order === 'newestFirst') return offsetPage(req, directory.directoryAudits, spec, jsonBytes, start, end);
  const items = cachedList(req, () => {
    const selected = directory.directoryAudits.slice(start, end);
    return order === 'oldestFirst' ? selected.reverse() : shuffled(selected, `${filter}`);
  });
  return offsetPage(req, items, spec, jsonBytes);
}
