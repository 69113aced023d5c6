// Graph GET routing (v1.0, and beta's signIns) shared by direct requests and $batch items: permission, licence, faults, throttling, handler.

import { listApplicationOwners, listApplications } from './applications.js';
import type { Caller, GraphCloud } from './auth.js';
import {
  type GraphRequest,
  getOrganization,
  listAppRoleAssignedTo,
  listBetaSignIns,
  listDirectoryAudits,
  listGroupMembers,
  listGroups,
  listServicePrincipals,
  listSignIns,
  listUsers,
  selectsSignInActivity,
} from './collections.js';
import { listGrants } from './consents.js';
import { countCollection } from './count.js';
import { delta, deltaSelect } from './delta.js';
import { listSubscribedSkus } from './licences.js';
import { getObject } from './objects.js';
import { ENTITY_PROPERTIES } from './properties.js';
import { DECLARED_PROPERTIES } from './properties-declared.js';
import { type QueryRules, queryProblem, selectable, selectableAnyOf } from './query.js';
import { graphError, type Reply, tooManyRequests } from './reply.js';
import { listRoleAssignments, listRoleDefinitions } from './roles.js';
import type { EmulatorState } from './state.js';
import { type Budget, ruCost } from './throttling.js';

interface Route {
  pattern: RegExp;
  /** Endpoint label for metrics, e.g. 'GET /servicePrincipals/{id}/appRoleAssignedTo'. */
  label: string;
  /**
   * Application permissions, any one of which grants access (least privileged first).
   * https://learn.microsoft.com/graph/permissions-reference
   */
  anyOf: string[];
  /** Permissions a ServerOptions switch adds to anyOf (e.g. DelegatedPermissionGrant.Read.All). */
  switchedAnyOf?: (state: EmulatorState) => string[];
  /**
   * An application or service principal collection, delta or object: a request that selects keyCredentials (or no
   * $select: the default properties include it) is also held to 150 per minute.
   */
  keyCredentials?: boolean;
  /** RU base cost before the $select / $top / $expand adjustments. */
  cost: number;
  budget: Budget;
  /** The clouds whose Graph has this endpoint (absent: every cloud), from the national-cloud table of its API page. */
  clouds?: readonly GraphCloud[];
  /** Permissions needed besides `anyOf` under the emulator's current switches (any one of them), e.g. Directory.Read.All. */
  alsoNeeds?: (state: EmulatorState) => readonly string[] | undefined;
  /** Needs an Entra ID P1/P2 licence (sign-in logs). */
  premium?: boolean;
  /** Graph's checks of the query before the handler: documented options, $select names (query.ts). */
  query: QueryRules;
  handle: (req: GraphRequest, match: RegExpExecArray) => Reply;
}

const DIRECTORY_READ = ['Directory.Read.All', 'Directory.ReadWrite.All'];
const USERS = ['User.Read.All', 'User.ReadWrite.All', ...DIRECTORY_READ];
const APPLICATIONS = ['Application.Read.All', 'Application.ReadWrite.All', ...DIRECTORY_READ];
/** Groups, their delta, a group by id and its members: https://learn.microsoft.com/graph/api/group-list#permissions (and group-delta, group-get, group-list-members). */
const GROUPS = ['GroupMember.Read.All', 'Group.Read.All', 'GroupMember.ReadWrite.All', 'Group.ReadWrite.All', ...DIRECTORY_READ];
/** Both role lists: https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments#permissions (and roleDefinitions). */
const ROLE_MANAGEMENT = [
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'Directory.Read.All',
  'RoleManagement.ReadWrite.Directory',
  'Directory.ReadWrite.All',
];
/** $select on the types graph-properties.txt does not list yet (properties-declared.ts). */
const declared = (type: string) => selectable(type, DECLARED_PROPERTIES[type]);

