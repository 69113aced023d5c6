// The query options Microsoft documents for each Graph endpoint the connector calls (v1.0, and beta's signIns; $select types, $top maxima): what the request-log test holds every request to.
// A stream that calls a new endpoint adds its row here, with the page that documents it.
import { ENTITY_PROPERTIES } from '../emulator/properties.js';
import { DECLARED_PROPERTIES } from '../emulator/properties-declared.js';

export interface DocumentedEndpoint {
  /** e.g. 'GET /users' */
  label: string;
  method: 'GET' | 'POST';
  /** The version root (default v1.0). */
  version?: 'v1.0' | 'beta';
  /** The path after the version root (case-insensitive: Graph's own nextLinks change the case of some paths). */
  pattern: RegExp;
  /** The documented query options, lower-case with `$`, paging tokens included. */
  options: readonly string[];
  /** Entity types whose properties $select may name (a name must exist on one of them); absent: no $select. */
  selectTypes?: readonly string[];
  /** Other names $select may carry here: relationships the endpoint documents in $select (users delta: manager). */
  selectAlso?: readonly string[];
  /** $select may name directory extension attributes (extension_<appId without hyphens>_<name>) of the type. */
  selectsExtensions?: boolean;
  /** The documented largest $top for this request's query; absent: $top is not documented here. */
  maxTop?: (query: ReadonlyMap<string, string>) => number;
  /** Delta: the first call carries the options, a $skiptoken / $deltatoken call nothing else (the tokens encode them). */
  tokensAlone?: boolean;
  /** Microsoft's page for the options (and the maximum). */
  source: string;
}

const DIRECTORY_LIST = ['$count', '$expand', '$filter', '$orderby', '$search', '$select', '$top', '$skiptoken'];
const DELTA = ['$select', '$filter', '$skiptoken', '$deltatoken'];
const selectsSignInActivity = (query: ReadonlyMap<string, string>) =>
  (query.get('$select') ?? '').split(',').some((name) => name.trim() === 'signInActivity');

/**
 * GET /{collection}/$count: a text/plain number, only with the header ConsistencyLevel: eventual (the emulator answers 400 without
 * it, as Graph does, so a request without it fails the runs' status check). $filter and $search may narrow it; the connector sends none.
 */
const countOf = (collection: string, source: string): DocumentedEndpoint => ({
  label: `GET /${collection}/$count`,
  method: 'GET',
  pattern: new RegExp(`^/${collection}/\\$count$`, 'i'),
  options: ['$filter', '$search'],
  source,
});

