// Unit tests of the emulator's synthetic tenant (generator), its ground truth (truth.ts) and its mutations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instantKey } from '../emulator/directory.js';
import { applyMutations } from '../emulator/mutations.js';
import { DEFAULT_SIZES, generateTenant } from '../emulator/tenant.js';
import { MICROSOFT_TENANT_ID } from '../emulator/tenant-apps.js';
import { DEFAULT_ACCESS_ROLE_ID } from '../emulator/tenant-assignments.js';
import {
  activeDate,
  concealedUserCount,
  emailAliases,
  isConcealed,
  loginLocation,
  SERVICE_PRINCIPAL_FIELDS,
  truthAppRoleAssignments,
  truthServicePrincipals,
  truthSignIns,
  truthUsers,
  USER_FIELDS,
  userDomain,
  userLocation,
} from '../emulator/truth.js';
import type { GraphObject, Tenant } from '../emulator/types.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const DAY = 86_400_000;
const ZERO = DEFAULT_ACCESS_ROLE_ID;
const SEVEN_DIGITS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const HEX32 = /^[0-9A-F]{32}$/;
/** The groups of other kinds that groupKinds adds (tenant-group-kinds.ts). */
const KIND_GROUPS = 9;

const small = generateTenant(11, {}, NOW);
const allAssignments = (t: Tenant) => [...t.assignments.values()].flat();
const snapshot = (t: Tenant) =>
  JSON.stringify({
    t: t.tenantId,
    o: t.organization,
    u: t.users,
    s: t.servicePrincipals,
    g: t.groups,
    m: [...t.groupMembers],
    d: t.devices,
    c: t.contacts,
    a: [...t.assignments],
    i: t.signIns,
    l: t.landmarks,
  });

