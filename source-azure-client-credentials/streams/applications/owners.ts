// The owners of app registrations: expanded on the list (at most 20 each), completed by batched reads of /applications/{id}/owners.
// https://learn.microsoft.com/graph/api/application-list-owners ; the $expand cap: https://learn.microsoft.com/graph/query-parameters#expand
import type { GraphClient } from '../../graph/types.js';

/** Only the owners' ids: the record keeps ids, and $select inside $expand keeps the expansion small. */
export const OWNERS_EXPAND = 'owners($select=id)';
/**
 * With $expand, Graph pages directory collections at 100 objects whatever $top asks for (Microsoft Graph known
 * issue 13635), so the list asks for exactly that.
 */
export const EXPANDED_PAGE_SIZE = 100;
/** "$expand ... returns at most 20 related items" for directory objects, with no link to the rest. */
const EXPAND_CAP = 20;
/** The largest page of a directory relationship. */
const OWNERS_PAGE_SIZE = 999;

type Owner = { id?: string | null };

/**
 * The sorted owner ids of an expanded application, or undefined when the expansion may be cut off: 20 owners (an
 * application with exactly 20 cannot be told from one with more) or no expansion at all.
 */
export function expandedOwnerIds(owners: readonly Owner[] | null | undefined): string[] | undefined {
  if (!Array.isArray(owners) || owners.length >= EXPAND_CAP) return undefined;
  return ownerIds(owners);
}

const ownerIds = (owners: readonly Owner[]): string[] => owners.flatMap((o) => (typeof o.id === 'string' ? [o.id] : [])).sort();

/**
 * Every owner of each application, through $batch (20 applications per call, each followed to its last page). An
 * application Graph no longer finds (deleted since it was listed) has no entry.
 */
export async function readOwners(graph: GraphClient, applicationIds: Iterable<string>): Promise<Map<string, string[]>> {
  const requests = [...applicationIds].map((id) => ({
    key: id,
    path: `/applications/${encodeURIComponent(id)}/owners?$select=id&$top=${OWNERS_PAGE_SIZE}`,
  }));
  const collected = new Map<string, Owner[]>();
  const gone = new Set<string>();
  for await (const item of graph.batchPages<Owner>(requests)) {
    if (item.error) gone.add(item.key);
    else collected.set(item.key, [...(collected.get(item.key) ?? []), ...item.page.value]);
  }
  const owners = new Map<string, string[]>();
  for (const { key } of requests) if (!gone.has(key)) owners.set(key, ownerIds(collected.get(key) ?? []));
  return owners;
}

/**
 * The owners of every application: one pass over the list with the owners expanded (one request per 100 applications),
 * then the applications whose expansion may be cut off read again in full.
 */
export async function listOwners(graph: GraphClient): Promise<Map<string, string[]>> {
  const owners = new Map<string, string[]>();
  const capped: string[] = [];
  const query = { $select: 'id', $expand: OWNERS_EXPAND, $top: EXPANDED_PAGE_SIZE };
  for await (const app of graph.list<{ id: string; owners?: Owner[] }>('/applications', { query })) {
    const ids = expandedOwnerIds(app.owners);
    if (ids) owners.set(app.id, ids);
    else capped.push(app.id);
  }
  for (const [id, ids] of await readOwners(graph, capped)) owners.set(id, ids);
  return owners;
}