export const DOCUMENTED_ENDPOINTS: readonly DocumentedEndpoint[] = [
  // Before the object rows, whose {id} would match '$count'.
  countOf('users', 'https://learn.microsoft.com/graph/api/user-list#optional-query-parameters'),
  countOf('servicePrincipals', 'https://learn.microsoft.com/graph/api/serviceprincipal-list#optional-query-parameters'),
  countOf('groups', 'https://learn.microsoft.com/graph/api/group-list#optional-query-parameters'),
  {
    label: 'GET /users',
    method: 'GET',
    pattern: /^\/users$/i,
    options: DIRECTORY_LIST,
    selectTypes: ['user'],
    // "Directory extensions ... are returned only with $select" (https://learn.microsoft.com/graph/api/user-list#optional-query-parameters).
    selectsExtensions: true,
    // 999, and 500 with signInActivity (https://learn.microsoft.com/graph/api/resources/signinactivity).
    maxTop: (query) => (selectsSignInActivity(query) ? 500 : 999),
    source: 'https://learn.microsoft.com/graph/api/user-list#optional-query-parameters',
  },
  {
    label: 'GET /users/delta',
    method: 'GET',
    pattern: /^\/users\/delta(\(\))?$/i,
    // No $top, $orderby or $expand for users: https://learn.microsoft.com/graph/delta-query-overview#optional-query-parameters
    options: DELTA,
    selectTypes: ['user'],
    // "$select also supports manager ... Selecting those properties allows tracking of changes to user's manager" (same page).
    selectAlso: ['manager'],
    selectsExtensions: true,
    tokensAlone: true,
    source: 'https://learn.microsoft.com/graph/api/user-delta#query-parameters',
  },
  {
    label: 'GET /servicePrincipals',
    method: 'GET',
    pattern: /^\/servicePrincipals$/i,
    options: DIRECTORY_LIST,
    selectTypes: ['servicePrincipal'],
    maxTop: () => 999,
    source: 'https://learn.microsoft.com/graph/api/serviceprincipal-list#optional-query-parameters',
  },
  {
    label: 'GET /servicePrincipals/delta',
    method: 'GET',
    pattern: /^\/servicePrincipals\/delta(\(\))?$/i,
    options: DELTA,
    selectTypes: ['servicePrincipal'],
    tokensAlone: true,
    source: 'https://learn.microsoft.com/graph/api/serviceprincipal-delta#query-parameters',
  },
  {
    // Re-reads of changed objects that a delta page returned without every selected property (streams/delta.ts).
    label: 'GET /users/{id}',
    method: 'GET',
    pattern: /^\/users\/(?!delta(\(\))?$)[^/()]+$/i,
    options: ['$select', '$expand'],
    selectTypes: ['user'],
    selectsExtensions: true,
    source: 'https://learn.microsoft.com/graph/api/user-get#optional-query-parameters',
  },
  {
    label: 'GET /servicePrincipals/{id}',
    method: 'GET',
    pattern: /^\/servicePrincipals\/(?!delta(\(\))?$)[^/()]+$/i,
    options: ['$select', '$expand'],
    selectTypes: ['servicePrincipal'],
    source: 'https://learn.microsoft.com/graph/api/serviceprincipal-get#optional-query-parameters',
  },
  {
    label: 'GET /servicePrincipals/{id}/appRoleAssignedTo',
    method: 'GET',
    pattern: /^\/servicePrincipals\/[^/]+\/appRoleAssignedTo$/i,
    // The page documents "the OData query parameters" without a list: those of a directory relationship.
    options: ['$count', '$expand', '$filter', '$orderby', '$select', '$top', '$skiptoken'],
    selectTypes: ['appRoleAssignment'],
    maxTop: () => 999,
    source: 'https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto#optional-query-parameters',
  },
  {
    label: 'GET /groups/{id}/members',
    method: 'GET',
    pattern: /^\/groups\/[^/]+\/members$/i,
    options: ['$count', '$expand', '$filter', '$search', '$select', '$top', '$skiptoken'],
    // Members are directoryObjects of any of these types.
    selectTypes: ['user', 'group', 'device', 'servicePrincipal', 'orgContact'],
    maxTop: () => 999,
    source: 'https://learn.microsoft.com/graph/api/group-list-members#optional-query-parameters',
  },
  {
    label: 'GET /groups',
    method: 'GET',
    pattern: /^\/groups$/i,
    options: DIRECTORY_LIST,
    selectTypes: ['group'],
    maxTop: () => 999,
    source: 'https://learn.microsoft.com/graph/api/group-list#optional-query-parameters',
  },
  {
    label: 'GET /groups/delta',
    method: 'GET',
    pattern: /^\/groups\/delta(\(\))?$/i,
    // $select (members included, which the connector never selects) and $filter on id; no $top: https://learn.microsoft.com/graph/api/group-delta#query-parameters
    options: DELTA,
    selectTypes: ['group'],
    tokensAlone: true,
    source: 'https://learn.microsoft.com/graph/api/group-delta#query-parameters',
  },
  {
    // Re-reads of changed groups that a delta page returned without every selected property (streams/delta.ts).
    label: 'GET /groups/{id}',
    method: 'GET',
    pattern: /^\/groups\/(?!delta(\(\))?$)[^/()]+$/i,
    options: ['$select', '$expand'],
    selectTypes: ['group'],
    source: 'https://learn.microsoft.com/graph/api/group-get#optional-query-parameters',
  },
  {
    label: 'GET /organization',
    method: 'GET',
    pattern: /^\/organization$/i,
    // One object: $select is all the connector may need (https://learn.microsoft.com/graph/api/organization-get).
    options: ['$select'],
    selectTypes: ['organization'],
    source: 'https://learn.microsoft.com/graph/api/organization-list#optional-query-parameters',
  },
  {
    label: 'GET /applications',
    method: 'GET',
    pattern: /^\/applications$/i,
    options: DIRECTORY_LIST,
    selectTypes: ['application'],
    // 999; with $expand directory collections come in pages of 100 (https://learn.microsoft.com/graph/known-issues).
    maxTop: (query) => (query.has('$expand') ? 100 : 999),
    source: 'https://learn.microsoft.com/graph/api/application-list#optional-query-parameters',
  },
  {
    label: 'GET /applications/delta',
    method: 'GET',
    pattern: /^\/applications\/delta(\(\))?$/i,
    options: DELTA,
    selectTypes: ['application'],
    tokensAlone: true,
    source: 'https://learn.microsoft.com/graph/api/application-delta#query-parameters',
  },
  {
    // Re-reads of changed registrations that a delta page returned without every selected property (streams/delta.ts).
    label: 'GET /applications/{id}',
    method: 'GET',
    pattern: /^\/applications\/(?!delta(\(\))?$)[^/()]+$/i,
    options: ['$select', '$expand'],
    selectTypes: ['application'],
    source: 'https://learn.microsoft.com/graph/api/application-get#optional-query-parameters',
  },
  {
    // Owners of a registration whose expansion may have been cut at 20 (streams/applications/owners.ts).
    label: 'GET /applications/{id}/owners',
    method: 'GET',
    pattern: /^\/applications\/[^/]+\/owners$/i,
    // The page documents "the OData query parameters" without a list: those of a directory relationship.
    options: ['$count', '$expand', '$filter', '$orderby', '$search', '$select', '$top', '$skiptoken'],
    selectTypes: ['user', 'servicePrincipal'],
    maxTop: () => 999,
    source: 'https://learn.microsoft.com/graph/api/application-list-owners#optional-query-parameters',
  },
  {
    label: 'GET /oauth2PermissionGrants',
    method: 'GET',
    pattern: /^\/oauth2PermissionGrants$/i,
    // "the OData query parameters" without a list; $top is not documented for this list.
    options: ['$filter', '$select', '$skiptoken'],
    selectTypes: ['oAuth2PermissionGrant'],
    source: 'https://learn.microsoft.com/graph/api/oauth2permissiongrant-list#optional-query-parameters',
  },
  {
    label: 'GET /subscribedSkus',
    method: 'GET',
    pattern: /^\/subscribedSkus$/i,
    options: ['$select'],
    selectTypes: ['subscribedSku'],
    source: 'https://learn.microsoft.com/graph/api/subscribedsku-list#optional-query-parameters',
  },
  {
    label: 'GET /roleManagement/directory/roleDefinitions',
    method: 'GET',
    pattern: /^\/roleManagement\/directory\/roleDefinitions$/i,
    options: ['$filter', '$expand', '$skiptoken'],
    source: 'https://learn.microsoft.com/graph/api/rbacapplication-list-roledefinitions#optional-query-parameters',
  },
  {
    label: 'GET /roleManagement/directory/roleAssignments',
    method: 'GET',
    pattern: /^\/roleManagement\/directory\/roleAssignments$/i,
    options: ['$filter', '$expand', '$select', '$skiptoken'],
    selectTypes: ['unifiedRoleAssignment'],
    source: 'https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments#optional-query-parameters',
  },
  {
    label: 'GET /auditLogs/signIns',
    method: 'GET',
    pattern: /^\/auditLogs\/signIns$/i,
    options: ['$filter', '$top', '$skiptoken'],
    maxTop: () => 1000,
    source: 'https://learn.microsoft.com/graph/api/signin-list#optional-query-parameters',
  },
  {
    label: 'GET /auditLogs/directoryAudits',
    method: 'GET',
    pattern: /^\/auditLogs\/directoryAudits$/i,
    options: ['$filter', '$top', '$orderby', '$skiptoken'],
    // Undocumented maximum: 999 is the most Microsoft's Entra PowerShell module asks for (the connector's page size).
    maxTop: () => 999,
    source: 'https://learn.microsoft.com/graph/api/directoryaudit-list#optional-query-parameters',
  },
  {
    // sign_in_event_types beyond interactiveUser: beta is where the other event types are.
    label: 'GET /beta/auditLogs/signIns',
    method: 'GET',
    version: 'beta',
    pattern: /^\/auditLogs\/signIns$/i,
    options: ['$filter', '$top', '$skiptoken'],
    maxTop: () => 1000,
    source: 'https://learn.microsoft.com/graph/api/signin-list?view=graph-rest-beta#optional-query-parameters',
  },
  {
    label: 'POST /$batch',
    method: 'POST',
    pattern: /^\/\$batch$/i,
    options: [],
    source: 'https://learn.microsoft.com/graph/json-batching',
  },
];