describe('generateTenant', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    assert.equal(snapshot(generateTenant(11, {}, NOW)), snapshot(small));
    const other = generateTenant(12, {}, NOW);
    assert.notEqual(other.tenantId, small.tenantId);
    assert.notDeepEqual(
      other.users.map((u) => u.id),
      small.users.map((u) => u.id),
    );
  });

  it('keeps sections independent: more sign-ins do not change the users', () => {
    const more = generateTenant(11, { signIns: 900 }, NOW);
    assert.equal(
      JSON.stringify(more.users.map(({ signInActivity: _, ...u }) => u)),
      JSON.stringify(small.users.map(({ signInActivity: _, ...u }) => u)),
    );
  });

  it('honours the default and explicit sizes exactly', () => {
    assert.equal(small.users.length, DEFAULT_SIZES.users);
    assert.equal(small.servicePrincipals.length, DEFAULT_SIZES.servicePrincipals);
    // `groups` ordinary groups, then the nine groups of other kinds (groupKinds, on by default).
    assert.equal(small.groups.length, DEFAULT_SIZES.groups + KIND_GROUPS);
    assert.equal(generateTenant(11, { groupKinds: false }, NOW).groups.length, DEFAULT_SIZES.groups);
    assert.equal(allAssignments(small).length, DEFAULT_SIZES.assignments);
    assert.equal(small.signIns.length, DEFAULT_SIZES.signIns + DEFAULT_SIZES.signInsBeyondRetention);
    assert.equal(small.retentionDays, 30);
    const t = generateTenant(
      3,
      {
        users: 1300,
        servicePrincipals: 40,
        groups: 12,
        assignments: 333,
        signIns: 1000,
        signInsBeyondRetention: 7,
        bigGroupSizes: [1200],
        retentionDays: 7,
        guestFraction: 0.1,
      },
      NOW,
    );
    assert.equal(t.users.length, 1300);
    assert.equal(t.users.filter((u) => String(u.userPrincipalName).includes('#EXT#')).length, 130);
    assert.equal(t.servicePrincipals.length, 40);
    assert.equal(t.servicePrincipals.filter((s) => s.appOwnerOrganizationId === MICROSOFT_TENANT_ID).length, 24);
    assert.equal(t.groups.length, 12 + KIND_GROUPS);
    assert.equal(allAssignments(t).length, 333);
    assert.equal(t.signIns.length, 1007);
    assert.equal(t.retentionDays, 7);
    const big = t.groupMembers.get(t.landmarks!.bigGroups[0]!)!;
    assert.equal(big.length, 1200);
    assert.equal(new Set(big).size, 1200);
  });

  it('has unique ids everywhere', () => {
    const ids = [small.users, small.servicePrincipals, small.groups, small.devices, small.contacts].flat().map((o) => o.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(new Set(small.signIns.map((s) => s.id)).size, small.signIns.length);
    assert.equal(new Set(small.users.map((u) => String(u.userPrincipalName).toLowerCase())).size, small.users.length);
  });

  it('makes users of every kind the connector must handle', () => {
    const users = small.users;
    for (const u of users) {
      for (const f of [...USER_FIELDS, 'businessPhones', 'mobilePhone', 'preferredLanguage', 'signInActivity'])
        assert.ok(f in u, `user ${u.id} lacks ${f}`);
      assert.ok(Array.isArray(u.proxyAddresses) && Array.isArray(u.otherMails) && Array.isArray(u.businessPhones));
    }
    const guests = users.filter((u) => u.userType === 'Guest');
    assert.ok(guests.length >= 2);
    for (const g of guests) assert.match(String(g.userPrincipalName), /^[a-z0-9.]+_[a-z.]+#EXT#@contoso(\.onmicrosoft)?\.example$/);
    assert.ok(users.filter((u) => u.userType === null).length >= 2, 'null userType');
    assert.ok(users.filter((u) => u.mail === null).length >= 2, 'no mail');
    assert.ok(users.filter((u) => u.createdDateTime === null).length >= 2, 'createdDateTime null');
    assert.ok(
      users.some((u) => HEX32.test(String(u.displayName)) && HEX32.test(String(u.userPrincipalName).split('@')[0])),
      'both concealed',
    );
    assert.ok(
      users.some((u) => HEX32.test(String(u.displayName)) && !HEX32.test(String(u.userPrincipalName).split('@')[0])),
      'concealed displayName only',
    );
    assert.ok(
      users.some((u) => !HEX32.test(String(u.displayName)) && HEX32.test(String(u.userPrincipalName).split('@')[0])),
      'concealed UPN only',
    );
    assert.ok(
      users.some((u) => SEVEN_DIGITS.test(String(u.createdDateTime))),
      '7 fractional digits',
    );
    assert.ok(users.some((u) => WHOLE_SECONDS.test(String(u.createdDateTime))));
    assert.ok(users.some((u) => u.employeeHireDate !== null) && users.some((u) => u.employeeHireDate === null));
    assert.ok(users.some((u) => u.officeLocation) && users.some((u) => !u.officeLocation && u.city));
    const proxies = users.flatMap((u) => u.proxyAddresses as string[]);
    assert.ok(proxies.some((p) => p.startsWith('SMTP:')) && proxies.some((p) => p.startsWith('smtp:')));
    assert.ok(
      proxies.some((p) => /[A-Z]/.test(p.slice(5))),
      'mixed-case addresses',
    );
    assert.ok(users.some((u) => (u.otherMails as string[]).length > 0));
    const domains = new Set(users.map((u) => userDomain(u)));
    for (const d of ['contoso.example', 'contoso.co.example', 'northwind.example']) assert.ok(domains.has(d), d);
    assert.ok(users.some((u) => u.signInActivity !== null) && users.some((u) => u.signInActivity === null));
  });

  it('derives signInActivity from the sign-ins', () => {
    const withActivity = small.users.filter((u) => u.signInActivity && small.signIns.some((s) => s.userId === u.id));
    assert.ok(withActivity.length > 10);
    for (const u of withActivity) {
      const newest = small.signIns.find((s) => s.userId === u.id)!;
      const activity = u.signInActivity as Record<string, unknown>;
      assert.equal(activity.lastSignInDateTime, newest.createdDateTime);
      assert.equal(activity.lastSignInRequestId, newest.id);
    }
  });

  it('makes service principals of every kind', () => {
    const sps = small.servicePrincipals;
    for (const sp of sps) for (const f of SERVICE_PRINCIPAL_FIELDS) assert.ok(f in sp, `${String(sp.displayName)} lacks ${f}`);
    const firstParty = sps.filter((s) => s.appOwnerOrganizationId === MICROSOFT_TENANT_ID);
    assert.equal(firstParty.length, 15);
    assert.ok(firstParty.filter((s) => !small.assignments.has(s.id)).length >= 12, 'most first-party apps have no assignments');
    assert.ok(sps.some((s) => s.appOwnerOrganizationId === small.tenantId));
    assert.ok(sps.some((s) => (s.verifiedPublisher as GraphObject).displayName && s.appOwnerOrganizationId !== small.tenantId));
    assert.ok(sps.some((s) => s.servicePrincipalType === 'ManagedIdentity'));
    for (const mode of ['saml', 'oidc', 'password', null])
      assert.ok(
        sps.some((s) => s.preferredSingleSignOnMode === mode),
        String(mode),
      );
    assert.ok(
      sps.some(
        (s) =>
          s.preferredSingleSignOnMode === null && (s.replyUrls as string[]).length > 0 && s.appOwnerOrganizationId !== MICROSOFT_TENANT_ID,
      ),
    );
    assert.ok(sps.some((s) => s.appRoleAssignmentRequired === true) && sps.some((s) => s.appRoleAssignmentRequired === false));
    const roles = sps.flatMap((s) => s.appRoles as GraphObject[]);
    assert.ok(roles.length > 5);
    for (const r of roles) {
      assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(Object.keys(r).sort(), ['allowedMemberTypes', 'description', 'displayName', 'id', 'isEnabled', 'origin', 'value']);
    }
    assert.ok(roles.some((r) => r.value === null) && roles.some((r) => r.isEnabled === false));
  });

  it('makes groups with nested and non-user members, and >999 members only when asked', () => {
    const l = small.landmarks!;
    assert.ok([...small.groupMembers.values()].every((m) => m.length <= 999));
    const parent = small.groupMembers.get(l.parentGroup!)!;
    assert.ok(parent.includes(l.childGroup!));
    assert.ok(small.devices.some((d) => parent.includes(d.id)));
    assert.ok(small.contacts.some((c) => parent.includes(c.id)));
    assert.ok(small.servicePrincipals.some((s) => parent.includes(s.id)));
    assert.equal(small.groupMembers.get(l.emptyGroup!)!.length, 0);
    for (const g of l.twinGroups) assert.ok(small.groupMembers.get(g)!.includes(l.twinUser!));
    const big = generateTenant(5, { users: 2500, bigGroupSizes: [1500, 1001] }, NOW);
    assert.deepEqual(
      big.landmarks!.bigGroups.map((g) => big.groupMembers.get(g)!.length),
      [1500, 1001],
    );
    assert.equal(big.groups.length, 8 + KIND_GROUPS);
  });

  it('makes assignments with non-GUID ids, default access, unknown roles and all principal types', () => {
    const all = allAssignments(small);
    assert.equal(new Set(all.map((a) => a.id)).size, all.length);
    const principals = new Map([...small.users, ...small.groups, ...small.servicePrincipals].map((o) => [o.id, o]));
    const resources = new Map(small.servicePrincipals.map((s) => [s.id, s]));
    for (const [resourceId, list] of small.assignments) {
      for (const a of list) {
        assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
        assert.equal(a.resourceId, resourceId);
        assert.equal(a.resourceDisplayName, resources.get(resourceId)!.displayName);
        assert.equal(a.principalDisplayName, principals.get(String(a.principalId))!.displayName);
        assert.equal(a.deletedDateTime, null);
        assert.match(String(a.createdDateTime), SEVEN_DIGITS);
      }
    }
    for (const type of ['User', 'Group', 'ServicePrincipal'])
      assert.ok(
        all.some((a) => a.principalType === type),
        type,
      );
    assert.ok(all.some((a) => a.appRoleId === ZERO));
    const known = (a: GraphObject) => (resources.get(String(a.resourceId))!.appRoles as GraphObject[]).some((r) => r.id === a.appRoleId);
    assert.ok(all.some((a) => a.appRoleId !== ZERO && known(a)));
    assert.ok(
      all.some((a) => a.appRoleId !== ZERO && !known(a)),
      'an unknown appRoleId',
    );
    const twin = small.assignments.get(small.landmarks!.twinApp!)!;
    assert.deepEqual(
      twin
        .filter((a) => [small.landmarks!.twinUser, ...small.landmarks!.twinGroups].includes(String(a.principalId)))
        .map((a) => a.principalType),
      ['User', 'Group', 'Group'],
    );
  });

  it('makes sign-ins newest first, inside and beyond retention, with ties and 7-digit instants', () => {
    const keys = small.signIns.map((s) => instantKey(String(s.createdDateTime))!);
    assert.ok(keys.every((k) => k !== undefined));
    for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1]! >= keys[i]!, `order at ${i}`);
    const retention = instantKey(new Date(NOW.getTime() - 30 * DAY).toISOString())!;
    const nowKey = instantKey(NOW.toISOString())!;
    assert.equal(keys.filter((k) => k >= retention && k <= nowKey).length, 300);
    assert.equal(keys.filter((k) => k < retention).length, 20);
    const times = small.signIns.slice(0, 300).map((s) => String(s.createdDateTime));
    assert.ok(times.filter((t) => SEVEN_DIGITS.test(t)).length >= 250, 'most have 7 fractional digits');
    assert.ok(times.some((t) => WHOLE_SECONDS.test(t)));
    const counts = new Map<string, number>();
    for (const t of times) counts.set(t, (counts.get(t) ?? 0) + 1);
    assert.ok(
      [...counts.values()].some((c) => c >= 3),
      'a triple tie',
    );
    assert.ok(
      [...counts].some(([t, c]) => c >= 2 && WHOLE_SECONDS.test(t)),
      'a tie on a whole second',
    );
    const s = small.signIns;
    assert.ok(s.some((x) => x.location === null));
    assert.ok(s.some((x) => (x.location as GraphObject | null)?.city === ''));
    assert.ok(s.some((x) => typeof ((x.location as GraphObject | null)?.geoCoordinates as GraphObject | null)?.latitude === 'number'));
    assert.ok(s.some((x) => (x.appliedConditionalAccessPolicies as unknown[]).length === 0));
    assert.ok(s.some((x) => (x.appliedConditionalAccessPolicies as unknown[]).length > 0));
    assert.ok(s.some((x) => (x.status as GraphObject).errorCode === 0) && s.some((x) => (x.status as GraphObject).errorCode !== 0));
    assert.ok(s.some((x) => (x.deviceDetail as GraphObject).deviceId === '') && s.some((x) => x.userAgent === ''));
    const userIds = new Set(small.users.map((u) => u.id));
    assert.ok(s.every((x) => userIds.has(String(x.userId))));
  });

  it('describes the organization with its verified domains', () => {
    const org = small.organization;
    assert.equal(org.id, small.tenantId);
    const domains = org.verifiedDomains as GraphObject[];
    assert.deepEqual(
      domains.filter((d) => d.isDefault).map((d) => d.name),
      [small.defaultDomain],
    );
    assert.equal(domains.filter((d) => d.isInitial).length, 1);
    assert.ok(typeof org.displayName === 'string' && org.countryLetterCode === 'US' && org.tenantType === 'AAD');
  });

  it('generates 100k users, 200k sign-ins and 60k assignments quickly', (t) => {
    const started = performance.now();
    const big = generateTenant(
      99,
      { users: 100_000, signIns: 200_000, assignments: 60_000, servicePrincipals: 2_000, groups: 300, bigGroupSizes: [1_500, 6_000] },
      NOW,
    );
    const ms = Math.round(performance.now() - started);
    t.diagnostic(`generation: 100,000 users, 200,000 sign-ins, 60,000 assignments, 2,000 service principals in ${ms} ms`);
    console.log(`generation time: ${ms} ms for 100k users / 200k sign-ins / 60k assignments`);
    assert.equal(big.users.length, 100_000);
    assert.equal(big.signIns.length, 200_020);
    assert.equal(allAssignments(big).length, 60_000);
  });
});

