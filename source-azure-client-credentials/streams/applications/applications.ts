// The applications stream (app registrations): GET /applications with owners and credentials (full refresh) or /applications/delta (incremental).
import type { ApplicationsRecord } from '../../generated/applications.js';
import { type DeltaState, parseDeltaState, readDelta } from '../delta.js';
import { fieldCopier } from '../field-copier.js';
import type { StreamDef } from '../types.js';
import { flattenCredentials, type GraphKeyCredential, type GraphPasswordCredential, nextCredentialExpiry } from './credentials.js';
import { EXPANDED_PAGE_SIZE, expandedOwnerIds, listOwners, OWNERS_EXPAND, readOwners } from './owners.js';

/** The application properties the record keeps as Graph returns them (all need $select). */
const APPLICATION_FIELDS = [
  'id',
  'appId',
  'displayName',
  'description',
  'createdDateTime',
  'signInAudience',
  'publisherDomain',
  'verifiedPublisher',
  'tags',
  'identifierUris',
  'notes',
  'serviceManagementReference',
  'disabledByMicrosoftStatus',
  'isFallbackPublicClient',
  'requiredResourceAccess',
  'web',
  'spa',
  'publicClient',
] as const satisfies readonly (keyof ApplicationsRecord)[];

type ApplicationField = (typeof APPLICATION_FIELDS)[number];

/** Read as well, flattened into `credentials`. Selecting keyCredentials holds every such request to 150 per minute (pacing.ts). */
const SELECT = [...APPLICATION_FIELDS, 'passwordCredentials', 'keyCredentials'] as const;

type GraphApplication = Partial<Pick<ApplicationsRecord, ApplicationField>> & {
  id: string;
  passwordCredentials?: GraphPasswordCredential[] | null;
  keyCredentials?: GraphKeyCredential[] | null;
  owners?: { id?: string | null }[];
};

const copyApplicationFields = fieldCopier(APPLICATION_FIELDS);

/** The record of an application, its credentials judged at `at` (the sync's start, epoch ms). */
export function toApplicationRecord(app: GraphApplication, ownerIds: string[], at: number): ApplicationsRecord {
  const out = copyApplicationFields(app) as unknown as ApplicationsRecord;
  out.ownerIds = ownerIds;
  out.credentials = flattenCredentials(app.passwordCredentials, app.keyCredentials);
  out.nextCredentialExpiry = nextCredentialExpiry(out.credentials, at);
  return out;
}

export const applications: StreamDef<ApplicationsRecord, DeltaState> = {
  name: 'applications',
  schemaName: 'applications',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh', 'incremental'],
  // Graph's delta query gives no change time: the cursor is when the connector received each change (see delta.ts).
  cursorField: ['_ab_cdc_updated_at'],
  // The list, its delta and owners: https://learn.microsoft.com/graph/api/application-list#permissions,
  // https://learn.microsoft.com/graph/api/application-delta#permissions (Application.ReadWrite.OwnedBy, the least listed,
  // reaches only the apps the connector's own app owns).
  permissions: [['Application.Read.All']],
  probes: [{ path: '/applications', query: { $top: 1, $select: 'id' } }],
  // {} (what a full refresh leaves behind) parses to undefined, which read treats as a first sync.
  parseState: (raw, config) => parseDeltaState(raw, config, 'applications', 'applications') as DeltaState,
  async *read(context) {
    const { graph, log, syncMode } = context;
    // One instant for the whole sync: nextCredentialExpiry is "the next expiry after the sync started" in every record.
    const at = (context.now ?? Date.now)();
    log.info(
      `applications: nextCredentialExpiry counts the credentials still valid at ${new Date(at).toISOString()} (the start of this sync).`,
    );
    if (syncMode === 'incremental') {
      // The delta query returns no owners ($select and $filter only: https://learn.microsoft.com/graph/api/application-delta#query-parameters):
      // a round from scratch lists every application's owners once; a changes round re-reads the owners of each
      // changed application. An owner change alone may not be reported by the delta query: it shows at the next
      // round from scratch (delta_full_resync_days, or when a credential expiry recorded in the destination passes).
      const owners = new Map<string, string[]>();
      let listed = false;
      yield* readDelta(
        context,
        {
          stream: 'applications',
          resource: 'applications',
          select: SELECT,
          async enrich(objects, fromScratch) {
            if (fromScratch && !listed) {
              for (const [id, ids] of await listOwners(graph)) owners.set(id, ids);
              listed = true;
            }
            // Changed applications, and applications created (or repeated by the delta query) after the list was read.
            const wanted = objects.filter((app) => !fromScratch || !owners.has(app.id)).map((app) => app.id);
            if (wanted.length > 0) for (const [id, ids] of await readOwners(graph, wanted)) owners.set(id, ids);
          },
          toRecord(app: GraphApplication) {
            const ids = owners.get(app.id);
            // Gone since the delta page was made: the next round reports its removal.
            if (ids === undefined) return undefined;
            owners.delete(app.id);
            return toApplicationRecord(app, ids, at);
          },
          validUntil: (record) => record.nextCredentialExpiry ?? undefined,
        },
        toApplicationRecord({ id: '' }, [], at),
      );
      return;
    }
    // Full refresh: each page of 100 with its owners expanded; an application whose expansion may be cut off at 20
    // owners is read again in full, batched with the others of its page.
    const query = { $select: SELECT.join(','), $expand: OWNERS_EXPAND, $top: EXPANDED_PAGE_SIZE };
    for await (const page of graph.pages<GraphApplication>('/applications', { query })) {
      const owners = new Map<string, string[]>();
      const capped: string[] = [];
      for (const app of page.value) {
        const ids = expandedOwnerIds(app.owners);
        if (ids) owners.set(app.id, ids);
        else capped.push(app.id);
      }
      if (capped.length > 0) for (const [id, ids] of await readOwners(graph, capped)) owners.set(id, ids);
      for (const app of page.value) {
        const ids = owners.get(app.id);
        // Deleted between the list and its owners: it is no longer in the tenant.
        if (ids !== undefined) yield { kind: 'record', data: toApplicationRecord(app, ids, at) };
      }
    }
  },
};
