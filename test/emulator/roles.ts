// Directory roles: GET /roleManagement/directory/roleDefinitions and /roleAssignments ($filter, $expand=principal).
// https://learn.microsoft.com/graph/api/rbacapplication-list-roledefinitions ; https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments
import { type GraphRequest, offsetPage, PAGE, READ_FULL } from './collections.js';
import { jsonBytes, readSelect } from './paging.js';
import { ODATA_TYPE, project, projection } from './project.js';
import { USER_DEFAULT_PROPERTIES } from './properties.js';
import { graphError, type Reply } from './reply.js';
import type { GraphObject } from './types.js';

/** `property eq 'value'` (or eq true/false), the one filter form the emulator implements on these lists. */
function readEquality(filter: string, properties: readonly string[]): { property: string; value: string } | Reply {
  const match = /^\s*(\w+)\s+eq\s+(?:'([^']*)'|(true|false))\s*$/i.exec(filter);
  const property = properties.find((p) => p.toLowerCase() === match?.[1]?.toLowerCase());
  if (!match || !property)
    return graphError(400, 'Request_UnsupportedQuery', `The emulator supports only "<${properties.join('|')}> eq '<value>'" here.`);
  return { property, value: match[2] ?? match[3]!.toLowerCase() };
}

const matches = (object: GraphObject, { property, value }: { property: string; value: string }) =>
  String(object[property] ?? '').toLowerCase() === value.toLowerCase();

const refuse = (req: GraphRequest, options: string[], where: string): Reply | undefined => {
  const option = options.find((o) => req.params.has(o));
  return option ? graphError(400, 'Request_UnsupportedQuery', `The emulator does not support ${option} on ${where}.`) : undefined;
};

/** GET /roleManagement/directory/roleDefinitions: built-in and custom; $filter eq on id, displayName, isBuiltIn. */
export function listRoleDefinitions(req: GraphRequest): Reply {
  const refused = refuse(req, ['$expand'], 'roleDefinitions');
  if (refused) return refused;
  let items = req.state.tenant.roleDefinitions ?? [];
  const filter = req.params.get('$filter');
  if (filter !== null) {
    const equality = readEquality(filter, ['id', 'displayName', 'isBuiltIn']);
    if ('status' in equality) return equality;
    items = items.filter((d) => matches(d, equality));
  }
  const spec = {
    entitySet: 'roleManagement/directory/roleDefinitions',
    entity: 'unifiedRoleDefinition',
    linkPath: '/roleManagement/directory/roleDefinitions',
    defaultTop: PAGE.directoryDefault,
    maxTop: PAGE.directoryMax,
  };
  return offsetPage(req, items, spec, (o) => jsonBytes(o));
}

/** The expanded principal as the caller may see it: users' default properties, other objects whole; id only when not allowed. */
function principalJson(req: GraphRequest, principalId: string): Record<string, unknown> | null {
  const entry = req.state.directory.byId.get(principalId);
  if (!entry) return null;
  const type = ODATA_TYPE[entry.kind];
  const roles = req.caller.roles;
  const allowed =
    !req.state.rolePrincipalNamesNeedReadPermission ||
    roles.has('Directory.Read.All') ||
    roles.has('Directory.ReadWrite.All') ||
    (READ_FULL[entry.kind] ?? []).some((r) => roles.has(r));
  if (!allowed) return { '@odata.type': type, id: entry.object.id };
  return project(entry.object, entry.kind === 'user' ? [...USER_DEFAULT_PROPERTIES] : undefined, type);
}

/**
 * GET /roleManagement/directory/roleAssignments: the assignments whose principal exists; $filter eq on roleDefinitionId or
 * principalId; $expand=principal. With ServerOptions.roleAssignmentsRequireFilter, a list without $filter is a 400, as early
 * beta answered (https://github.com/microsoftgraph/microsoft-graph-docs/issues/12453).
 */
export function listRoleAssignments(req: GraphRequest): Reply {
  const refused = refuse(req, ['$top', '$orderby', '$count', '$search', '$skip'], 'roleAssignments');
  if (refused) return refused;
  const { directory, tenant } = req.state;
  let items = (tenant.roleAssignments ?? []).filter((a) => directory.byId.has(String(a.principalId)));
  const filter = req.params.get('$filter');
  if (filter === null && req.state.roleAssignmentsRequireFilter) {
    return graphError(
      400,
      'BadRequest',
      'A $filter is required on roleManagement/directory/roleAssignments: filter on roleDefinitionId or principalId.',
    );
  }
  if (filter !== null) {
    const equality = readEquality(filter, ['roleDefinitionId', 'principalId']);
    if ('status' in equality) return equality;
    items = items.filter((a) => matches(a, equality));
  }
  const expand = req.params.get('$expand');
  if (expand !== null && expand.trim().toLowerCase() !== 'principal')
    return graphError(400, 'Request_UnsupportedQuery', `The emulator expands only principal on roleAssignments (got ${expand}).`);
  const fields = projection('unifiedRoleAssignment', readSelect(req.params));
  const spec = {
    entitySet: 'roleManagement/directory/roleAssignments',
    entity: 'unifiedRoleAssignment',
    linkPath: '/roleManagement/directory/roleAssignments',
    defaultTop: PAGE.directoryDefault,
    maxTop: PAGE.directoryMax,
  };
  return offsetPage(req, items, spec, (o) =>
    jsonBytes(expand === null ? project(o, fields) : { ...project(o, fields), principal: principalJson(req, String(o.principalId)) }),
  );
}