// Hand-built objects: each derived rule checked against a value worked out by hand.
function user(fields: Record<string, unknown>): GraphObject {
  const base = Object.fromEntries(USER_FIELDS.map((f) => [f, null]));
  return { ...base, otherMails: [], proxyAddresses: [], userType: 'Member', ...fields } as unknown as GraphObject;
}

function handTenant(): Tenant {
  const users = [
    user({
      id: 'u-member',
      userPrincipalName: 'ann@contoso.example',
      mail: 'Ann@Contoso.example',
      givenName: 'Ann',
      surname: 'Lee',
      createdDateTime: '2020-01-02T03:04:05Z',
    }),
    user({ id: 'u-nulltype', userType: null, userPrincipalName: 'bo@northwind.example', mail: null }),
    user({
      id: 'u-guest',
      userType: 'Guest',
      userPrincipalName: 'cy_fabrikam.example#EXT#@contoso.example',
      mail: 'cy@fabrikam.example',
      employeeHireDate: '2021-05-03T00:00:00Z',
      createdDateTime: '2020-01-01T00:00:00Z',
    }),
    user({ id: 'u-upn-only', userPrincipalName: 'di@contoso.co.example', mail: 'di@mail.example' }),
    user({ id: 'u-concealed', userPrincipalName: `${'AB'.repeat(16)}@contoso.example`, displayName: 'Someone' }),
    user({ id: 'u-concealed-name', userPrincipalName: 'ed@contoso.example', displayName: 'c0ffee'.padEnd(32, '0') }),
  ];
  const sp = (id: string, fields: Record<string, unknown>): GraphObject => ({
    ...Object.fromEntries(SERVICE_PRINCIPAL_FIELDS.map((f) => [f, null])),
    id,
    appId: `app-${id}`,
    displayName: id,
    replyUrls: [],
    appRoles: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    ...fields,
  });
  const resource = sp('res', {
    appOwnerOrganizationId: 'tenant-1',
    appRoles: [
      {
        id: 'role-admin',
        value: 'Admin',
        displayName: 'Administrator',
        allowedMemberTypes: ['User'],
        isEnabled: true,
        origin: 'Application',
        description: null,
      },
    ],
  });
  const assignment = (id: string, principalId: string, principalType: string, appRoleId: string, principalDisplayName: string) => ({
    id,
    deletedDateTime: null,
    appRoleId,
    createdDateTime: '2024-01-01T00:00:00.1234567Z',
    principalDisplayName,
    principalId,
    principalType,
    resourceDisplayName: 'res',
    resourceId: 'res',
  });
  return {
    tenantId: 'tenant-1',
    defaultDomain: 'contoso.example',
    organization: { id: 'tenant-1', displayName: 'Contoso Ltd' },
    users,
    servicePrincipals: [
      resource,
      sp('verified', {
        appOwnerOrganizationId: 'vendor',
        verifiedPublisher: { displayName: 'Wingtip Toys, Inc.', verifiedPublisherId: '123', addedDateTime: null },
        preferredSingleSignOnMode: 'oidc',
        appRoleAssignmentRequired: false,
      }),
      sp('empty-publisher-own', {
        appOwnerOrganizationId: 'tenant-1',
        verifiedPublisher: { displayName: '', verifiedPublisherId: null, addedDateTime: null },
        preferredSingleSignOnMode: null,
        replyUrls: ['https://a.example/cb'],
        appRoleAssignmentRequired: true,
      }),
      sp('microsoft', {
        appOwnerOrganizationId: MICROSOFT_TENANT_ID,
        preferredSingleSignOnMode: '',
        replyUrls: ['https://b.example/cb'],
        appRoleAssignmentRequired: false,
      }),
      sp('unknown-owner', {
        appOwnerOrganizationId: 'vendor-2',
        preferredSingleSignOnMode: 'saml',
        replyUrls: ['https://c.example/acs'],
        appRoleAssignmentRequired: true,
      }),
      sp('managed', {
        appOwnerOrganizationId: null,
        servicePrincipalType: 'ManagedIdentity',
        preferredSingleSignOnMode: 'notSupported',
        replyUrls: ['https://d.example'],
      }),
    ],
    groups: [
      { id: 'g-1', displayName: 'Group One' },
      { id: 'g-2', displayName: 'Group Two' },
      { id: 'g-nested', displayName: 'Nested' },
    ],
    groupMembers: new Map([
      ['g-1', ['u-member', 'u-guest', 'g-nested', 'device-1', 'managed']],
      ['g-2', ['u-member']],
      ['g-nested', ['u-upn-only']],
    ]),
    devices: [{ id: 'device-1' }],
    contacts: [],
    assignments: new Map([
      [
        'res',
        [
          assignment('A-direct', 'u-member', 'User', ZERO, 'Ann Lee'),
          assignment('A-g1', 'g-1', 'Group', 'role-admin', 'Group One'),
          assignment('A-g2', 'g-2', 'Group', ZERO, 'Group Two'),
          assignment('A-sp', 'managed', 'ServicePrincipal', 'role-gone', 'managed'),
        ],
      ],
    ]),
    signIns: [
      {
        id: 's-new',
        createdDateTime: '2026-06-15T11:00:00.0000001Z',
        location: { city: 'Redmond', state: 'Washington', countryOrRegion: 'US' },
      },
      { id: 's-tie-a', createdDateTime: '2026-06-15T10:00:00Z', location: { city: '', state: '', countryOrRegion: 'US' } },
      { id: 's-tie-b', createdDateTime: '2026-06-15T10:00:00Z', location: null },
      {
        id: 's-sub',
        createdDateTime: '2026-06-15T09:00:00.1234567Z',
        location: { city: '', state: '', countryOrRegion: '', geoCoordinates: {} },
      },
      { id: 's-old', createdDateTime: '2026-05-01T00:00:00.0000000Z', location: null },
    ],
    now: NOW,
    retentionDays: 30,
  };
}

