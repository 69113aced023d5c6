// The service_principals stream (application discovery): GET /servicePrincipals (full refresh) or /servicePrincipals/delta (incremental) plus the tenant from GET /organization.
import { ConnectorError } from '../errors.js';
import type { ServicePrincipalsRecord } from '../generated/service-principals.js';
import type { GraphClient } from '../graph/types.js';
import { type DeltaState, parseDeltaState, readDelta } from './delta.js';
import { isFirstParty, oauth2Integration, openAccess, publisher } from './derive.js';
import { fieldCopier } from './field-copier.js';
import type { StreamDef } from './types.js';

/** The service principal properties this stream emits as Graph returns them (all need $select). */
const SERVICE_PRINCIPAL_FIELDS = [
  'id',
  'appId',
  'displayName',
  'appDisplayName',
  'appOwnerOrganizationId',
  'appRoleAssignmentRequired',
  'preferredSingleSignOnMode',
  'verifiedPublisher',
  'servicePrincipalType',
  'signInAudience',
  'accountEnabled',
  'tags',
  'homepage',
  'loginUrl',
  'replyUrls',
  'appRoles',
  'notificationEmailAddresses',
  'info',
] as const satisfies readonly (keyof ServicePrincipalsRecord)[];

type ServicePrincipalField = (typeof SERVICE_PRINCIPAL_FIELDS)[number];

type GraphServicePrincipal = Partial<Pick<ServicePrincipalsRecord, ServicePrincipalField>> & { id: string };

interface Organization {
  id: string;
  displayName: string | null;
}

const copyServicePrincipalFields = fieldCopier(SERVICE_PRINCIPAL_FIELDS);

/** This tenant's id and name: the single object of GET /organization (https://learn.microsoft.com/graph/api/organization-list). */
async function readOrganization(graph: GraphClient): Promise<Organization> {
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
  const out = copyServicePrincipalFields(sp) as unknown as ServicePrincipalsRecord;
  out.openAccess = openAccess(sp.appRoleAssignmentRequired);
  out.publisher = publisher(sp, organization);
  out.oauth2Integration = oauth2Integration(sp.preferredSingleSignOnMode, sp.replyUrls);
  out.isFirstParty = isFirstParty(sp.appOwnerOrganizationId);
  out.tenantId = organization.id;
  return out;
}

export const servicePrincipals: StreamDef<ServicePrincipalsRecord, DeltaState> = {
  name: 'service_principals',
  schemaName: 'service_principals',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh', 'incremental'],
  // Graph's delta query gives no change time: the cursor is when the connector received each change (see delta.ts).
  cursorField: ['_ab_cdc_updated_at'],
  permissions: [['Application.Read.All'], ['Organization.Read.All']],
  // The tenant's organization object (tenantId, publisher) needs Organization.Read.All; GET /organization takes
  // $select but not $top (https://learn.microsoft.com/graph/api/organization-get).
  probes: [
    { path: '/servicePrincipals', query: { $top: 1, $select: 'id' } },
    { path: '/organization', query: { $select: 'id' } },
  ],
  countedCollection: '/servicePrincipals',
  // {} (what a full refresh leaves behind) parses to undefined, which read treats as a first sync.
  parseState: (raw, config) => parseDeltaState(raw, config, 'servicePrincipals', 'service_principals') as DeltaState,
  async *read(context) {
    const { graph, syncMode } = context;
    if (syncMode !== 'incremental') return yield* readFullRefresh(graph);
    const organization = await readOrganization(graph);
    const toRecord = (sp: GraphServicePrincipal) => toServicePrincipalRecord(sp, organization);
    // Delta reports changes of the service principals only: publisher and tenantId, derived from the
    // organization, are refreshed when a service principal itself changes (or on a full resync).
    yield* readDelta(
      context,
      { stream: 'service_principals', resource: 'servicePrincipals', select: SERVICE_PRINCIPAL_FIELDS, toRecord },
      toRecord({ id: '' }),
    );
  },
};

/**
 * Full refresh keeps the plain list (a snapshot the destination overwrites), without the _ab_cdc columns. GET /organization
 * runs alongside the first page (a round trip less before the first record); its failure still fails the stream.
 */
async function* readFullRefresh(graph: GraphClient) {
  const reading = readOrganization(graph);
  // Awaited below, also when the list fails first: its rejection must not go unhandled meanwhile.
  reading.catch(() => {});
  let organization: Organization | undefined;
  const query = { $select: SERVICE_PRINCIPAL_FIELDS.join(','), $top: 999 };
  // A page's records as one output (RecordBatch): no asynchronous step per service principal.
  for await (const page of graph.pages<GraphServicePrincipal>('/servicePrincipals', { query })) {
    if (page.value.length === 0) continue;
    organization ??= await reading;
    const org = organization;
    yield { kind: 'records', data: page.value.map((sp) => toServicePrincipalRecord(sp, org)) } as const;
  }
  await reading;
}
