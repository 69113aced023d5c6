// App registrations: GET /applications (with $expand=owners, capped as Graph caps it) and GET /applications/{id}/owners.
// https://learn.microsoft.com/graph/api/application-list ; https://learn.microsoft.com/graph/api/application-list-owners
import { type GraphRequest, notFound, offsetPage, PAGE, sortedPage } from './collections.js';
import { jsonBytes, readSelect } from './paging.js';
import { ODATA_TYPE, project, projection } from './project.js';
import { queryProblem, selectableAnyOf } from './query.js';
import { graphError, type Reply } from './reply.js';
import type { GraphObject } from './types.js';

/** "$expand ... returns at most 20 related items" for directory objects (https://learn.microsoft.com/graph/query-parameters#expand). */
export const EXPAND_CAP = 20;
/** With $expand, directory lists page at most 100 objects even with $top=999 (known issue 13635): served that way, silently. */
export const EXPANDED_PAGE_CAP = 100;
/** Owners are users or service principals. */
const OWNER_TYPES = ['user', 'servicePrincipal'];
const OWNER_SELECT = { service: 'directory' as const, select: selectableAnyOf('directoryObject', OWNER_TYPES) };

/** The application's owners that still exist, as directory objects, in Graph's order. */
function ownersOf(req: GraphRequest, applicationId: string): { kind: string; object: GraphObject }[] {
  const { directory, tenant } = req.state;
  return (tenant.applicationOwners?.get(applicationId) ?? []).flatMap((id) => directory.byId.get(id) ?? []);
}

const ownerJson = (owner: { kind: string; object: GraphObject }, select: string[] | undefined) =>
  project(owner.object, projection(owner.kind, select), ODATA_TYPE[owner.kind as keyof typeof ODATA_TYPE]);

/** $expand=owners or owners($select=...): the nested select, or a refusal for anything else. */
function readExpand(value: string): { select?: string[] } | Reply {
  const match = /^\s*owners\s*(?:\(\s*\$select\s*=\s*([^)]*)\))?\s*$/i.exec(value);
  if (!match) return graphError(400, 'Request_UnsupportedQuery', `The emulator expands only owners on applications (got ${value}).`);
  if (match[1] === undefined) return {};
  const select = match[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const refused = queryProblem(OWNER_SELECT, new URLSearchParams({ $select: select.join(',') }));
  return refused ?? { select };
}

/** GET /applications: in id order; $expand=owners attaches at most 20 owners each and pages at most 100 applications. */
export function listApplications(req: GraphRequest): Reply {
  for (const option of ['$filter', '$search', '$orderby', '$count', '$skip']) {
    if (req.params.has(option))
      return graphError(400, 'Request_UnsupportedQuery', `The emulator does not support ${option} on applications.`);
  }
  const spec = {
    entitySet: 'applications',
    entity: 'application',
    linkPath: '/applications',
    defaultTop: PAGE.directoryDefault,
    maxTop: PAGE.directoryMax,
  };
  const expandValue = req.params.get('$expand');
  if (expandValue === null) return sortedPage(req, req.state.directory.applications, spec, 'applications');
  const expand = readExpand(expandValue);
  if ('status' in expand) return expand;
  const fields = projection('application', readSelect(req.params));
  const render = (app: GraphObject) => ({
    ...project(app, fields),
    owners: ownersOf(req, app.id)
      .slice(0, EXPAND_CAP)
      .map((o) => ownerJson(o, expand.select)),
  });
  return sortedPage(req, req.state.directory.applications, { ...spec, cap: EXPANDED_PAGE_CAP }, 'applications', render);
}

/** GET /applications/{id}/owners: every owner, 100 per page by default, up to 999. */
export function listApplicationOwners(req: GraphRequest, id: string): Reply {
  const entry = req.state.directory.byId.get(id);
  if (entry?.kind !== 'application') return notFound(id);
  const select = readSelect(req.params);
  const owners = ownersOf(req, id);
  const spec = {
    entitySet: 'directoryObjects',
    entity: 'directoryObject',
    linkPath: `/applications/${id}/owners`,
    defaultTop: PAGE.directoryDefault,
    maxTop: PAGE.directoryMax,
  };
  const kinds = new Map(owners.map((o) => [o.object.id, o.kind]));
  return offsetPage(
    req,
    owners.map((o) => o.object),
    spec,
    (o) => jsonBytes(ownerJson({ kind: kinds.get(o.id)!, object: o }, select)),
  );
}