/** The options every directory list documents (https://learn.microsoft.com/graph/api/user-list#optional-query-parameters, .../serviceprincipal-list); no $skip. */
const DIRECTORY_LIST = ['$select', '$filter', '$top', '$count', '$search', '$orderby', '$expand', '$skiptoken'];
/**
 * Delta: $select and $filter (id eq only) on the first call, then the tokens (https://learn.microsoft.com/graph/api/user-delta#query-parameters,
 * https://learn.microsoft.com/graph/api/serviceprincipal-delta#query-parameters). $top is not supported: the overview says so for users
 * (https://learn.microsoft.com/graph/delta-query-overview#optional-query-parameters), and the servicePrincipal page documents no $top.
 */
const DELTA = ['$select', '$filter', '$skiptoken', '$deltatoken'];
/** What the sign-in log routes (v1.0 and beta) share: permissions, budget, licence, clouds. */
const SIGN_IN_LOGS: Pick<Route, 'anyOf' | 'alsoNeeds' | 'cost' | 'budget' | 'premium' | 'clouds'> = {
  anyOf: ['AuditLog.Read.All'],
  alsoNeeds: (state) => (state.signInsRequireDirectoryRead ? DIRECTORY_READ : undefined),
  cost: 1,
  budget: 'reports',
  premium: true,
  clouds: ['global'],
};

/** A group's members may be users, groups, devices, service principals and contacts. */
const MEMBER_TYPES = ['user', 'group', 'device', 'servicePrincipal', 'orgContact'];

/**
 * The /$count segment of the three collections the connector counts: https://learn.microsoft.com/graph/api/user-list
 * (example "Get only a count of users"), .../serviceprincipal-list, .../group-list. $filter and $search narrow the count
 * there; the emulator serves the plain count only (count.ts). RU cost undocumented: 1, as most GETs.
 */
const countRoute = (collection: 'users' | 'servicePrincipals' | 'groups', anyOf: string[]): Route => ({
  pattern: new RegExp(`^/${collection}/\\$count$`, 'i'),
  label: `GET /${collection}/$count`,
  anyOf,
  cost: 1,
  budget: 'directory',
  query: { service: 'directory', options: [] },
  handle: (r) => countCollection(r, collection),
});

