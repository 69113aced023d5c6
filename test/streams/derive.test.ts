// Unit tests of the directory streams' pure derivations, filters, record builders and the assignment buffer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toAssignmentRow } from '../../source-azure-client-credentials/streams/app-role-assignments/app-role-assignments.js';
import { type Assignment, AssignmentBuffer } from '../../source-azure-client-credentials/streams/app-role-assignments/assignment-buffer.js';
import {
  activeDate,
  domainOf,
  emailAliases,
  isConcealed,
  isFirstParty,
  joinNonEmpty,
  keepUser,
  location,
  oauth2Integration,
  openAccess,
  publisher,
  resolveAppRole,
  userDomain,
} from '../../source-azure-client-credentials/streams/derive.js';
import { toServicePrincipalRecord } from '../../source-azure-client-credentials/streams/service-principals.js';
import { toUserRecord, USER_FIELDS } from '../../source-azure-client-credentials/streams/users.js';

const MICROSOFT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const TENANT = { id: '11111111-2222-3333-4444-555555555555', displayName: 'Contoso Example' };

describe('emailAliases', () => {
  it('takes smtp entries of proxyAddresses and otherMails, lower-cased, de-duplicated, sorted, without the primary mail', () => {
    assert.deepEqual(
      emailAliases(
        'Ada.Lovelace@Contoso.example',
        [
          'SMTP:ada.lovelace@contoso.example',
          'smtp:Ada@contoso.example',
          'SIP:ada@contoso.example',
          'X500:/o=x',
          'smtp:zed@fabrikam.example',
        ],
        ['ADA@contoso.example', 'ada.personal@mail.example', 'ada.lovelace@CONTOSO.example'],
      ),
      ['ada.personal@mail.example', 'ada@contoso.example', 'zed@fabrikam.example'],
    );
  });
  it('keeps a primary-looking address when mail is null, and is [] when there is nothing', () => {
    assert.deepEqual(emailAliases(null, ['SMTP:a@contoso.example'], null), ['a@contoso.example']);
    assert.deepEqual(emailAliases('a@contoso.example', null, undefined), []);
    assert.deepEqual(emailAliases('a@contoso.example', [], ['']), []);
  });
});

describe('activeDate, location, domain', () => {
  it('activeDate prefers employeeHireDate, then createdDateTime, else null', () => {
    assert.equal(activeDate('2020-01-02T00:00:00Z', '2019-05-05T10:00:00Z'), '2020-01-02T00:00:00Z');
    assert.equal(activeDate(null, '2019-05-05T10:00:00Z'), '2019-05-05T10:00:00Z');
    assert.equal(activeDate(undefined, null), null);
  });
  it('location is officeLocation when non-empty, else city/state/country joined', () => {
    assert.equal(location('Building 7', 'Redmond', 'WA', 'US'), 'Building 7');
    assert.equal(location('', 'Redmond', null, 'US'), 'Redmond, US');
    assert.equal(location(null, '', '', 'US'), 'US');
    assert.equal(location(null, null, null, null), null);
    assert.equal(joinNonEmpty(['', null, undefined]), null);
    assert.equal(joinNonEmpty(['', 'Oslo', null, 'NO']), 'Oslo, NO');
  });
  it('domain comes from mail, else from the UPN after its last @, lower-cased', () => {
    assert.equal(userDomain('Ann@Fabrikam.example', 'ann@contoso.example'), 'fabrikam.example');
    assert.equal(userDomain(null, 'bob_fabrikam.example#EXT#@Contoso.onmicrosoft.example'), 'contoso.onmicrosoft.example');
    assert.equal(userDomain('', 'noat'), null);
    assert.equal(userDomain(null, null), null);
    assert.equal(domainOf('a@b@C.example'), 'c.example');
  });
});

