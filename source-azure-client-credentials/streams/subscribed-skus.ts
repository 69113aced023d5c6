// The subscribed_skus stream (licences bought and used): GET /subscribedSkus.
import type { SubscribedSkusRecord } from '../generated/subscribed-skus.js';
import { fieldCopier } from './field-copier.js';
import type { StreamDef } from './types.js';

const SKU_FIELDS = [
  'skuId',
  'id',
  'skuPartNumber',
  'appliesTo',
  'capabilityStatus',
  'consumedUnits',
  'prepaidUnits',
  'servicePlans',
  'accountId',
  'accountName',
  'subscriptionIds',
] as const satisfies readonly (keyof SubscribedSkusRecord)[];

type SkuField = (typeof SKU_FIELDS)[number];

type GraphSku = Partial<Pick<SubscribedSkusRecord, SkuField>> & { skuId: string };

const copySkuFields = fieldCopier(SKU_FIELDS);

/** Licences bought (enabled) and not assigned; null when either number is missing. */
export function availableUnits(sku: Pick<GraphSku, 'prepaidUnits' | 'consumedUnits'>): number | null {
  const enabled = sku.prepaidUnits?.enabled;
  const consumed = sku.consumedUnits;
  return typeof enabled === 'number' && typeof consumed === 'number' ? enabled - consumed : null;
}

export function toSkuRecord(sku: GraphSku): SubscribedSkusRecord {
  const out = copySkuFields(sku) as unknown as SubscribedSkusRecord;
  out.availableUnits = availableUnits(sku);
  return out;
}

export const subscribedSkus: StreamDef<SubscribedSkusRecord> = {
  name: 'subscribed_skus',
  schemaName: 'subscribed_skus',
  primaryKey: [['skuId']],
  supportedSyncModes: ['full_refresh'],
  // LicenseAssignment.Read.All is the least privileged on the current page; older copies name Organization.Read.All,
  // which (like Directory.Read.All) also grants it (https://learn.microsoft.com/graph/api/subscribedsku-list#permissions).
  permissions: [['LicenseAssignment.Read.All', 'Organization.Read.All']],
  probes: [{ path: '/subscribedSkus', query: { $select: 'skuId' } }],
  async *read({ graph }) {
    // Only $select is supported and no paging is documented; a nextLink, should one come, is followed all the same.
    for await (const sku of graph.list<GraphSku>('/subscribedSkus', { query: { $select: SKU_FIELDS.join(',') } })) {
      yield { kind: 'record', data: toSkuRecord(sku) };
    }
  },
};
