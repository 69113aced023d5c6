// Synthetic groups of every kind Graph has, beside the ordinary ones of tenant-groups.ts: distribution, mail-enabled security,
// dynamic (security and Microsoft 365), hidden membership, synchronized from on-premises, role-assignable, classified and expiring.
// https://learn.microsoft.com/graph/api/resources/groups-overview
import { DAY_MS, isoSeconds, type Random, randomTimestamp } from './tenant-random.js';
import type { DirectoryContext } from './tenant-users.js';
import type { GraphObject } from './types.js';

export interface GeneratedGroupKinds {
  groups: GraphObject[];
  /** groupId -> direct member ids, as Tenant.groupMembers. */
  members: Map<string, string[]>;
  /** The group with hidden membership (its members need Member.Read.Hidden). */
  hiddenGroup: string;
}

export interface KindInputs {
  users: GraphObject[];
  /** The ordinary groups (one becomes a nested member). */
  groups: GraphObject[];
  devices: GraphObject[];
  contacts: GraphObject[];
  servicePrincipals: GraphObject[];
}

/** What differs between kinds; everything else is the same for every group. */
type KindProperties = Partial<GraphObject> & { displayName: string };

function kindGroup(rng: Random, ctx: DirectoryContext, properties: KindProperties): GraphObject {
  const nick = properties.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const created = randomTimestamp(rng, Date.UTC(2018, 0, 1), ctx.nowMs - 30 * DAY_MS, 0);
  const mailEnabled = properties.mailEnabled === true;
  const mail = mailEnabled ? `${nick}@${ctx.defaultDomain}` : null;
  return {
    id: rng.guid(),
    deletedDateTime: null,
    classification: null,
    createdDateTime: created,
    description: null,
    expirationDateTime: null,
    groupTypes: [],
    isAssignableToRole: null,
    mail,
    mailEnabled,
    mailNickname: nick,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: mail ? [`SMTP:${mail}`, `smtp:${nick}@${ctx.initialDomain}`] : [],
    renewedDateTime: created,
    resourceProvisioningOptions: [],
    securityEnabled: false,
    securityIdentifier: `S-1-12-1-${rng.u32()}-${rng.u32()}-${rng.u32()}-${rng.u32()}`,
    theme: null,
    visibility: null,
    ...properties,
  };
}

/** `count` distinct ids from `list`, spread over it with a coprime stride from a random start. */
function some(rng: Random, list: GraphObject[], count: number): string[] {
  const n = list.length;
  if (n === 0) return [];
  const stride = rng.coprimeStride(n);
  let index = rng.int(n);
  const ids: string[] = [];
  for (let k = 0; k < Math.min(n, count); k++) {
    ids.push(list[index]!.id);
    index = (index + stride) % n;
  }
  return ids;
}

export function generateGroupKinds(rng: Random, ctx: DirectoryContext, input: KindInputs): GeneratedGroupKinds {
  const { users, devices, contacts, servicePrincipals } = input;
  const groups: GraphObject[] = [];
  const members = new Map<string, string[]>();
  const add = (properties: KindProperties, memberIds: string[]) => {
    const g = kindGroup(rng, ctx, properties);
    groups.push(g);
    members.set(g.id, memberIds);
    return g.id;
  };
  const inDepartment = (department: string, enabledOnly = false) =>
    users.filter((u) => u.department === department && (!enabledOnly || u.accountEnabled === true)).map((u) => u.id);

  add({ displayName: 'Finance Distribution List', description: 'Announcements for finance', mailEnabled: true }, [
    ...some(rng, users, rng.between(3, 12)),
    ...some(rng, contacts, 1),
  ]);
  add({ displayName: 'Helpdesk Escalations', description: 'Mail-enabled security group', mailEnabled: true, securityEnabled: true }, [
    ...some(rng, users, rng.between(2, 8)),
    ...some(rng, input.groups.slice(-2), 1),
  ]);
  add(
    {
      displayName: 'All Sales (dynamic)',
      groupTypes: ['DynamicMembership'],
      securityEnabled: true,
      membershipRule: '(user.department -eq "Sales")',
      membershipRuleProcessingState: 'On',
    },
    inDepartment('Sales'),
  );
  add(
    {
      displayName: 'Engineering Community',
      groupTypes: ['Unified', 'DynamicMembership'],
      mailEnabled: true,
      visibility: 'Public',
      classification: 'Low',
      membershipRule: '(user.department -eq "Engineering") and (user.accountEnabled -eq true)',
      membershipRuleProcessingState: 'Paused',
      resourceProvisioningOptions: ['Team'],
    },
    inDepartment('Engineering', true),
  );
  const hiddenGroup = add(
    { displayName: 'Board of Directors', groupTypes: ['Unified'], mailEnabled: true, visibility: 'HiddenMembership' },
    some(rng, users, rng.between(3, 7)),
  );
  const synced = isoSeconds(ctx.nowMs - rng.int(3_600) * 1000);
  add(
    {
      displayName: 'VPN Users',
      description: 'Synchronized from Active Directory',
      securityEnabled: true,
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: synced,
      onPremisesSamAccountName: 'VPN-Users',
      onPremisesDomainName: 'corp.contoso.example',
      onPremisesSecurityIdentifier: `S-1-5-21-${rng.u32()}-${rng.u32()}-${rng.u32()}-${1000 + rng.int(9000)}`,
    },
    [...some(rng, users, rng.between(4, 15)), ...some(rng, devices, 2)],
  );
  add({ displayName: 'Privileged Role Admins', securityEnabled: true, isAssignableToRole: true }, some(rng, users, rng.between(2, 4)));
  // Service principals as members: Graph v1.0 does not list them (the emulator's default), a fixed service would.
  add({ displayName: 'Partner Integrations', description: 'Workload identities and partner contacts', securityEnabled: true }, [
    ...some(rng, servicePrincipals, 2),
    ...some(rng, contacts, 1),
    ...some(rng, devices, 1),
  ]);
  const expires = isoSeconds(ctx.nowMs + (10 + rng.int(170)) * DAY_MS);
  add(
    {
      displayName: 'Project Atlas',
      groupTypes: ['Unified'],
      mailEnabled: true,
      securityEnabled: true,
      visibility: 'Private',
      classification: 'High',
      expirationDateTime: expires,
    },
    some(rng, users, rng.between(2, 9)),
  );
  // Renewed under a 180-day expiration policy (never before it was created).
  const atlas = groups[groups.length - 1]!;
  atlas.renewedDateTime = isoSeconds(Math.max(Date.parse(String(atlas.createdDateTime)), Date.parse(expires) - 180 * DAY_MS));
  return { groups, members, hiddenGroup };
}