const ROUTES: Route[] = [
  // Before the object routes, whose {id} would match '$count'.
  countRoute('users', USERS),
  countRoute('servicePrincipals', APPLICATIONS),
  countRoute('groups', GROUPS),
  {
    pattern: /^\/users$/i,
    label: 'GET /users',
    anyOf: USERS,
    cost: 2,
    budget: 'directory',
    query: { service: 'directory', options: DIRECTORY_LIST, select: selectable('user') },
    handle: listUsers,
  },
  {
    pattern: /^\/users\/delta(?:\(\))?$/i,
    label: 'GET /users/delta',
    anyOf: USERS,
    cost: 1,
    budget: 'directory',
    // $select may also name the manager relationship, tracked as manager@delta
    // (https://learn.microsoft.com/graph/delta-query-overview#optional-query-parameters).
    query: { service: 'directory', options: DELTA, select: selectable('user', [...ENTITY_PROPERTIES.user!, 'manager']) },
    handle: (r) => delta(r, 'users'),
  },
  {
    pattern: /^\/users\/([^/()]+)$/i,
    label: 'GET /users/{id}',
    anyOf: USERS,
    cost: 1,
    budget: 'directory',
    // https://learn.microsoft.com/graph/api/user-get#optional-query-parameters ($select and $expand; the emulator expands the manager only)
    query: { service: 'directory', options: ['$select', '$expand'], select: selectable('user') },
    handle: (r, m) => getObject(r, m[1]!, 'user'),
  },
  {
    pattern: /^\/servicePrincipals$/i,
    label: 'GET /servicePrincipals',
    anyOf: APPLICATIONS,
    keyCredentials: true,
    cost: 1,
    budget: 'directory',
    query: { service: 'directory', options: DIRECTORY_LIST, select: selectable('servicePrincipal') },
    handle: listServicePrincipals,
  },
  {
    pattern: /^\/servicePrincipals\/delta(?:\(\))?$/i,
    label: 'GET /servicePrincipals/delta',
    anyOf: APPLICATIONS,
    keyCredentials: true,
    cost: 1,
    budget: 'directory',
    query: { service: 'directory', options: DELTA, select: selectable('servicePrincipal') },
    handle: (r) => delta(r, 'servicePrincipals'),
  },
  {
    pattern: /^\/servicePrincipals\/([^/()]+)$/i,
    label: 'GET /servicePrincipals/{id}',
    anyOf: APPLICATIONS,
    keyCredentials: true,
    cost: 1,
    budget: 'directory',
    // https://learn.microsoft.com/graph/api/serviceprincipal-get#optional-query-parameters ($select and $expand; the emulator serves $select)
    query: { service: 'directory', options: ['$select'], select: selectable('servicePrincipal') },
    handle: (r, m) => getObject(r, m[1]!, 'servicePrincipal'),
  },
  {
    pattern: /^\/servicePrincipals\/([^/]+)\/appRoleAssignedTo$/i,
    label: 'GET /servicePrincipals/{id}/appRoleAssignedTo',
    anyOf: ['Application.Read.All', 'AppRoleAssignment.ReadWrite.All', 'Application.ReadWrite.All', ...DIRECTORY_READ],
    cost: 1,
    budget: 'directory',
    // The page documents "the OData query parameters" without a list (https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto).
    query: { service: 'directory', select: selectable('appRoleAssignment') },
    handle: (r, m) => listAppRoleAssignedTo(r, m[1]!, deletedBeforeFanout(r.state, 'servicePrincipalIds')),
  },
  {
    pattern: /^\/groups$/i,
    label: 'GET /groups',
    anyOf: GROUPS,
    cost: 1,
    budget: 'directory',
    // https://learn.microsoft.com/graph/api/group-list#optional-query-parameters
    query: { service: 'directory', options: DIRECTORY_LIST, select: selectable('group') },
    handle: listGroups,
  },
  {
    pattern: /^\/groups\/delta(?:\(\))?$/i,
    label: 'GET /groups/delta',
    anyOf: GROUPS,
    cost: 1,
    budget: 'directory',
    // $select may name `members` (the relationship), which adds members@delta: https://learn.microsoft.com/graph/api/group-delta#query-parameters
    query: { service: 'directory', options: DELTA, select: selectable('group', [...ENTITY_PROPERTIES.group!, 'members']) },
    handle: (r) => delta(r, 'groups'),
  },
  {
    pattern: /^\/groups\/([^/()]+)$/i,
    label: 'GET /groups/{id}',
    anyOf: GROUPS,
    cost: 1,
    budget: 'directory',
    // https://learn.microsoft.com/graph/api/group-get#optional-query-parameters ($select and $expand; the emulator serves $select)
    query: { service: 'directory', options: ['$select'], select: selectable('group') },
    handle: (r, m) => getObject(r, m[1]!, 'group'),
  },
  {
    pattern: /^\/groups\/([^/]+)\/members$/i,
    label: 'GET /groups/{id}/members',
    anyOf: GROUPS,
    cost: 3,
    budget: 'directory',
    // https://learn.microsoft.com/graph/api/group-list-members#optional-query-parameters
    query: {
      service: 'directory',
      options: ['$filter', '$count', '$select', '$search', '$top', '$expand', '$skiptoken'],
      select: selectableAnyOf('directoryObject', MEMBER_TYPES),
    },
    handle: (r, m) => listGroupMembers(r, m[1]!, deletedBeforeFanout(r.state, 'groupIds')),
  },
  {
    pattern: /^\/organization$/i,
    label: 'GET /organization',
    anyOf: ['Organization.Read.All', 'Organization.ReadWrite.All', ...DIRECTORY_READ],
    cost: 1,
    budget: 'directory',
    // The page documents "the OData query parameters" without a list (https://learn.microsoft.com/graph/api/organization-list).
    query: { service: 'directory', select: selectable('organization') },
    handle: getOrganization,
  },
  {
    pattern: /^\/applications$/i,
    label: 'GET /applications',
    // https://learn.microsoft.com/graph/api/application-list#permissions (Application.ReadWrite.OwnedBy reaches only owned apps: left out)
    anyOf: APPLICATIONS,
    keyCredentials: true,
    cost: 2,
    budget: 'directory',
    query: { service: 'directory', options: DIRECTORY_LIST, select: declared('application') },
    handle: listApplications,
  },
  {
    pattern: /^\/applications\/delta(?:\(\))?$/i,
    label: 'GET /applications/delta',
    // https://learn.microsoft.com/graph/api/application-delta#permissions; the RU cost is not documented: that of the list.
    anyOf: APPLICATIONS,
    keyCredentials: true,
    cost: 2,
    budget: 'directory',
    query: { service: 'directory', options: DELTA, select: declared('application') },
    handle: (r) => delta(r, 'applications'),
  },
  {
    pattern: /^\/applications\/([^/()]+)$/i,
    label: 'GET /applications/{id}',
    anyOf: APPLICATIONS,
    keyCredentials: true,
    cost: 2,
    budget: 'directory',
    // https://learn.microsoft.com/graph/api/application-get#optional-query-parameters ($select and $expand; the emulator serves $select)
    query: { service: 'directory', options: ['$select'], select: declared('application') },
    handle: (r, m) => getObject(r, m[1]!, 'application'),
  },
  {
    pattern: /^\/applications\/([^/()]+)\/owners$/i,
    label: 'GET /applications/{id}/owners',
    // https://learn.microsoft.com/graph/api/application-list-owners#permissions
    anyOf: APPLICATIONS,
    cost: 1,
    budget: 'directory',
    // The page documents "the OData query parameters" without a list; owners are users or service principals.
    query: { service: 'directory', select: selectableAnyOf('directoryObject', ['user', 'servicePrincipal']) },
    handle: (r, m) => listApplicationOwners(r, m[1]!),
  },
  {
    pattern: /^\/oauth2PermissionGrants$/i,
    label: 'GET /oauth2PermissionGrants',
    // https://learn.microsoft.com/graph/api/oauth2permissiongrant-list#permissions; DelegatedPermissionGrant.Read.All, listed on
    // no page, only with ServerOptions.delegatedPermissionGrantReadAll.
    anyOf: ['Directory.Read.All', 'DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'],
    switchedAnyOf: (state) => (state.delegatedPermissionGrantReadAll ? ['DelegatedPermissionGrant.Read.All'] : []),
    cost: 2,
    budget: 'directory',
    // "the OData query parameters" without a list: the handler refuses what the emulator lacks.
    query: { service: 'directory', select: declared('oAuth2PermissionGrant') },
    handle: listGrants,
  },
  {
    pattern: /^\/subscribedSkus$/i,
    label: 'GET /subscribedSkus',
    // https://learn.microsoft.com/graph/api/subscribedsku-list#permissions
    anyOf: ['LicenseAssignment.Read.All', ...DIRECTORY_READ, 'Organization.Read.All', 'Organization.ReadWrite.All'],
    cost: 3,
    budget: 'directory',
    // Only $select (https://learn.microsoft.com/graph/api/subscribedsku-list#optional-query-parameters).
    query: { service: 'directory', options: ['$select'], select: declared('subscribedSku') },
    handle: listSubscribedSkus,
  },
  {
    pattern: /^\/roleManagement\/directory\/roleDefinitions$/i,
    label: 'GET /roleManagement/directory/roleDefinitions',
    anyOf: ROLE_MANAGEMENT,
    cost: 1,
    budget: 'directory',
    // $filter (eq, in) on id, displayName, isBuiltIn, and $expand (https://learn.microsoft.com/graph/api/rbacapplication-list-roledefinitions).
    query: { service: 'directory', options: ['$filter', '$expand', '$skiptoken'] },
    handle: listRoleDefinitions,
  },
  {
    pattern: /^\/roleManagement\/directory\/roleAssignments$/i,
    label: 'GET /roleManagement/directory/roleAssignments',
    anyOf: ROLE_MANAGEMENT,
    // Not in the cost table (graph-more.md): the default.
    cost: 1,
    budget: 'directory',
    // $filter, $expand and $select (https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments#optional-query-parameters).
    query: { service: 'directory', options: ['$filter', '$expand', '$select', '$skiptoken'], select: declared('unifiedRoleAssignment') },
    handle: listRoleAssignments,
  },
  // AuditLog.Read.All is required (Directory.Read.All never replaces it); by default Directory.Read.All is required
  // too, per the page's documented known issue (ServerOptions.signInsRequireDirectoryRead: false drops that).
  // https://learn.microsoft.com/graph/api/signin-list#permissions
  // The same page's national-cloud table lists the global cloud only (ServerOptions.signInsInNationalClouds: true serves the
  // cloud-limited routes everywhere).
  {
    pattern: /^\/auditLogs\/signIns$/i,
    label: 'GET /auditLogs/signIns',
    ...SIGN_IN_LOGS,
    // Only $top, $skiptoken and $filter (https://learn.microsoft.com/graph/api/signin-list#optional-query-parameters): no $select.
    query: { service: 'reports', options: ['$top', '$skiptoken', '$filter'] },
    handle: listSignIns,
  },
  // The list page names AuditLog.Read.All and Directory.Read.All together as least privileged: both required by default
  // (ServerOptions.directoryAuditsRequireDirectoryRead: false drops the second); no licence. National clouds: global and
  // US Government L4, L5, not China. Same reports budget as signIns. https://learn.microsoft.com/graph/api/directoryaudit-list
  {
    pattern: /^\/auditLogs\/directoryAudits$/i,
    label: 'GET /auditLogs/directoryAudits',
    anyOf: ['AuditLog.Read.All'],
    alsoNeeds: (state) => (state.directoryAuditsRequireDirectoryRead ? DIRECTORY_READ : undefined),
    cost: 1,
    budget: 'reports',
    clouds: ['global', 'us_government_l4', 'us_government_l5'],
    // $filter (eq, ge, le, startswith), $top, $orderby and skiptoken (https://learn.microsoft.com/graph/api/directoryaudit-list#optional-query-parameters).
    query: { service: 'reports', options: ['$filter', '$top', '$orderby', '$skiptoken'] },
    handle: listDirectoryAudits,
  },
];

