// Delegated permission grants: GET /oauth2PermissionGrants, served in Graph's default pages.
// https://learn.microsoft.com/graph/api/oauth2permissiongrant-list
import { type GraphRequest, offsetPage, PAGE } from './collections.js';
import { jsonBytes, readSelect } from './paging.js';
import { project, projection } from './project.js';
import { graphError, type Reply } from './reply.js';

/**
 * The page documents "the OData query parameters" without a page size: the emulator serves 100 per page and refuses
 * $top (no documented maximum to hold it to) and what it does not implement ($filter, $expand, $orderby, $count, $search).
 */
export function listGrants(req: GraphRequest): Reply {
  for (const option of ['$top', '$filter', '$expand', '$orderby', '$count', '$search', '$skip']) {
    if (req.params.has(option))
      return graphError(400, 'Request_UnsupportedQuery', `The emulator does not support ${option} on oauth2PermissionGrants.`);
  }
  const fields = projection('oAuth2PermissionGrant', readSelect(req.params));
  const spec = {
    entitySet: 'oauth2PermissionGrants',
    entity: 'oAuth2PermissionGrant',
    linkPath: '/oauth2PermissionGrants',
    defaultTop: PAGE.directoryDefault,
    maxTop: PAGE.directoryMax,
  };
  return offsetPage(req, req.state.tenant.oauth2PermissionGrants ?? [], spec, (o) => jsonBytes(project(o, fields)));
}
