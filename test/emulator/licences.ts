// Licences bought: GET /subscribedSkus, one page (only $select is supported; no paging is documented).
// https://learn.microsoft.com/graph/api/subscribedsku-list
import type { GraphRequest } from './collections.js';
import { jsonBytes, pageJson, readSelect } from './paging.js';
import { project, projection } from './project.js';
import { type Reply, rawJsonReply } from './reply.js';

export function listSubscribedSkus(req: GraphRequest): Reply {
  const select = readSelect(req.params);
  const fields = projection('subscribedSku', select);
  const skus = req.state.tenant.subscribedSkus ?? [];
  const context = `${req.state.url}/v1.0/$metadata#subscribedSkus${select ? `(${select.join(',')})` : ''}`;
  return rawJsonReply(
    200,
    pageJson(
      context,
      skus.map((sku) => jsonBytes(project(sku, fields))),
    ),
    {},
    skus.length,
  );
}
