// Single directory objects by id: GET /users/{id} (with $select and $expand=manager), /servicePrincipals/{id}, /groups/{id} and /applications/{id} (with $select): what the connector re-reads partial delta entries with.
// https://learn.microsoft.com/graph/api/user-get ; https://learn.microsoft.com/graph/api/serviceprincipal-get ; https://learn.microsoft.com/graph/api/group-get ; https://learn.microsoft.com/graph/api/application-get
import type { GraphRequest } from './collections.js';
import { readManagerExpand, withManager } from './managers.js';
import { isReply, jsonBytes, readSelect } from './paging.js';
import { project, projectionIn } from './project.js';
import { graphError, type Reply, rawJsonReply } from './reply.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTITY_SET = { user: 'users', servicePrincipal: 'servicePrincipals', group: 'groups', application: 'applications' } as const;

/**
 * One object of `kind` by its id: 400 Request_BadRequest for an id that is not a GUID (the emulator does not look
 * users up by userPrincipalName), 404 Request_ResourceNotFound when no such object exists (deleted, or of another
 * kind). Only $select is accepted, and on users $expand=manager, as the connector sends nothing else.
 */
export function getObject(req: GraphRequest, id: string, kind: keyof typeof ENTITY_SET): Reply {
  const accepted = kind === 'user' ? ['$select', '$expand'] : ['$select'];
  const others = [...req.params.keys()].filter((k) => !accepted.includes(k.toLowerCase()));
  if (others.length)
    return graphError(400, 'Request_BadRequest', `The emulator supports only $select on a single ${kind} (got ${others.join(', ')}).`);
  if (!GUID.test(id)) return graphError(400, 'Request_BadRequest', `Invalid object identifier '${id}'.`);
  const entry = req.state.directory.byId.get(id);
  if (!entry || entry.kind !== kind) {
    return graphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  const expansion = readManagerExpand(req.params);
  if (isReply(expansion)) return expansion;
  const select = readSelect(req.params);
  const context = `${req.state.url}/v1.0/$metadata#${ENTITY_SET[kind]}${select ? `(${select.join(',')})` : ''}/$entity`;
  const record = project(entry.object, projectionIn(req.state.directory, kind, select));
  const body = { '@odata.context': context, ...withManager(req.state, id, record, expansion) };
  return rawJsonReply(200, jsonBytes(body), {}, 1);
}
