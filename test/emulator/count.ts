// GET /{collection}/$count: the collection's size as a text/plain number, served only with ConsistencyLevel: eventual, as Graph does.
// https://learn.microsoft.com/graph/aad-advanced-queries#query-scenarios-that-require-advanced-query-capabilities
import type { GraphRequest } from './collections.js';
import { graphError, type Reply } from './reply.js';

/**
 * The /$count segment is an advanced query: without `ConsistencyLevel: eventual` Graph answers 400 Request_BadRequest
 * "$count is not currently supported." (../shared/reference/graph-more.md). The count is of the directory as it is now
 * (the emulator's index never lags).
 */
export function countCollection(req: GraphRequest, collection: 'users' | 'servicePrincipals' | 'groups'): Reply {
  if (req.headers.consistencylevel?.trim().toLowerCase() !== 'eventual') {
    return graphError(400, 'Request_BadRequest', '$count is not currently supported.');
  }
  const count = req.state.directory[collection].items.length;
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(String(count)), records: 0 };
}