describe('roster filters', () => {
  const member = { userType: 'Member', mail: 'a@contoso.example', userPrincipalName: 'a@contoso.example' };
  const guest = { userType: 'Guest', mail: 'g@fabrikam.example', userPrincipalName: 'g_fabrikam.example#EXT#@contoso.example' };
  const legacy = { userType: null, mail: null, userPrincipalName: 'old@legacy.example' };
  it('include_guests false keeps Member and null userType; true also keeps Guest', () => {
    const none = { includeGuests: false, domains: [] };
    assert.deepEqual(
      [member, guest, legacy].map((u) => keepUser(u, none)),
      [true, false, true],
    );
    const all = { includeGuests: true, domains: [] };
    assert.deepEqual(
      [member, guest, legacy].map((u) => keepUser(u, all)),
      [true, true, true],
    );
    assert.equal(keepUser({ userType: 'Other' }, all), false);
  });
  it('domain_names matches the mail domain or the UPN domain', () => {
    const filter = (domains: string[]) => ({ includeGuests: true, domains });
    assert.deepEqual(
      [member, guest, legacy].map((u) => keepUser(u, filter(['fabrikam.example']))),
      [false, true, false],
    );
    // The guest's UPN is in the tenant's domain, so contoso.example keeps it too.
    assert.deepEqual(
      [member, guest, legacy].map((u) => keepUser(u, filter(['contoso.example']))),
      [true, true, false],
    );
    assert.deepEqual(
      [member, guest, legacy].map((u) => keepUser(u, filter(['legacy.example', 'x.example']))),
      [false, false, true],
    );
  });
  it('concealed identities are 32-hex display names or UPN local parts', () => {
    const hash = '0123456789ABCDEF0123456789abcdef';
    assert.equal(isConcealed(hash, 'someone@contoso.example'), true);
    assert.equal(isConcealed('Someone', `${hash}@contoso.example`), true);
    assert.equal(isConcealed('Someone', 'someone@contoso.example'), false);
    assert.equal(isConcealed(`${hash}0`, `x${hash}@contoso.example`), false);
    assert.equal(isConcealed(null, null), false);
  });
});

describe('service principal derivations', () => {
  it('openAccess is true only for appRoleAssignmentRequired === false', () => {
    assert.deepEqual([false, true, null, undefined].map(openAccess), [true, false, false, false]);
  });
  it('publisher: verified publisher, else own tenant name, else Microsoft for first party, else null', () => {
    assert.equal(publisher({ verifiedPublisher: { displayName: 'Fabrikam' }, appOwnerOrganizationId: MICROSOFT }, TENANT), 'Fabrikam');
    assert.equal(
      publisher({ verifiedPublisher: { displayName: '' }, appOwnerOrganizationId: TENANT.id.toUpperCase() }, TENANT),
      'Contoso Example',
    );
    assert.equal(publisher({ verifiedPublisher: null, appOwnerOrganizationId: MICROSOFT }, TENANT), 'Microsoft');
    assert.equal(
      publisher({ verifiedPublisher: { displayName: null }, appOwnerOrganizationId: '99999999-2222-3333-4444-555555555555' }, TENANT),
      null,
    );
    assert.equal(publisher({}, TENANT), null);
  });
  it('oauth2Integration: oidc, or no SSO mode with reply URLs', () => {
    assert.equal(oauth2Integration('oidc', []), true);
    assert.equal(oauth2Integration(null, ['https://app.contoso.example/signin']), true);
    assert.equal(oauth2Integration('', ['https://app.contoso.example/signin']), true);
    assert.equal(oauth2Integration('saml', ['https://app.contoso.example/signin']), false);
    assert.equal(oauth2Integration(null, []), false);
    assert.equal(oauth2Integration(null, null), false);
  });
  it("isFirstParty compares appOwnerOrganizationId with Microsoft's tenant", () => {
    assert.equal(isFirstParty(MICROSOFT), true);
    assert.equal(isFirstParty(TENANT.id), false);
    assert.equal(isFirstParty(null), false);
  });
  it('a record has every selected field (null when Graph omits it), the derived fields and the tenant id', () => {
    const record = toServicePrincipalRecord(
      { id: 'sp1', appId: 'app1', appRoleAssignmentRequired: false, replyUrls: ['https://x.example'] },
      TENANT,
    );
    assert.equal(record.homepage, null);
    assert.equal(record.verifiedPublisher, null);
    assert.deepEqual(
      [record.openAccess, record.oauth2Integration, record.isFirstParty, record.publisher, record.tenantId],
      [true, true, false, null, TENANT.id],
    );
  });
});

