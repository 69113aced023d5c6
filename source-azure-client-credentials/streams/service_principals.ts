// The service_principals stream (application discovery): GET /servicePrincipals plus the tenant from GET /organization.
import { ConnectorError } from '../errors.js';
import type { ServicePrincipalsRecord } from '../generated/service_principals.js';
import type { GraphClient } from '../graph/types.js';
import { isFirstParty, oauth2Integration, openAccess, publisher } from './derive.js';
import type { StreamDef } from './types.js';

/** The service principal properties this stream emits as Graph returns them (all need $select). */
export const SERVICE_PRINCIPAL_FIELDS = [
  'id', 'appId', 'displayName', 'appDisplayName', 'appOwnerOrganizationId', 'appRoleAssignmentRequired',
  'preferredSingleSignOnMode', 'verifiedPublisher', 'servicePrincipalType', 'signInAudience', 'accountEnabled',
  'tags', 'homepage', 'loginUrl', 'replyUrls', 'appRoles', 'notificationEmailAddresses', 'info',
] as const satisfies readonly (keyof ServicePrincipalsRecord)[];

type ServicePrincipalField = (typeof SERVICE_PRINCIPAL_FIELDS)[number];

export type GraphServicePrincipal = Partial<Pick<ServicePrincipalsRecord, ServicePrincipalField>> & { id: string };

export interface Organization {
  id: string;
  displayName: string | null;
}

/** This tenant's id and name: the single object of GET /organization (https://learn.microsoft.com/graph/api/organization-list). */
export async function readOrganization(graph: GraphClient): Promise<Organization> {
  const answer = await graph.get<{ value?: Partial<Organization>[] }>('/organization', { query: { $select: 'id,displayName' } });
  const organization = answer.value?.[0];
  if (!organization?.id) {
    throw new ConnectorError(
      'Microsoft Graph returned no organization for this tenant (GET /organization was empty), so service principals cannot be attributed to it. Check that tenant_id names a work or school tenant, then retry.',
      'config_error',
      'GET /organization: empty value',
    );
  }
  return { id: organization.id, displayName: organization.displayName ?? null };
}

export function toServicePrincipalRecord(sp: GraphServicePrincipal, organization: Organization): ServicePrincipalsRecord {
  const record = {} as Record<ServicePrincipalField, unknown>;
  for (const field of SERVICE_PRINCIPAL_FIELDS) record[field] = sp[field] ?? null;
  const out = record as unknown as ServicePrincipalsRecord;
  out.openAccess = openAccess(sp.appRoleAssignmentRequired);
  out.publisher = publisher(sp, organization);
  out.oauth2Integration = oauth2Integration(sp.preferredSingleSignOnMode, sp.replyUrls);
  out.isFirstParty = isFirstParty(sp.appOwnerOrganizationId);
  out.tenantId = organization.id;
  return out;
}

export const servicePrincipals: StreamDef<ServicePrincipalsRecord> = {
  name: 'service_principals',
  schemaName: 'service_principals',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh'],
  permissions: [['Application.Read.All'], ['Organization.Read.All']],
  probe: { path: '/servicePrincipals', query: { $top: 1, $select: 'id' } },
  async *read({ graph }) {
    const organization = await readOrganization(graph);
    const query = { $select: SERVICE_PRINCIPAL_FIELDS.join(','), $top: 999 };
    for await (const sp of graph.list<GraphServicePrincipal>('/servicePrincipals', { query })) {
      yield { kind: 'record', data: toServicePrincipalRecord(sp, organization) };
    }
  },
};
