// How app_role_assignments reads the users assigned directly: GET /users/{id} in $batch when they are few for the tenant, else one pass over /users.
import type { Config } from '../../config.js';
import type { GraphClient } from '../../graph/types.js';
import type { Logger } from '../../logger.js';
import type { AssignmentBuffer } from './assignment-buffer.js';

/** Graph's largest page of users, and of requests in one $batch (https://learn.microsoft.com/graph/json-batching). */
const PAGE_SIZE = 999;
const BATCH_ITEMS = 20;
/**
 * The most users read by id: each GET /users/{id} costs 1 RU, so 1,500 stay within half of one window of the smallest
 * identity budget (3,000 RU per 10 s, graph/pacing.ts) and never wait for it, whatever the tenant's tier.
 */
const MAX_BY_ID = 1_500;

export interface LookupPlan {
  byId: boolean;
  /** Requests of the pass over /users, one after the other (each page needs the previous page's nextLink). */
  listRoundTrips: number;
  /** Round trips of the reads by id: ceil(n / 20) $batch calls (n plain GETs without batching), C at a time. */
  byIdRoundTrips: number;
}

/**
 * Chooses by numbers. The pass over /users costs ceil(users / 999) round trips in a chain; by id, the assignees cost
 * their calls divided by the concurrency, and one RU each. By id when that is fewer round trips and within MAX_BY_ID;
 * the pass when the tenant's size is unknown (it is right whatever the size).
 */
export function planUserLookup(
  assignees: number,
  tenantUsers: number | undefined,
  config: Pick<Config, 'use_batch_requests' | 'max_concurrent_requests'>,
): LookupPlan {
  const calls = config.use_batch_requests ? Math.ceil(assignees / BATCH_ITEMS) : assignees;
  const byIdRoundTrips = Math.ceil(calls / Math.max(1, config.max_concurrent_requests));
  if (tenantUsers === undefined) return { byId: false, listRoundTrips: Number.NaN, byIdRoundTrips };
  const listRoundTrips = Math.max(1, Math.ceil(tenantUsers / PAGE_SIZE));
  return { byId: assignees <= MAX_BY_ID && byIdRoundTrips < listRoundTrips, listRoundTrips, byIdRoundTrips };
}

/**
 * The users whose ids `assignees` holds, a page (or a $batch answer) at a time, by the cheaper way (planUserLookup). The
 * caller takes each page's assignees before it asks for the next: the pass over /users stops as soon as none is left. A
 * user deleted since the assignment was read is missing from either (404 by id: skipped).
 * https://learn.microsoft.com/graph/api/user-get , https://learn.microsoft.com/graph/api/user-list
 */
export async function* userLookup<T extends { id: string }>(
  graph: GraphClient,
  assignees: AssignmentBuffer,
  tenantUsers: number | undefined,
  config: Pick<Config, 'use_batch_requests' | 'max_concurrent_requests'>,
  select: string,
  log: Logger,
): AsyncIterable<T[]> {
  const plan = planUserLookup(assignees.principals, tenantUsers, config);
  log.debug(
    `app_role_assignments: ${assignees.principals} users assigned directly in a tenant of ${tenantUsers ?? 'unknown size'}: ` +
      (plan.byId
        ? `read by id (${plan.byIdRoundTrips} round trips instead of ${plan.listRoundTrips}).`
        : `read in one pass over /users (${Number.isNaN(plan.listRoundTrips) ? 'the tenant size is unknown' : `${plan.listRoundTrips} pages`}).`),
  );
  if (plan.byId) {
    const requests = assignees.principalIds().map((id) => ({ key: id, path: `/users/${id}?$select=${select}` }));
    for await (const answer of graph.batchGet<T>(requests)) if (!answer.error) yield [answer.body];
    return;
  }
  const query = { $select: select, $top: PAGE_SIZE };
  for await (const page of graph.pages<T>('/users', { query })) {
    yield page.value;
    if (assignees.principals === 0) return;
  }
}
