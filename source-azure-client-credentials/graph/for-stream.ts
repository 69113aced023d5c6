// A stream's view of the one Graph client: the same client, with the read's listener of long waits attached to every request.
import type { GraphClient, RateLimitListener } from './types.js';

/**
 * The client as one stream's read uses it: every request carries `listener`, so a long wait is reported for
 * that stream, and no callback is left behind on the shared client when the read ends. Works over any
 * GraphClient (the read command's tests pass their own).
 */
export function forStream(graph: GraphClient, listener: RateLimitListener): GraphClient {
  const { onRateLimited } = listener;
  return {
    get: (path, options) => graph.get(path, { ...options, onRateLimited }),
    pages: (pathOrLink, options) => graph.pages(pathOrLink, { ...options, onRateLimited }),
    list: (path, options) => graph.list(path, { ...options, onRateLimited }),
    batchPages: (requests, options) => graph.batchPages(requests, { ...options, onRateLimited }),
    batchGet: (requests, options) => graph.batchGet(requests, { ...options, onRateLimited }),
    count: (collection) => graph.count(collection),
    grantedRoles: () => graph.grantedRoles(),
    stats: (reset) => graph.stats(reset),
    close: () => graph.close(),
  };
}
