// Synthetic groups and their direct members: big groups (>999), nested groups, devices, contacts and service principals as members.
import { DAY_MS, isoSeconds, type Random, randomTimestamp } from './tenant-random.js';
import type { DirectoryContext } from './tenant-users.js';
import type { GraphObject, TenantLandmarks } from './types.js';

export interface GeneratedGroups {
  groups: GraphObject[];
  groupMembers: Map<string, string[]>;
  devices: GraphObject[];
  contacts: GraphObject[];
  landmarks: TenantLandmarks;
}

const BIG_NAMES = ['All Employees', 'All Staff (Europe)', 'Everyone - Contractors'];
const SMALL_NAMES = [
  'Sales Team',
  'Marketing',
  'HR Partners',
  'Legal Review',
  'Support Tier 2',
  'IT Admins',
  'Research Lab',
  'Operations North',
  'Project Falcon',
  'Travel Approvers',
];

function group(rng: Random, ctx: DirectoryContext, displayName: string, description: string | null): GraphObject {
  const unified = rng.chance(0.35);
  const nick = displayName.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const created = randomTimestamp(rng, Date.UTC(2017, 0, 1), ctx.nowMs - 7 * DAY_MS, 0);
  return {
    id: rng.guid(),
    deletedDateTime: null,
    classification: null,
    createdDateTime: created,
    description,
    displayName,
    expirationDateTime: null,
    groupTypes: unified ? ['Unified'] : [],
    isAssignableToRole: null,
    mail: unified ? `${nick}@${ctx.defaultDomain}` : null,
    mailEnabled: unified,
    mailNickname: nick,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: unified ? [`SMTP:${nick}@${ctx.defaultDomain}`] : [],
    renewedDateTime: created,
    resourceProvisioningOptions: [],
    securityEnabled: !unified || rng.chance(0.5),
    securityIdentifier: `S-1-12-1-${rng.u32()}-${rng.u32()}-${rng.u32()}-${rng.u32()}`,
    theme: null,
    visibility: unified ? 'Private' : null,
  };
}

/** A group created between syncs (mutations.ts): Microsoft 365 or security, like the generator's small groups. */
export function createGroup(rng: Random, ctx: DirectoryContext, serial: number): GraphObject {
  return group(rng, ctx, `New Team ${serial}`, 'Created between syncs');
}

function device(rng: Random, ctx: DirectoryContext, serial: number): GraphObject {
  const windows = serial % 3 !== 2;
  return {
    id: rng.guid(),
    deletedDateTime: null,
    accountEnabled: true,
    approximateLastSignInDateTime: isoSeconds(ctx.nowMs - rng.int(30) * DAY_MS),
    deviceId: rng.guid(),
    displayName: windows ? `LAPTOP-${rng.upperHex(7)}` : `MacBook-${serial}`,
    isCompliant: rng.chance(0.8),
    isManaged: rng.chance(0.8),
    manufacturer: windows ? 'Contoso Devices' : 'Apple',
    model: windows ? 'Surface Laptop 5' : 'MacBookPro18,1',
    operatingSystem: windows ? 'Windows' : 'MacMDM',
    operatingSystemVersion: windows ? '10.0.22631.2861' : '14.2.1',
    physicalIds: [],
    registrationDateTime: isoSeconds(ctx.nowMs - (30 + rng.int(700)) * DAY_MS),
    trustType: windows ? 'AzureAd' : 'Workplace',
  };
}

function contact(rng: Random, serial: number): GraphObject {
  const name = ['Morgan Partner', 'Riley Supplier', 'Casey Auditor'][serial % 3]!;
  const mail = `${name.toLowerCase().replace(' ', '.')}${serial}@partners.example`;
  return {
    id: rng.guid(),
    deletedDateTime: null,
    companyName: 'Partner Co',
    department: null,
    displayName: `${name} ${serial}`,
    givenName: name.split(' ')[0],
    jobTitle: null,
    mail,
    mailNickname: mail.split('@')[0],
    surname: name.split(' ')[1],
    proxyAddresses: [`SMTP:${mail}`],
    addresses: [],
    phones: [],
  };
}