/**
 * Beta: the emulator serves signIns only (the other event types exist there alone), with v1.0's permissions, licence and
 * clouds. Query options as documented for beta: $top, $skiptoken, $filter (https://learn.microsoft.com/graph/api/signin-list?view=graph-rest-beta).
 */
const BETA_ROUTES: Route[] = [
  {
    pattern: /^\/auditLogs\/signIns$/i,
    label: 'GET /beta/auditLogs/signIns',
    ...SIGN_IN_LOGS,
    query: { service: 'reports', options: ['$top', '$skiptoken', '$filter'] },
    handle: listBetaSignIns,
  },
];

function deletedBeforeFanout(state: EmulatorState, kind: 'servicePrincipalIds' | 'groupIds'): Set<string> {
  return state.faults.deleted(kind, () => {
    const { tenant } = state;
    if (kind === 'servicePrincipalIds') return [...tenant.assignments].find(([, list]) => list.length > 0)?.[0];
    for (const list of tenant.assignments.values()) {
      const group = list.find((a) => a.principalType === 'Group');
      if (group) return String(group.principalId);
    }
    return undefined;
  });
}

const premiumDenied = () =>
  graphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', "Neither tenant is B2C or tenant doesn't have premium license");
const forbidden = () => graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

/**
 * A route the caller's cloud lacks is a segment that does not exist there: 400 BadRequest "Resource not found for
 * the segment 'signIns'" as China tenants get (https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/3189),
 * or a 404 (ServerOptions.signInsNationalCloudStatus), reported too; the 404 uses the code Graph gives missing objects.
 */
