// Every service principal's appId and displayName, read once, for streams that name the applications their records refer to.
import type { GraphClient } from '../graph/types.js';

export interface ServicePrincipalName {
  appId: string | null;
  displayName: string | null;
}

/** GET /servicePrincipals with just id, appId and displayName, 999 per page (https://learn.microsoft.com/graph/api/serviceprincipal-list). */
export async function readServicePrincipalNames(graph: GraphClient): Promise<Map<string, ServicePrincipalName>> {
  const names = new Map<string, ServicePrincipalName>();
  const query = { $select: 'id,appId,displayName', $top: 999 };
  for await (const sp of graph.list<{ id: string; appId?: string | null; displayName?: string | null }>('/servicePrincipals', { query })) {
    names.set(sp.id, { appId: sp.appId ?? null, displayName: sp.displayName ?? null });
  }
  return names;
}
