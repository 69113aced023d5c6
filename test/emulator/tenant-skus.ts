// The licence SKUs of the synthetic tenant (skuId, part number, service plans): users' assignedLicenses draw from this one list.
// Ids are Microsoft's public product identifiers ("Product names and service plan identifiers for licensing").

export interface TenantSku {
  skuId: string;
  skuPartNumber: string;
  /** Service plans of the SKU that an assignment can disable (assignedLicenses[].disabledPlans). */
  servicePlanIds: readonly string[];
}

export const TENANT_SKUS: readonly TenantSku[] = Object.freeze([
  {
    skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
    skuPartNumber: 'ENTERPRISEPACK',
    servicePlanIds: [
      'efb87545-963c-4e0d-99df-69c6916d9eb0',
      '5dbe027f-2339-4123-9542-606e4d348a72',
      '57ff2da0-773e-42df-b2af-ffb7a2317929',
    ],
  },
  {
    skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
    skuPartNumber: 'SPE_E3',
    servicePlanIds: [
      'efb87545-963c-4e0d-99df-69c6916d9eb0',
      '7547a3fe-08ee-4ccb-b430-5077c5041653',
      'a23b959c-7ce8-4e57-9140-b90eb88a9e97',
    ],
  },
  { skuId: '078d2b04-f1bd-4111-bbd4-b4b1b354cef4', skuPartNumber: 'AAD_PREMIUM', servicePlanIds: ['41781fb2-bc02-4b7c-bd55-b576c07bb09d'] },
  {
    skuId: 'a403ebcc-fae0-4ca2-8c8c-7a907fd6c235',
    skuPartNumber: 'POWER_BI_STANDARD',
    servicePlanIds: ['2049e525-b859-401b-b2a0-e0a31c4b1fe4'],
  },
  { skuId: 'f30db892-07e9-47e9-837c-80727f46fd3d', skuPartNumber: 'FLOW_FREE', servicePlanIds: ['50e68c76-46c6-4674-81f9-75456511b170'] },
]);