/** `count` distinct user ids (at most all users), `include` first if given, spread over the list with a coprime stride. */
function someUsers(rng: Random, users: GraphObject[], count: number, include?: string): string[] {
  const n = users.length;
  const ids: string[] = include ? [include] : [];
  if (n === 0) return ids;
  const stride = rng.coprimeStride(n);
  let index = rng.int(n);
  for (let k = 0; k < n && ids.length < count; k++) {
    const id = users[index]!.id;
    if (id !== include) ids.push(id);
    index = (index + stride) % n;
  }
  return ids;
}

/** An ordinary member with a mailbox: the person assigned both directly and through two groups. */
function ordinaryMember(rng: Random, users: GraphObject[]): string | undefined {
  const n = users.length;
  const start = rng.int(Math.max(n, 1));
  for (let k = 0; k < n; k++) {
    const u = users[(start + k) % n]!;
    if (
      u.userType === 'Member' &&
      u.mail &&
      !String(u.userPrincipalName).includes('#EXT#') &&
      !/^[0-9A-F]{32}$/.test(String(u.displayName))
    )
      return u.id;
  }
  return users[0]?.id;
}

export function generateGroups(
  rng: Random,
  ctx: DirectoryContext,
  n: number,
  bigSizes: readonly number[],
  users: GraphObject[],
  servicePrincipals: GraphObject[],
): GeneratedGroups {
  const devices = Array.from({ length: Math.min(500, 3 + Math.floor(users.length / 1000)) }, (_, i) => device(rng, ctx, i));
  const contacts = Array.from({ length: Math.min(200, 2 + Math.floor(users.length / 2000)) }, (_, i) => contact(rng, i));
  const groups: GraphObject[] = [];
  const groupMembers = new Map<string, string[]>();
  const landmarks: TenantLandmarks = { bigGroups: [], twinGroups: [] };
  const add = (g: GraphObject, members: string[]) => {
    groups.push(g);
    groupMembers.set(g.id, members);
    return g.id;
  };

  const bigCount = Math.min(bigSizes.length, n);
  for (let i = 0; i < bigCount; i++) {
    landmarks.bigGroups.push(
      add(group(rng, ctx, BIG_NAMES[i] ?? `Distribution list ${i + 1}`, 'Everyone in the division'), someUsers(rng, users, bigSizes[i]!)),
    );
  }
  const rest = n - bigCount;
  const twinUser = rest >= 2 ? ordinaryMember(rng, users) : undefined;
  let small = 0;
  for (let slot = 0; slot < rest; slot++) {
    if (slot < 2 && twinUser) {
      landmarks.twinUser = twinUser;
      const name = slot === 0 ? 'Finance Approvers' : 'Finance Readers';
      landmarks.twinGroups.push(
        add(group(rng, ctx, name, 'Access to the finance apps'), someUsers(rng, users, rng.between(3, 8), twinUser)),
      );
    } else if (slot === 2) {
      landmarks.parentGroup = add(
        group(rng, ctx, 'Engineering (all)', 'Nested: contains Engineering - Platform'),
        someUsers(rng, users, rng.between(4, 10)),
      );
    } else if (slot === 3) {
      landmarks.childGroup = add(group(rng, ctx, 'Engineering - Platform', null), someUsers(rng, users, rng.between(2, 6)));
      const parentMembers = groupMembers.get(landmarks.parentGroup!)!;
      // Non-user members are not people: group expansion must skip them (and not expand the nested group).
      parentMembers.push(landmarks.childGroup);
      if (devices[0]) parentMembers.push(devices[0].id);
      if (servicePrincipals[0]) parentMembers.push(servicePrincipals[servicePrincipals.length - 1]!.id);
      if (contacts[0]) parentMembers.push(contacts[0].id);
    } else if (slot === rest - 1 && rest >= 6) {
      landmarks.emptyGroup = add(group(rng, ctx, 'Retired Project Team', 'No members left'), []);
    } else {
      const members = someUsers(rng, users, rng.between(2, 25));
      if (rng.chance(0.3) && devices.length) members.push(rng.pick(devices).id);
      const k = small++;
      add(
        group(
          rng,
          ctx,
          SMALL_NAMES[k % SMALL_NAMES.length]! + (k >= SMALL_NAMES.length ? ` ${Math.floor(k / SMALL_NAMES.length) + 1}` : ''),
          null,
        ),
        members,
      );
    }
  }
  return { groups, groupMembers, devices, contacts, landmarks };
}
