// The oauth2_permission_grants stream (delegated consents): GET /oauth2PermissionGrants joined to the client's and the API's service principals.
import type { Oauth2PermissionGrantsRecord } from '../generated/oauth2-permission-grants.js';
import { readServicePrincipalNames, type ServicePrincipalName } from './service-principal-names.js';
import type { StreamDef } from './types.js';

const GRANT_FIELDS = ['id', 'clientId', 'consentType', 'principalId', 'resourceId', 'scope'] as const;

type GraphGrant = Partial<Pick<Oauth2PermissionGrantsRecord, (typeof GRANT_FIELDS)[number]>> & { id: string };

/** The scopes of a grant's space-separated scope, in order, without empty entries (Graph may pad it with spaces). */
export const splitScopes = (scope: string | null | undefined): string[] => (scope ?? '').split(/\s+/).filter((s) => s !== '');

export function toGrantRecord(grant: GraphGrant, names: ReadonlyMap<string, ServicePrincipalName>): Oauth2PermissionGrantsRecord {
  const client = grant.clientId ? names.get(grant.clientId) : undefined;
  const resource = grant.resourceId ? names.get(grant.resourceId) : undefined;
  return {
    id: grant.id,
    clientId: grant.clientId ?? null,
    clientAppId: client?.appId ?? null,
    clientDisplayName: client?.displayName ?? null,
    consentType: grant.consentType ?? null,
    principalId: grant.principalId ?? null,
    resourceId: grant.resourceId ?? null,
    resourceAppId: resource?.appId ?? null,
    resourceDisplayName: resource?.displayName ?? null,
    scope: grant.scope ?? null,
    scopes: splitScopes(grant.scope),
  };
}

export const oauth2PermissionGrants: StreamDef<Oauth2PermissionGrantsRecord> = {
  name: 'oauth2_permission_grants',
  schemaName: 'oauth2_permission_grants',
  primaryKey: [['id']],
  // A delta query exists (https://learn.microsoft.com/graph/api/oauth2permissiongrant-delta), but a grant's names come
  // from its service principals, which change apart from it: full refresh keeps them right.
  supportedSyncModes: ['full_refresh'],
  // Directory.Read.All is the least privileged permission Microsoft's page lists
  // (https://learn.microsoft.com/graph/api/oauth2permissiongrant-list#permissions); DelegatedPermissionGrant.Read.All exists
  // but no page lists it, so it is accepted here and the probe decides. Application.Read.All reads the service
  // principals for the names (Directory.Read.All implies it).
  permissions: [['Directory.Read.All', 'DelegatedPermissionGrant.Read.All'], ['Application.Read.All']],
  advisedPermissions: {
    requirement: [['Directory.Read.All', 'DelegatedPermissionGrant.ReadWrite.All']],
    reason:
      "Microsoft's oauth2PermissionGrant list page names Directory.Read.All as the least privileged application permission and does not list DelegatedPermissionGrant.Read.All (https://learn.microsoft.com/graph/api/oauth2permissiongrant-list#permissions)",
  },
  // $top is not documented for this list: the probe takes a default page of ids.
  probes: [
    { path: '/oauth2PermissionGrants', query: { $select: 'id' } },
    { path: '/servicePrincipals', query: { $top: 1, $select: 'id' } },
  ],
  async *read({ graph }) {
    const names = await readServicePrincipalNames(graph);
    // The page documents "the OData query parameters" without a page size: Graph's default pages, each nextLink followed.
    const query = { $select: GRANT_FIELDS.join(',') };
    for await (const grant of graph.list<GraphGrant>('/oauth2PermissionGrants', { query })) {
      yield { kind: 'record', data: toGrantRecord(grant, names) };
    }
  },
};
