// A tiny hand-built tenant for the emulator's own server tests (exact shapes and counts, no generator involved).
import { createEmulator, type Emulator, type ServerOptions } from './emulator.js';
import { guidFrom } from './state.js';
import type { DirectoryChange, GraphObject, Tenant } from './types.js';

export interface MiniSizes {
  users?: number;
  signIns?: number;
  /** Members of the one big group. */
  bigGroup?: number;
}

const DOMAIN = 'contoso.example';

/** Sign-ins are spread evenly over the 30 days before `now`, newest first, with 7 fractional digits. */
export function miniTenant(sizes: MiniSizes = {}, now = new Date()): Tenant & { changeLog: DirectoryChange[] } {
  const tenantId = guidFrom('mini-tenant');
  const userCount = sizes.users ?? 30;
  const users: GraphObject[] = Array.from({ length: userCount }, (_, i) => {
    const guest = i % 10 === 9;
    const upn = guest ? `guest${i}_fabrikam.example#EXT#@${DOMAIN}` : `user${i}@${DOMAIN}`;
    return {
      id: guidFrom(`user:${i}`),
      displayName: `User ${i}`,
      givenName: `Given${i}`,
      surname: `Surname${i}`,
      userPrincipalName: upn,
      mail: i % 7 === 3 ? null : guest ? `guest${i}@fabrikam.example` : `user${i}@${DOMAIN}`,
      userType: guest ? 'Guest' : i % 11 === 5 ? null : 'Member',
      accountEnabled: true,
      businessPhones: [],
      jobTitle: null,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: 'en-US',
      createdDateTime: new Date(now.getTime() - (i + 1) * 3_600_000).toISOString().replace('Z', '0000Z'),
      proxyAddresses: [`SMTP:user${i}@${DOMAIN}`, `smtp:alias${i}@contoso.example`],
      otherMails: [],
      signInActivity: { lastSignInDateTime: now.toISOString(), lastSignInRequestId: guidFrom(`req:${i}`) },
    };
  });
  const servicePrincipals: GraphObject[] = Array.from({ length: 5 }, (_, i) => ({
    id: guidFrom(`sp:${i}`),
    appId: guidFrom(`app:${i}`),
    displayName: `App ${i}`,
    appOwnerOrganizationId: i < 2 ? 'f8cdef31-a31e-4b4a-93e4-5f571e91255a' : tenantId,
    appRoleAssignmentRequired: i % 2 === 0,
    appRoles: [{ id: guidFrom(`role:${i}`), value: 'Reader', displayName: 'Reader', allowedMemberTypes: ['User'], isEnabled: true }],
    tags: [],
    replyUrls: [],
  }));
  const bigGroup = guidFrom('group:big');
  const smallGroup = guidFrom('group:small');
  const groups: GraphObject[] = [
    { id: bigGroup, displayName: 'Big group' },
    { id: smallGroup, displayName: 'Small group' },
  ];
  const devices: GraphObject[] = [{ id: guidFrom('device:0'), displayName: 'Laptop 0' }];
  const contacts: GraphObject[] = [{ id: guidFrom('contact:0'), displayName: 'Contact 0', mail: 'contact0@partner.example' }];
  const bigCount = Math.min(sizes.bigGroup ?? userCount, userCount);
  const groupMembers = new Map<string, string[]>([
    [bigGroup, users.slice(0, bigCount).map((u) => u.id)],
    [smallGroup, [users[0]!.id, bigGroup, devices[0]!.id, servicePrincipals[0]!.id, contacts[0]!.id]],
  ]);
  const assignment = (sp: GraphObject, n: number, principalType: string, principalId: string): GraphObject => ({
    id: Buffer.from(`${sp.id}:${n}`).toString('base64url').slice(0, 43),
    appRoleId: n % 3 === 0 ? '00000000-0000-0000-0000-000000000000' : (sp.appRoles as { id: string }[])[0]!.id,
    createdDateTime: '2026-01-02T03:04:05.1234567Z',
    principalId,
    principalType,
    principalDisplayName: principalType,
    resourceId: sp.id,
    resourceDisplayName: sp.displayName,
    deletedDateTime: null,
  });
  const assignments = new Map<string, GraphObject[]>([
    [servicePrincipals[2]!.id, users.slice(0, 12).map((u, n) => assignment(servicePrincipals[2]!, n, 'User', u.id))],
    [
      servicePrincipals[3]!.id,
      [
        assignment(servicePrincipals[3]!, 0, 'Group', bigGroup),
        assignment(servicePrincipals[3]!, 1, 'ServicePrincipal', servicePrincipals[4]!.id),
      ],
    ],
  ]);
  const signInCount = sizes.signIns ?? 50;
  const span = 30 * 86_400_000 - 60_000;
  const signIn = (i: number, at: number): GraphObject => ({
    id: guidFrom(`signin:${i}`),
    createdDateTime: `${new Date(at).toISOString().slice(0, 19)}.${String(i % 10_000_000).padStart(7, '0')}Z`,
    userId: users[i % userCount]!.id,
    userPrincipalName: users[i % userCount]!.userPrincipalName,
    appId: servicePrincipals[i % 5]!.appId,
    status: { errorCode: 0, failureReason: '', additionalDetails: null },
    location: {
      city: i % 2 ? 'Paris' : '',
      state: null,
      countryOrRegion: 'FR',
      geoCoordinates: { altitude: null, latitude: 48.8, longitude: 2.3 },
    },
    appliedConditionalAccessPolicies: [],
  });
  const signIns: GraphObject[] = [];
  for (let i = 0; i < signInCount; i += 1)
    signIns.push(signIn(i, now.getTime() - 1000 - Math.floor((i * span) / Math.max(1, signInCount))));
  for (let i = 0; i < 3; i += 1) signIns.push(signIn(signInCount + i, now.getTime() - (31 + i) * 86_400_000));
  return {
    tenantId,
    defaultDomain: DOMAIN,
    organization: {
      id: tenantId,
      displayName: 'Contoso (mini)',
      verifiedDomains: [
        { name: DOMAIN, isDefault: true, isInitial: false, type: 'Managed', capabilities: 'Email' },
        { name: 'contoso.onmicrosoft.example', isDefault: false, isInitial: true, type: 'Managed', capabilities: 'Email' },
      ],
    },
    users,
    servicePrincipals,
    groups,
    groupMembers,
    devices,
    contacts,
    assignments,
    signIns,
    now,
    retentionDays: 30,
    changeLog: [],
  };
}

/** Starts an emulator over a mini tenant (no generator, truth or mutations: tests that need them use startEmulator). */
export function startMiniEmulator(sizes: MiniSizes = {}, options: ServerOptions = {}): Promise<Emulator> {
  return createEmulator(miniTenant(sizes), options, {
    truth: { users: () => [], servicePrincipals: () => [], appRoleAssignments: () => [], signIns: () => [], directoryAudits: () => [] },
    mutate: () => [],
  });
}