describe('truth', () => {
  it('derives emailAliases from smtp proxies and otherMails, lower-cased, de-duplicated, sorted, without the primary', () => {
    const u = user({
      mail: 'Alex@Contoso.example',
      proxyAddresses: [
        'SMTP:alex@contoso.example',
        'smtp:Alex.W@Contoso.co.example',
        'SIP:alex@contoso.example',
        'X500:/o=ExchangeLabs/cn=alex',
        'smtp:b@northwind.example',
      ],
      otherMails: ['ALEX.W@contoso.co.example', 'zed@home.example', 'ALEX@CONTOSO.EXAMPLE'],
    });
    assert.deepEqual(emailAliases(u), ['alex.w@contoso.co.example', 'b@northwind.example', 'zed@home.example']);
    assert.deepEqual(emailAliases(user({ mail: null, proxyAddresses: ['smtp:x@contoso.onmicrosoft.example'] })), [
      'x@contoso.onmicrosoft.example',
    ]);
    assert.deepEqual(emailAliases(user({ mail: 'a@b.example', proxyAddresses: ['SMTP:a@b.example'] })), []);
  });

  it('derives activeDate, location and domain', () => {
    assert.equal(
      activeDate(user({ employeeHireDate: '2021-05-03T00:00:00Z', createdDateTime: '2020-01-01T00:00:00Z' })),
      '2021-05-03T00:00:00Z',
    );
    assert.equal(activeDate(user({ createdDateTime: '2020-01-01T00:00:00.1234567Z' })), '2020-01-01T00:00:00.1234567Z');
    assert.equal(activeDate(user({})), null);
    assert.equal(userLocation(user({ officeLocation: '19/3123', city: 'Redmond' })), '19/3123');
    assert.equal(userLocation(user({ officeLocation: '', city: 'Dublin', state: '', country: 'Ireland' })), 'Dublin, Ireland');
    assert.equal(userLocation(user({ city: null, state: 'Ontario', country: null })), 'Ontario');
    assert.equal(userLocation(user({ officeLocation: '', city: '' })), null);
    assert.equal(userDomain(user({ mail: 'Ann@Contoso.CO.example', userPrincipalName: 'ann@contoso.example' })), 'contoso.co.example');
    assert.equal(userDomain(user({ mail: null, userPrincipalName: 'cy_fabrikam.example#EXT#@Contoso.example' })), 'contoso.example');
    assert.equal(userDomain(user({ mail: null, userPrincipalName: null })), null);
  });

  it('filters users by type and domain, keeps null userType, and never emits concealed identities', () => {
    const t = handTenant();
    const ids = (o: Parameters<typeof truthUsers>[1]) => truthUsers(t, o).map((r) => r.id);
    assert.deepEqual(ids({}), ['u-member', 'u-nulltype', 'u-upn-only']);
    assert.deepEqual(ids({ includeGuests: true }), ['u-member', 'u-nulltype', 'u-guest', 'u-upn-only']);
    assert.deepEqual(ids({ includeGuests: true, domains: ['fabrikam.example'] }), ['u-guest']);
    assert.deepEqual(ids({ domains: ['fabrikam.example'] }), []);
    // UPN domain counts when mail is elsewhere; mail domain counts when the UPN is elsewhere.
    assert.deepEqual(ids({ domains: ['contoso.co.example'] }), ['u-upn-only']);
    assert.deepEqual(ids({ domains: ['mail.example', 'northwind.example'] }), ['u-nulltype', 'u-upn-only']);
    assert.deepEqual(ids({ includeGuests: true, domains: ['contoso.example'] }), ['u-member', 'u-guest']);
    assert.ok(isConcealed(t.users[4]!) && isConcealed(t.users[5]!) && !isConcealed(t.users[0]!));
    assert.equal(concealedUserCount(t), 2);
    assert.equal(concealedUserCount(t, { domains: ['northwind.example'] }), 0);
    const [ann] = truthUsers(t, {});
    assert.deepEqual(Object.keys(ann!), [...USER_FIELDS, 'emailAliases', 'activeDate', 'location', 'domain', 'managerId']);
    assert.equal(ann!.domain, 'contoso.example');
    assert.equal(ann!.activeDate, '2020-01-02T03:04:05Z');
    assert.ok(!('signInActivity' in ann!));
    assert.ok('signInActivity' in truthUsers(t, { includeSignInActivity: true })[0]!);
  });

  it('never emits the generated concealed users, and counts them', () => {
    const all = truthUsers(small, { includeGuests: true });
    assert.equal(all.length + concealedUserCount(small, { includeGuests: true }), small.users.length);
    assert.ok(concealedUserCount(small, { includeGuests: true }) >= 3);
    assert.ok(all.every((r) => !HEX32.test(String(r.displayName))));
  });

  it('derives publisher, openAccess, oauth2Integration, isFirstParty and tenantId', () => {
    const rows = new Map(truthServicePrincipals(handTenant()).map((r) => [r.id, r]));
    const facts = (id: string) => {
      const r = rows.get(id)!;
      return [r.publisher, r.openAccess, r.oauth2Integration, r.isFirstParty, r.tenantId];
    };
    assert.deepEqual(facts('verified'), ['Wingtip Toys, Inc.', true, true, false, 'tenant-1']);
    assert.deepEqual(facts('empty-publisher-own'), ['Contoso Ltd', false, true, false, 'tenant-1']);
    assert.deepEqual(facts('microsoft'), ['Microsoft', true, true, true, 'tenant-1']);
    assert.deepEqual(facts('unknown-owner'), [null, false, false, false, 'tenant-1']);
    assert.deepEqual(facts('managed'), [null, false, false, false, 'tenant-1']);
    assert.deepEqual(Object.keys(rows.get('res')!), [
      ...SERVICE_PRINCIPAL_FIELDS,
      'openAccess',
      'publisher',
      'oauth2Integration',
      'isFirstParty',
      'tenantId',
    ]);
  });

  it('expands group assignments to direct user members only and names default access', () => {
    const rows = truthAppRoleAssignments(handTenant());
    const brief = rows.map((r) => [r.id, r.userId, r.viaGroupId, r.appRoleValue, r.appRoleDisplayName, r.email, r.activeDate]);
    assert.deepEqual(brief, [
      ['A-direct', 'u-member', null, null, 'Default Access', 'Ann@Contoso.example', '2020-01-02T03:04:05Z'],
      ['A-g1', 'u-member', 'g-1', 'Admin', 'Administrator', 'Ann@Contoso.example', '2020-01-02T03:04:05Z'],
      ['A-g1', 'u-guest', 'g-1', 'Admin', 'Administrator', 'cy@fabrikam.example', '2021-05-03T00:00:00Z'],
      ['A-g2', 'u-member', 'g-2', null, 'Default Access', 'Ann@Contoso.example', '2020-01-02T03:04:05Z'],
      ['A-sp', 'managed', null, null, null, null, null],
    ]);
    assert.equal(rows[1]!.viaGroupDisplayName, 'Group One');
    assert.equal(rows[1]!.principalId, 'g-1');
    assert.equal(rows[0]!.appId, 'app-res');
    assert.equal(rows[0]!.givenName, 'Ann');
    assert.equal(rows[4]!.userPrincipalName, null);
  });

  it('gives the user assigned directly and through two groups three distinct (id, userId) keys', () => {
    const { twinUser, twinApp, twinGroups } = small.landmarks!;
    const rows = truthAppRoleAssignments(small).filter((r) => r.resourceId === twinApp && r.userId === twinUser);
    assert.equal(rows.length, 3);
    assert.equal(new Set(rows.map((r) => `${String(r.id)}|${String(r.userId)}`)).size, 3);
    assert.deepEqual(
      rows.map((r) => r.viaGroupId),
      [null, ...twinGroups],
    );
    const all = truthAppRoleAssignments(small);
    assert.equal(new Set(all.map((r) => `${String(r.id)}|${String(r.userId)}`)).size, all.length, 'primary key unique');
    // The nested group, the device, the contact and the service principal in the parent group are not people.
    const parentRows = all.filter((r) => r.viaGroupId === small.landmarks!.parentGroup);
    const userIds = new Set(small.users.map((u) => u.id));
    assert.ok(parentRows.length > 0 && parentRows.every((r) => userIds.has(String(r.userId))));
    assert.ok(all.every((r) => r.viaGroupId !== small.landmarks!.emptyGroup));
  });

  it('selects sign-ins in [from, to) within retention at 100-ns precision, with loginLocation', () => {
    const t = handTenant();
    const ids = (from: string, to: string) => truthSignIns(t, new Date(from), new Date(to)).map((r) => r.id);
    assert.deepEqual(ids('2026-06-15T10:00:00Z', '2026-06-15T11:00:00Z'), ['s-tie-a', 's-tie-b']);
    assert.deepEqual(ids('2026-06-15T09:00:00Z', '2026-06-15T10:00:00Z'), ['s-sub']);
    assert.deepEqual(ids('2026-06-15T09:00:00.123Z', '2026-06-15T09:00:00.124Z'), ['s-sub']);
    assert.deepEqual(ids('2026-06-15T09:00:00.124Z', '2026-06-15T10:00:00Z'), []);
    assert.deepEqual(ids('2026-06-15T11:00:00Z', '2026-06-15T11:00:00.001Z'), ['s-new']);
    assert.deepEqual(ids('2026-01-01T00:00:00Z', '2026-07-01T00:00:00Z'), ['s-new', 's-tie-a', 's-tie-b', 's-sub']); // s-old is beyond retention
    const rows = truthSignIns(t, new Date('2026-01-01T00:00:00Z'), new Date('2026-07-01T00:00:00Z'));
    assert.deepEqual(
      rows.map((r) => r.loginLocation),
      ['Redmond, Washington, US', 'US', null, null],
    );
    assert.equal(loginLocation({ id: 'x', location: { city: 'Dublin', state: '', countryOrRegion: 'IE' } }), 'Dublin, IE');
    assert.equal(truthSignIns(small, new Date(0), new Date(NOW.getTime() + DAY)).length, 300);
  });
});