/** The documented endpoint a request is for, or undefined. */
export function documentedEndpoint(method: string, path: string, version = 'v1.0'): DocumentedEndpoint | undefined {
  return DOCUMENTED_ENDPOINTS.find((e) => e.method === method.toUpperCase() && (e.version ?? 'v1.0') === version && e.pattern.test(path));
}

/** Everything about one request's query that Microsoft does not document for its endpoint (empty when it is valid). */
export function queryViolations(request: {
  method: string;
  path: string;
  version?: string;
  query: readonly (readonly [string, string])[];
}): string[] {
  const endpoint = documentedEndpoint(request.method, request.path, request.version);
  if (!endpoint)
    return [`${request.method} ${request.version === 'beta' ? '/beta' : ''}${request.path} is not an endpoint in the documented table`];
  const problems: string[] = [];
  const query = new Map<string, string>();
  for (const [name, value] of request.query) {
    if (query.has(name)) problems.push(`${name} appears twice`);
    query.set(name, value);
    if (!name.startsWith('$')) problems.push(`${name} is not an OData query option`);
    else if (!endpoint.options.includes(name)) problems.push(`${name} is not documented for ${endpoint.label} (${endpoint.source})`);
  }
  if (endpoint.tokensAlone && (query.has('$skiptoken') || query.has('$deltatoken')) && query.size > 1) {
    problems.push(`a delta token request carries other options: ${[...query.keys()].join(', ')}`);
  }
  const select = query.get('$select');
  if (select !== undefined) {
    for (const name of select.split(',')) {
      const extension = endpoint.selectsExtensions === true && /^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/i.test(name);
      const known = endpoint.selectTypes?.some((type) => (ENTITY_PROPERTIES[type] ?? DECLARED_PROPERTIES[type])?.has(name));
      if (!extension && !endpoint.selectAlso?.includes(name) && !known) {
        problems.push(`$select=${name}: no such property on ${endpoint.selectTypes?.join(' or ') ?? endpoint.label}`);
      }
    }
  }
  const top = query.get('$top');
  if (top !== undefined) {
    const max = endpoint.maxTop?.(query);
    if (max === undefined) problems.push(`$top is not documented for ${endpoint.label}`);
    else if (!/^\d+$/.test(top) || Number(top) < 1 || Number(top) > max)
      problems.push(`$top=${top} is outside 1-${max} for ${endpoint.label}`);
  }
  return problems;
}