describe('app roles and assignment rows', () => {
  const roles = [{ id: 'r1', value: 'Admin', displayName: 'Administrator' }];
  it('resolves a role by id, default access for the all-zero id, nulls for an unknown id', () => {
    assert.deepEqual(resolveAppRole(roles, 'r1'), { appRoleValue: 'Admin', appRoleDisplayName: 'Administrator' });
    assert.deepEqual(resolveAppRole(roles, '00000000-0000-0000-0000-000000000000'), {
      appRoleValue: null,
      appRoleDisplayName: 'Default Access',
    });
    assert.deepEqual(resolveAppRole(roles, 'gone'), { appRoleValue: null, appRoleDisplayName: null });
    assert.deepEqual(resolveAppRole(null, null), { appRoleValue: null, appRoleDisplayName: null });
  });
  const assignment: Assignment = {
    id: 'asg-1',
    appRoleId: 'r1',
    createdDateTime: '2024-01-01T00:00:00Z',
    principalId: 'g1',
    principalType: 'Group',
    principalDisplayName: 'Sales',
    resourceId: 'sp1',
    resourceDisplayName: 'Payroll',
  };
  it('a group row carries the member as person and the group as via; a service principal row has no person', () => {
    const person = {
      id: 'u1',
      mail: 'u1@contoso.example',
      givenName: 'U',
      surname: 'One',
      userPrincipalName: 'u1@contoso.example',
      employeeHireDate: null,
      createdDateTime: '2023-02-02T00:00:00Z',
    };
    const row = toAssignmentRow(assignment, { appId: 'app1', appRoles: roles }, person, { id: 'g1', displayName: 'Sales' });
    assert.deepEqual(row, {
      ...assignment,
      appId: 'app1',
      appRoleValue: 'Admin',
      appRoleDisplayName: 'Administrator',
      userId: 'u1',
      email: 'u1@contoso.example',
      givenName: 'U',
      surname: 'One',
      userPrincipalName: 'u1@contoso.example',
      activeDate: '2023-02-02T00:00:00Z',
      viaGroupId: 'g1',
      viaGroupDisplayName: 'Sales',
    });
    const sp = toAssignmentRow({ ...assignment, principalId: 'sp9', principalType: 'ServicePrincipal' }, undefined, null, null);
    assert.deepEqual(
      [sp.userId, sp.email, sp.activeDate, sp.viaGroupId, sp.viaGroupDisplayName, sp.appId, sp.appRoleDisplayName],
      ['sp9', null, null, null, null, null, null],
    );
  });
});

describe('AssignmentBuffer', () => {
  it('round-trips assignments exactly, grouped by principal, and releases them on take', () => {
    const buffer = new AssignmentBuffer('User');
    const a = (id: string, principalId: string, resourceId: string, extra: Partial<Assignment> = {}): Assignment => ({
      id,
      appRoleId: '00000000-0000-0000-0000-000000000000',
      createdDateTime: null,
      principalId,
      principalType: 'User',
      principalDisplayName: `P "${principalId}"`,
      resourceId,
      resourceDisplayName: `App ${resourceId}`,
      ...extra,
    });
    const items = [
      a('1', 'u1', 'sp1'),
      a('2', 'u1', 'sp2', { appRoleId: null }),
      a('3', 'u2', 'sp1', { createdDateTime: '2024-03-03T03:03:03Z' }),
      a('4', 'u1', 'sp1'),
    ];
    for (const item of items) buffer.add(item);
    assert.equal(buffer.assignments, 4);
    assert.equal(buffer.principals, 2);
    assert.deepEqual(buffer.principalIds(), ['u1', 'u2']);
    assert.deepEqual(buffer.peek('u2'), [items[2]]);
    assert.deepEqual(buffer.take('u1'), [items[0], items[1], items[3]]);
    assert.equal(buffer.take('u1'), undefined);
    assert.equal(buffer.assignments, 1);
    assert.equal(buffer.principals, 1);
    // Emptied, it forgets what its assignments shared; filled again, it still round-trips them exactly.
    assert.deepEqual(buffer.take('u2'), [items[2]]);
    const again = [a('5', 'u3', 'sp2'), a('6', 'u3', 'sp3', { resourceDisplayName: null, appRoleId: null }), a('7', 'u4', 'sp1')];
    for (const item of again) buffer.add(item);
    assert.deepEqual(buffer.take('u3'), [again[0], again[1]]);
    assert.deepEqual(buffer.take('u4'), [again[2]]);
    assert.equal(buffer.assignments, 0);
  });
});

