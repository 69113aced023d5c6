// Synthetic licences bought (subscribedSkus): a few real SKUs with prepaid and consumed units in every state of a subscription.
// tenantSkus(seed, userCount) is the SKU list for a seed, so other generators (users' assignedLicenses) draw from the same SKUs.
// SKU ids and part numbers: https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference
import { createHash } from 'node:crypto';
import { Random } from './tenant-random.js';
import type { GraphObject } from './types.js';

interface SkuPlan {
  skuPartNumber: string;
  skuId: string;
  appliesTo: 'User' | 'Company';
  capabilityStatus: 'Enabled' | 'Warning' | 'Suspended';
  /** Share of the users holding one (consumed units), before the seed's jitter. */
  share: number;
  /** Prepaid (enabled) units: a fixed number, or the users holding one plus a margin. */
  units: number | 'margin';
  plans: string[];
}

const SKUS: readonly SkuPlan[] = [
  {
    skuPartNumber: 'ENTERPRISEPACK',
    skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    share: 0.7,
    units: 'margin',
    plans: ['EXCHANGE_S_ENTERPRISE', 'SHAREPOINTENTERPRISE', 'TEAMS1', 'OFFICESUBSCRIPTION'],
  },
  {
    skuPartNumber: 'SPE_E5',
    skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    share: 0.1,
    units: 'margin',
    plans: ['EXCHANGE_S_ENTERPRISE', 'AAD_PREMIUM', 'AAD_PREMIUM_P2', 'INTUNE_A', 'TEAMS1'],
  },
  {
    skuPartNumber: 'AAD_PREMIUM_P2',
    skuId: '84a661c4-e949-4bd2-a560-ed7766fcaf2b',
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    share: 0.2,
    units: 'margin',
    plans: ['AAD_PREMIUM', 'AAD_PREMIUM_P2', 'MFA_PREMIUM'],
  },
  {
    // Expired, in its grace period: the licences sit under "warning", and more are assigned than enabled.
    skuPartNumber: 'EMS',
    skuId: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
    appliesTo: 'User',
    capabilityStatus: 'Warning',
    share: 0.05,
    units: 0,
    plans: ['AAD_PREMIUM', 'INTUNE_A', 'RMS_S_PREMIUM'],
  },
  {
    skuPartNumber: 'POWER_BI_STANDARD',
    skuId: 'a403ebcc-fae0-4ca2-8c8c-7a907fd6c235',
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    share: 0.3,
    units: 1_000_000,
    plans: ['BI_AZURE_P0'],
  },
  {
    skuPartNumber: 'VISIOCLIENT',
    skuId: 'c5928f49-12ba-48f7-ada3-0d743a3601d5',
    appliesTo: 'User',
    capabilityStatus: 'Suspended',
    share: 0,
    units: 0,
    plans: ['VISIO_CLIENT_SUBSCRIPTION'],
  },
  {
    // A tenant-wide add-on: not assignable to users.
    skuPartNumber: 'SHAREPOINTSTORAGE',
    skuId: '99049c9c-6011-4908-bf17-15f496e6519d',
    appliesTo: 'Company',
    capabilityStatus: 'Enabled',
    share: 0,
    units: 25,
    plans: ['SHAREPOINTSTORAGE'],
  },
];

/** A service plan's id, the same in every tenant (as Microsoft's are): derived from its name. */
function servicePlanId(name: string): string {
  const h = createHash('sha1').update(`service plan ${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A SKU users can be assigned, with the service plans an assignment can disable (assignedLicenses[].disabledPlans). */
export interface UserSku {
  skuId: string;
  skuPartNumber: string;
  servicePlanIds: readonly string[];
}

/**
 * The SKUs users' assignedLicenses draw from (tenant-user-profiles.ts), in this order: the two main suites, two add-ons,
 * and a free-standing one; those that apply to users and are not suspended.
 */
export const USER_SKUS: readonly UserSku[] = SKUS.filter((p) => p.appliesTo === 'User' && p.capabilityStatus !== 'Suspended').map((p) => ({
  skuId: p.skuId,
  skuPartNumber: p.skuPartNumber,
  servicePlanIds: p.plans.map(servicePlanId),
}));

/**
 * The tenant's SKUs for `seed`, deterministic: the same seed and user count give the same list. consumedUnits is the
 * generator's plan (share x userCount); withConsumedUnits replaces it by the users' assignedLicenses when they have them.
 */
export function tenantSkus(seed: number, userCount: number): GraphObject[] {
  const rng = Random.forSection(seed, 'licences');
  const tenantId = Random.forSection(seed, 'tenant').guid();
  const accountId = rng.guid();
  return SKUS.map((plan) => {
    const consumed = Math.round(userCount * plan.share * (0.9 + rng.next() * 0.1));
    const enabled = plan.units === 'margin' ? consumed + 5 + rng.int(20) : plan.units;
    const warning = plan.capabilityStatus === 'Warning' ? consumed + 10 : 0;
    const suspended = plan.capabilityStatus === 'Suspended' ? 10 : 0;
    return {
      id: `${tenantId}_${plan.skuId}`,
      accountId,
      accountName: 'Contoso',
      appliesTo: plan.appliesTo,
      capabilityStatus: plan.capabilityStatus,
      consumedUnits: plan.capabilityStatus === 'Suspended' ? 0 : consumed,
      prepaidUnits: { enabled, lockedOut: 0, suspended, warning },
      servicePlans: plan.plans.map((servicePlanName) => ({
        servicePlanId: servicePlanId(servicePlanName),
        servicePlanName,
        provisioningStatus: plan.capabilityStatus === 'Suspended' ? 'Disabled' : 'Success',
        appliesTo: plan.appliesTo,
      })),
      skuId: plan.skuId,
      skuPartNumber: plan.skuPartNumber,
      subscriptionIds: [rng.guid()],
    };
  });
}

/**
 * consumedUnits counted from the users' assignedLicenses ({skuId, disabledPlans}[]), when the users carry them; the SKUs
 * unchanged otherwise.
 */
export function withConsumedUnits(skus: GraphObject[], users: readonly GraphObject[]): GraphObject[] {
  if (!users.some((u) => Array.isArray(u.assignedLicenses))) return skus;
  const counts = new Map<string, number>();
  for (const user of users) {
    for (const licence of (user.assignedLicenses as { skuId?: string }[] | undefined) ?? []) {
      if (licence.skuId) counts.set(licence.skuId, (counts.get(licence.skuId) ?? 0) + 1);
    }
  }
  return skus.map((sku) => ({ ...sku, consumedUnits: counts.get(String(sku.skuId)) ?? 0 }));
}