describe('applyMutations', () => {
  const counts = { creates: 2, updates: 4, softDeletes: 2, hardDeletes: 1, restores: 1 };

  it('records every change in the change log with consecutive sequence numbers', () => {
    const t = generateTenant(11, {}, NOW);
    const changes = applyMutations(t, 5, counts);
    assert.deepEqual(t.changeLog, changes);
    assert.deepEqual(
      changes.map((c) => c.seq),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    for (const resource of ['users', 'servicePrincipals'] as const) {
      const kinds = changes.filter((c) => c.resource === resource).map((c) => c.kind);
      assert.deepEqual(kinds, [
        'updated',
        'updated',
        'updated',
        'updated',
        'updated',
        'updated',
        'changed',
        'changed',
        'deleted',
        'updated',
      ]);
    }
    assert.equal(t.users.length, 60 + 2 - 2 - 1 + 1);
    assert.equal(t.servicePrincipals.length, 25 + 2 - 2 - 1 + 1);
    const more = applyMutations(t, 5, { updates: 1, resources: ['users'] });
    assert.deepEqual(
      more.map((c) => [c.seq, c.resource, c.kind]),
      [[21, 'users', 'updated']],
    );
    assert.equal(snapshot(t) === snapshot(small), false);
  });

  it('is deterministic for a seed', () => {
    const a = generateTenant(11, {}, NOW);
    const b = generateTenant(11, {}, NOW);
    assert.deepEqual(applyMutations(a, 9, counts), applyMutations(b, 9, counts));
    assert.equal(snapshot(a), snapshot(b));
    assert.deepEqual([...a.deletedItems!], [...b.deletedItems!]);
  });

  it('creates, updates, soft-deletes, hard-deletes and restores users as the change log says', () => {
    const t = generateTenant(11, {}, NOW);
    const before = new Map(t.users.map((u) => [u.id, u]));
    const defaultRosterBefore = new Set(truthUsers(t, {}).map((r) => r.id));
    const changes = applyMutations(t, 5, { ...counts, resources: ['users'] });
    const now = new Map(t.users.map((u) => [u.id, u]));
    const [c1, c2, u1, u2, u3, u4, soft1, soft2, hard, restored] = changes;
    for (const c of [c1!, c2!]) assert.ok(now.has(c.id) && !before.has(c.id));
    const created = now.get(c1!.id)!;
    for (const f of USER_FIELDS) assert.ok(f in created);
    for (const c of [u1!, u2!, u3!, u4!]) {
      assert.ok(now.has(c.id));
      assert.notDeepEqual(now.get(c.id), before.get(c.id));
      assert.notEqual(now.get(c.id), before.get(c.id), 'objects are replaced, not modified');
    }
    assert.notEqual(now.get(u1!.id)!.department, before.get(u1!.id)!.department);
    assert.notEqual(now.get(u2!.id)!.mail, before.get(u2!.id)!.mail);
    assert.notEqual(now.get(u3!.id)!.userType, before.get(u3!.id)!.userType);
    // The userType change moves that user across the include_guests filter.
    const defaultRosterAfter = new Set(truthUsers(t, {}).map((r) => r.id));
    assert.notEqual(defaultRosterAfter.has(u3!.id), defaultRosterBefore.has(u3!.id));
    assert.notEqual(userDomain(now.get(u4!.id)!), userDomain(before.get(u4!.id)!));
    // The restore brings back the oldest soft-deleted object: soft1.
    assert.equal(restored!.id, soft1!.id);
    assert.ok(now.has(soft1!.id) && !t.deletedItems!.has(soft1!.id));
    assert.ok(!now.has(soft2!.id) && t.deletedItems!.get(soft2!.id)!.object === before.get(soft2!.id));
    assert.ok(!now.has(hard!.id) && !t.deletedItems!.has(hard!.id));
    assert.ok(truthUsers(t, { includeGuests: true }).every((r) => r.id !== soft2!.id && r.id !== hard!.id));
  });

  it('detaches deleted users from groups and assignments, and a restore re-attaches them', () => {
    const t = generateTenant(11, {}, NOW);
    const roster = () =>
      truthAppRoleAssignments(t)
        .map((r) => `${String(r.id)}|${String(r.userId)}`)
        .sort();
    const members = () => [...t.groupMembers].map(([g, m]) => `${g}:${[...m].sort().join(',')}`).sort();
    const rosterBefore = roster();
    const membersBefore = members();
    const deleted = applyMutations(t, 3, { softDeletes: 12, resources: ['users'] });
    const bin = [...t.deletedItems!.values()];
    assert.ok(bin.some((d) => d.groupIds.length > 0) && bin.some((d) => d.assignments.length > 0));
    const gone = new Set(deleted.map((c) => c.id));
    assert.ok(roster().every((k) => !gone.has(k.split('|')[1]!)));
    assert.ok([...t.groupMembers.values()].every((m) => m.every((id) => !gone.has(id))));
    applyMutations(t, 3, { restores: 12, resources: ['users'] });
    assert.equal(t.deletedItems!.size, 0);
    assert.deepEqual(roster(), rosterBefore);
    assert.deepEqual(members(), membersBefore);
  });

  it('soft-deletes a service principal with its assignments and restores them', () => {
    const t = generateTenant(11, {}, NOW);
    const before = truthAppRoleAssignments(t).length;
    const [soft] = applyMutations(t, 21, { softDeletes: 6, resources: ['servicePrincipals'] }).filter(
      (c) => t.deletedItems!.get(c.id)!.assignedTo.length > 0,
    );
    assert.ok(soft, 'one of the deleted apps had assignments');
    assert.ok(!t.assignments.has(soft.id));
    assert.ok(truthAppRoleAssignments(t).length < before);
    assert.ok(truthServicePrincipals(t).every((r) => r.id !== soft.id));
    applyMutations(t, 21, { restores: 6, resources: ['servicePrincipals'] });
    assert.equal(truthAppRoleAssignments(t).length, before);
  });

  it('never deletes the generator landmarks', () => {
    const t = generateTenant(11, {}, NOW);
    applyMutations(t, 1, { softDeletes: 25, hardDeletes: 25 });
    assert.ok(t.users.some((u) => u.id === t.landmarks!.twinUser));
    assert.ok(t.servicePrincipals.some((s) => s.id === t.landmarks!.twinApp));
  });
});
