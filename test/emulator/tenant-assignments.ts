// Synthetic app role assignments (appRoleAssignedTo per resource service principal): users, groups and service principals.
import { SP_FIRST_PARTY, SP_MANAGED_IDENTITY } from './tenant-apps.js';
import { isoTicks, type Random } from './tenant-random.js';
import type { DirectoryContext } from './tenant-users.js';
import type { GraphObject, TenantLandmarks } from './types.js';

/** appRoleId of "default access" (an assignment without a specific role). https://learn.microsoft.com/graph/api/resources/approleassignment */
export const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';

type PrincipalType = 'User' | 'Group' | 'ServicePrincipal';

/**
 * Assignment ids are not GUIDs: 43 base64url characters (32 bytes), the first 16 being the principal id's
 * bytes in GUID (little-endian) order, e.g. 41W1zT6z1U-kJxf62svfp1HFE8pMZhxDun-ThPczmJE.
 */
export function assignmentId(rng: Random, principalId: string): string {
  const hex = principalId.replace(/-/g, '');
  const bytes = Buffer.alloc(32);
  Buffer.from(hex, 'hex').copy(bytes);
  bytes.subarray(0, 4).reverse();
  bytes.subarray(4, 6).reverse();
  bytes.subarray(6, 8).reverse();
  rng.fill(bytes.subarray(16));
  return bytes.toString('base64url');
}

export function appRoleAssignment(
  rng: Random,
  createdDateTime: string,
  principal: GraphObject,
  principalType: PrincipalType,
  resource: GraphObject,
  appRoleId: string,
): GraphObject {
  return {
    id: assignmentId(rng, principal.id),
    deletedDateTime: null,
    appRoleId,
    createdDateTime,
    principalDisplayName: principal.displayName ?? null,
    principalId: principal.id,
    principalType,
    resourceDisplayName: resource.displayName ?? null,
    resourceId: resource.id,
  };
}

interface Inputs {
  users: GraphObject[];
  groups: GraphObject[];
  groupMembers: Map<string, string[]>;
  servicePrincipals: GraphObject[];
  kinds: Uint8Array;
  /** The generator's landmarks; twinApp is set here. */
  landmarks: TenantLandmarks;
  target: number;
  groupFraction: number;
}

/** Enabled roles of `resource` that `memberType` ('User' or 'Application') may hold. */
function rolesFor(resource: GraphObject, memberType: string): GraphObject[] {
  return (resource.appRoles as GraphObject[]).filter((r) => r.isEnabled && (r.allowedMemberTypes as string[]).includes(memberType));
}