describe('user records', () => {
  it('carry every selected field (null when absent), the derived fields, and signInActivity only when asked for', () => {
    const user = {
      id: 'u1',
      mail: 'A@Contoso.example',
      proxyAddresses: ['smtp:b@contoso.example'],
      createdDateTime: '2020-01-01T00:00:00Z',
      city: 'Oslo',
    };
    const record = toUserRecord(user, { signInActivity: false, extra: [] });
    // Written out by hand (not from the connector's field list): every property the users stream selects, then the derived ones.
    const expected = {
      id: 'u1',
      userPrincipalName: null,
      mail: 'A@Contoso.example',
      otherMails: null,
      proxyAddresses: ['smtp:b@contoso.example'],
      givenName: null,
      surname: null,
      displayName: null,
      createdDateTime: '2020-01-01T00:00:00Z',
      department: null,
      officeLocation: null,
      city: 'Oslo',
      state: null,
      country: null,
      usageLocation: null,
      jobTitle: null,
      companyName: null,
      employeeId: null,
      employeeHireDate: null,
      employeeType: null,
      accountEnabled: null,
      userType: null,
      externalUserState: null,
      creationType: null,
      assignedLicenses: null,
      emailAliases: ['b@contoso.example'],
      activeDate: '2020-01-01T00:00:00Z',
      location: 'Oslo',
      domain: 'contoso.example',
      managerId: null,
    };
    assert.deepStrictEqual({ ...record }, expected);
    // The keys' order is the order of the columns in every RECORD line: the selected fields as USER_FIELDS lists them
    // (toUserRecord writes them out one by one), then the derived ones.
    assert.deepEqual(Object.keys(record), Object.keys(expected));
    assert.deepEqual(Object.keys(record).slice(0, USER_FIELDS.length), [...USER_FIELDS]);
    assert.equal('signInActivity' in record, false);
    assert.deepStrictEqual({ ...toUserRecord(user, { signInActivity: true, extra: [] }) }, { ...expected, signInActivity: null });
  });

  it('carry the manager from $expand or from manager@delta (a removed manager is null), and additional properties', () => {
    const none = { signInActivity: false, extra: [] };
    const manager = (fields: Record<string, unknown>) => toUserRecord({ id: 'u1', ...fields }, none).managerId;
    assert.equal(manager({ manager: { '@odata.type': '#microsoft.graph.user', id: 'm1' } }), 'm1');
    assert.equal(manager({ manager: null }), null);
    // Microsoft's known issues say $select nested in $expand may be ignored on directory objects: a whole manager keeps its id alone.
    assert.equal(
      manager({ manager: { '@odata.type': '#microsoft.graph.orgContact', id: 'c1', displayName: 'Ann', mail: 'a@x.example' } }),
      'c1',
    );
    assert.equal(manager({}), null);
    assert.equal(manager({ 'manager@delta': [{ '@odata.type': '#microsoft.graph.user', id: 'm2' }] }), 'm2');
    assert.equal(manager({ 'manager@delta': [{ id: 'm2', '@removed': { reason: 'deleted' } }] }), null);
    assert.equal(manager({ 'manager@delta': [{ id: 'm1', '@removed': { reason: 'deleted' } }, { id: 'm3' }] }), 'm3');
    assert.equal(manager({ 'manager@delta': [] }), null);
    // The annotation, when present, is what changed; a stale expanded object next to it does not win.
    assert.equal(manager({ manager: { id: 'm1' }, 'manager@delta': [{ id: 'm1', '@removed': {} }] }), null);

    const extension = 'extension_0123456789abcdef0123456789abcdef_costCenter';
    const extra = [
      { name: 'onPremisesSamAccountName', type: 'String' },
      { name: extension },
      { name: 'employeeOrgData', type: 'employeeOrgData' },
    ];
    const record = toUserRecord(
      { id: 'u1', onPremisesSamAccountName: 'ada', EXTENSION_0123456789ABCDEF0123456789ABCDEF_COSTCENTER: 'CC-1' } as never,
      { signInActivity: false, extra },
    );
    assert.equal(record.onPremisesSamAccountName, 'ada');
    assert.equal(record[extension], 'CC-1', 'an extension is found whatever the case Graph spells it in');
    assert.equal(record.employeeOrgData, null, 'a property Graph left out is null');
    assert.equal(toUserRecord({ id: 'u2' }, { signInActivity: false, extra })[extension], null);
  });
});