function notInThisCloud(state: EmulatorState, path: string): Reply {
  const segment = path.split('/').filter(Boolean).at(-1) ?? '';
  return state.signInsNationalCloudStatus === 404
    ? graphError(404, 'Request_ResourceNotFound', `Resource not found for the segment '${segment}'.`)
    : graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

const FAULT_CODES: Record<number, string> = {
  403: 'Authorization_RequestDenied',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/**
 * Answers one Graph GET (relative to the `version` root). `labelPrefix` is '' for direct requests and 'batch ' for batch items.
 * Order: route, the caller's cloud, faults, permission, licence, throttling, handler (throttled and refused requests are still counted).
 */
export function dispatchGet(
  state: EmulatorState,
  relative: string,
  caller: Caller,
  labelPrefix: string,
  version: 'v1.0' | 'beta' = 'v1.0',
  headers: Readonly<Record<string, string>> = {},
): Reply {
  const url = new URL(relative, 'https://graph.invalid/');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const target = `/${version}${path}${url.search}`;
  const route = (version === 'beta' ? BETA_ROUTES : ROUTES).find((r) => r.pattern.test(path));
  if (!route) {
    state.metrics.count(`${labelPrefix}GET (unsupported)`);
    return graphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').filter(Boolean)[0] ?? ''}'.`);
  }
  state.metrics.count(`${labelPrefix}${route.label}`);
  if (route.clouds && !route.clouds.includes(caller.cloud) && !state.signInsInNationalClouds) return notInThisCloud(state, path);
  const fault = state.faults.answer(target);
  if (fault) {
    const retry: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
    if (fault.kind === 'throttle') {
      state.metrics.throttled += 1;
      return tooManyRequests({ 'retry-after': String(fault.retryAfterSeconds ?? 1) });
    }
    if (fault.code) return graphError(fault.status, fault.code, `The request was refused with ${fault.code} (injected fault).`, retry);
    return graphError(
      fault.status,
      FAULT_CODES[fault.status] ?? 'InternalServerError',
      'The service is temporarily unavailable (injected fault).',
      retry,
    );
  }
  const anyOf = route.switchedAnyOf ? [...route.anyOf, ...route.switchedAnyOf(state)] : route.anyOf;
  if (!anyOf.some((p) => caller.roles.has(p))) return forbidden();
  const alsoNeeded = route.alsoNeeds?.(state);
  if (alsoNeeded && !alsoNeeded.some((p) => caller.roles.has(p))) return forbidden();
  const params = url.searchParams;
  const extensions = route.query.select?.type === 'microsoft.graph.user' ? state.directory.userExtensions : undefined;
  const refused = queryProblem(route.query, params, extensions);
  if (refused) return refused;
  let budget = route.budget;
  if (route.label === 'GET /users' && selectsSignInActivity(params)) {
    // signInActivity needs a P1/P2 licence and AuditLog.Read.All besides the users permission.
    if (!state.premium) return premiumDenied();
    if (!caller.roles.has('AuditLog.Read.All')) return forbidden();
    budget = 'signInActivity';
  }
  if (route.keyCredentials) {
    // The $select of the request, or the one its delta token carries; none means the default properties, keyCredentials among them.
    const select = deltaSelect(params);
    if (select === null || select?.some((s) => s.toLowerCase() === 'keycredentials')) budget = 'keyCredentials';
  }
  if (route.premium && !state.premium) return premiumDenied();
  const cost = budget === 'reports' ? 1 : ruCost(route.cost, params);
  const outcome = state.throttler.charge(budget, cost);
  state.metrics.resourceUnits += cost;
  if (!outcome.allowed) {
    state.metrics.throttled += 1;
    return tooManyRequests(outcome.headers);
  }
  const match = route.pattern.exec(path)!;
  const selfUrl = `${state.url}/${version}${path}${url.search}`;
  const reply = route.handle({ state, path, version, params, caller, loop: state.faults.loops(target), selfUrl, headers }, match);
  Object.assign(reply.headers, outcome.headers);
  return reply;
}