export function generateAssignments(rng: Random, ctx: DirectoryContext, input: Inputs): Map<string, GraphObject[]> {
  const { users, groups, servicePrincipals: sps, kinds, landmarks } = input;
  // Resources: most non-Microsoft apps, plus two Microsoft ones; every other service principal has no assignment.
  const apps: GraphObject[] = [];
  const microsoft: GraphObject[] = [];
  let nonMicrosoft = 0;
  sps.forEach((sp, i) => {
    if (kinds[i] === SP_MANAGED_IDENTITY) return;
    if (kinds[i] === SP_FIRST_PARTY) microsoft.push(sp);
    else if (nonMicrosoft++ % 5 !== 4) apps.push(sp);
  });
  const resources = [...apps, ...microsoft.slice(0, 2)];
  const result = new Map<string, GraphObject[]>();
  if (resources.length === 0 || input.target <= 0) return result;
  const weights = resources.map((_, j) => (j < apps.length ? 1 : 0.3) / (1 + (j % 8)));
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    cumulative.push(sum);
  }
  const total = cumulative[cumulative.length - 1]!;
  const pickResource = (): GraphObject => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return resources[lo]!;
  };
  const spPrincipals = sps.filter((_, i) => kinds[i] === SP_MANAGED_IDENTITY || kinds[i] === 0);
  const groupById = new Map(groups.map((g) => [g.id, g]));

  const seen = new Set<string>();
  let count = 0;
  const created = () => isoTicks(Date.UTC(2019, 0, 1) + rng.next() * (ctx.nowMs - 86_400_000 - Date.UTC(2019, 0, 1)), rng.int(10_000_000));
  // The twin user reaches the twin app exactly three ways (directly and through the two twin groups), no more.
  const twinReach = (resource: GraphObject, principal: GraphObject): boolean =>
    resource.id === landmarks.twinApp &&
    (principal.id === landmarks.twinUser || !!input.groupMembers.get(principal.id)?.includes(landmarks.twinUser!));
  /** Adds an assignment unless the same (principal, role) already holds it on that resource, as Graph refuses duplicates. */
  const assign = (resource: GraphObject, principal: GraphObject, type: PrincipalType, appRoleId: string, landmark = false): boolean => {
    if (count >= input.target || (!landmark && twinReach(resource, principal))) return false;
    const key = `${resource.id}|${principal.id}|${appRoleId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    let list = result.get(resource.id);
    if (!list) {
      list = [];
      result.set(resource.id, list);
    }
    list.push(appRoleAssignment(rng, created(), principal, type, resource, appRoleId));
    count++;
    return true;
  };
  const roleFor = (resource: GraphObject, type: PrincipalType): string => {
    if (rng.chance(0.015)) return rng.guid(); // a role since removed from the app: unknown id
    const roles = rolesFor(resource, type === 'ServicePrincipal' ? 'Application' : 'User');
    return roles.length && rng.chance(0.6) ? rng.pick(roles).id : DEFAULT_ACCESS_ROLE_ID;
  };

  // The cases tests rely on come first, as far as the target allows.
  const first = resources[0]!;
  if (landmarks.twinUser && landmarks.twinGroups.length === 2 && input.target >= 3) {
    landmarks.twinApp = first.id;
    const person = users.find((u) => u.id === landmarks.twinUser)!;
    assign(first, person, 'User', DEFAULT_ACCESS_ROLE_ID, true);
    const role = rolesFor(first, 'User')[0]?.id ?? DEFAULT_ACCESS_ROLE_ID;
    assign(first, groupById.get(landmarks.twinGroups[0]!)!, 'Group', role, true);
    assign(first, groupById.get(landmarks.twinGroups[1]!)!, 'Group', DEFAULT_ACCESS_ROLE_ID, true);
  }
  if (landmarks.parentGroup)
    assign(resources[1 % resources.length]!, groupById.get(landmarks.parentGroup)!, 'Group', DEFAULT_ACCESS_ROLE_ID);
  const spPrincipal = spPrincipals.find((p) => p.id !== resources[resources.length - 1]!.id);
  if (spPrincipal) {
    const resource =
      resources.find((r) => r.id !== spPrincipal.id && rolesFor(r, 'Application').length) ?? resources.find((r) => r.id !== spPrincipal.id);
    if (resource) assign(resource, spPrincipal, 'ServicePrincipal', rolesFor(resource, 'Application')[0]?.id ?? DEFAULT_ACCESS_ROLE_ID);
  }
  if (users.length) assign(resources[2 % resources.length]!, users[Math.floor(users.length / 2)]!, 'User', rng.guid());
  for (const id of landmarks.bigGroups) assign(pickResource(), groupById.get(id)!, 'Group', DEFAULT_ACCESS_ROLE_ID);
  if (landmarks.emptyGroup) assign(resources[resources.length - 1]!, groupById.get(landmarks.emptyGroup)!, 'Group', DEFAULT_ACCESS_ROLE_ID);

  // Then random ones until the target; a collision is retried with other choices (bounded).
  for (let attempts = 0; count < input.target && attempts < input.target * 20; attempts++) {
    const resource = pickResource();
    const r = rng.next();
    if (r < input.groupFraction && groups.length) {
      assign(resource, rng.pick(groups), 'Group', roleFor(resource, 'Group'));
    } else if (r < input.groupFraction + 0.04 && spPrincipals.length) {
      const principal = rng.pick(spPrincipals);
      if (principal.id !== resource.id) assign(resource, principal, 'ServicePrincipal', roleFor(resource, 'ServicePrincipal'));
    } else if (users.length) {
      assign(resource, rng.pick(users), 'User', roleFor(resource, 'User'));
    }
  }
  return result;
}
