// Users beyond the roster, from their own seeded section: licences (tenant-licences.ts' USER_SKUS, the SKUs subscribedSkus lists), managers, Entra Connect sync (onPremises*) and a registered directory extension with values on some users.

import { USER_SKUS } from './tenant-licences.js';
import { DAY_MS, isoSeconds, type Random } from './tenant-random.js';
import { NO_EXTENSION_ATTRIBUTES } from './tenant-users.js';
import type { DirectoryExtension, GraphObject } from './types.js';

export interface UserProfiles {
  /** userId -> managerId. */
  managers: Map<string, string>;
  directoryExtensions: DirectoryExtension[];
}

/** Members (not invited guests) are licensed, managed and synced; guests get none of it. */
const isMember = (u: GraphObject) => u.userType !== 'Guest' && u.creationType !== 'Invitation';

function licences(rng: Random): Record<string, unknown>[] {
  if (!rng.chance(0.88)) return [];
  const primary = USER_SKUS[rng.int(2)]!;
  // Some assignments switch off a service plan or two of the SKU (e.g. no Teams).
  const disabled = rng.chance(0.2) ? primary.servicePlanIds.filter(() => rng.chance(0.5)) : [];
  const out: Record<string, unknown>[] = [{ disabledPlans: disabled, skuId: primary.skuId }];
  for (const sku of USER_SKUS.slice(2, 4)) if (rng.chance(0.25)) out.push({ disabledPlans: [], skuId: sku.skuId });
  return out;
}

/** A user synchronized from Active Directory by Entra Connect: every onPremises* property set, a few extension attributes. */
function syncFromActiveDirectory(user: GraphObject, rng: Random, nowMs: number): void {
  const local = String(user.userPrincipalName ?? user.id)
    .split('@')[0]!
    .replace(/[^A-Za-z0-9.]/g, '');
  const sam = local.replace(/\./g, '').slice(0, 20);
  const bytes = Buffer.alloc(16);
  rng.fill(bytes);
  user.onPremisesSyncEnabled = true;
  user.onPremisesLastSyncDateTime = isoSeconds(nowMs - rng.int(6 * 3_600_000) - DAY_MS * rng.int(2));
  user.onPremisesSamAccountName = sam;
  user.onPremisesUserPrincipalName = `${local}@contoso.local`;
  user.onPremisesDomainName = 'contoso.local';
  user.onPremisesDistinguishedName = `CN=${String(user.displayName ?? sam).replace(/,/g, '\\,')},OU=Users,OU=Contoso,DC=contoso,DC=local`;
  user.onPremisesImmutableId = bytes.toString('base64');
  user.onPremisesSecurityIdentifier = `S-1-5-21-1004336348-1177238915-682003330-${1000 + rng.int(90_000)}`;
  user.onPremisesExtensionAttributes = {
    ...NO_EXTENSION_ATTRIBUTES,
    extensionAttribute1: `CC-${1000 + rng.int(9000)}`,
    ...(rng.chance(0.4) ? { extensionAttribute7: rng.chance(0.5) ? 'Contractor' : 'FTE' } : {}),
  };
}

/**
 * Fills `users` in place (at generation, before anything is served) and returns the managers and the registered
 * directory extensions. About 8% of the members are managers; most other members report to one of them.
 */
export function fillUserProfiles(rng: Random, users: GraphObject[], nowMs: number): UserProfiles {
  const members = users.filter(isMember);
  for (const user of members) user.assignedLicenses = licences(rng);
  for (const user of users.filter((u) => !isMember(u)))
    if (rng.chance(0.05)) user.assignedLicenses = [{ disabledPlans: [], skuId: USER_SKUS[4]!.skuId }];

  const managers = new Map<string, string>();
  const pool = members.slice(0, Math.max(1, Math.round(members.length * 0.08)));
  for (const [index, user] of members.entries()) {
    const inPool = index < pool.length;
    if (!rng.chance(inPool ? 0.5 : 0.75) || pool.length < 2) continue;
    let manager = pool[rng.int(pool.length)]!;
    if (manager.id === user.id) manager = pool[(index + 1) % pool.length]!;
    managers.set(user.id, manager.id);
  }

  for (const user of members) if (rng.chance(0.25)) syncFromActiveDirectory(user, rng, nowMs);

  const appId = rng.guid();
  const prefix = `extension_${appId.replace(/-/g, '')}`;
  const directoryExtensions: DirectoryExtension[] = [
    { name: `${prefix}_costCenter`, dataType: 'String', isMultiValued: false, appId },
    { name: `${prefix}_badgeNumber`, dataType: 'Integer', isMultiValued: false, appId },
    { name: `${prefix}_projectCodes`, dataType: 'String', isMultiValued: true, appId },
    { name: `${prefix}_remoteEligible`, dataType: 'Boolean', isMultiValued: false, appId },
  ];
  // Extension values exist only where set: Graph leaves an unset extension out of the answer.
  for (const user of members) {
    if (rng.chance(0.4)) user[directoryExtensions[0]!.name] = `CC-${1000 + rng.int(9000)}`;
    if (rng.chance(0.3)) user[directoryExtensions[1]!.name] = 10_000 + rng.int(90_000);
    if (rng.chance(0.15)) user[directoryExtensions[2]!.name] = Array.from({ length: 1 + rng.int(3) }, () => `PRJ-${100 + rng.int(900)}`);
    if (rng.chance(0.2)) user[directoryExtensions[3]!.name] = rng.chance(0.5);
  }
  return { managers, directoryExtensions };
}
