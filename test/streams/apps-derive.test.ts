// Unit tests: the pure pieces of applications, oauth2_permission_grants, subscribed_skus and directory_role_assignments.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Config } from '../../source-azure-client-credentials/config.js';
import { ConnectorError } from '../../source-azure-client-credentials/errors.js';
import { flattenCredentials, nextCredentialExpiry } from '../../source-azure-client-credentials/streams/applications/credentials.js';
import { expandedOwnerIds } from '../../source-azure-client-credentials/streams/applications/owners.js';
import { parseDeltaState } from '../../source-azure-client-credentials/streams/delta.js';
import { toRoleAssignmentRecord } from '../../source-azure-client-credentials/streams/directory-role-assignments.js';
import { splitScopes, toGrantRecord } from '../../source-azure-client-credentials/streams/oauth2-permission-grants.js';
import { availableUnits } from '../../source-azure-client-credentials/streams/subscribed-skus.js';

describe('credentials', () => {
  const password = {
    keyId: 'p1',
    displayName: 'ci',
    startDateTime: '2026-01-01T00:00:00Z',
    endDateTime: '2027-01-01T00:00:00Z',
    hint: 'aB3',
  };
  const certificate = {
    keyId: 'k1',
    displayName: 'CN=app',
    startDateTime: '2025-01-01T00:00:00Z',
    endDateTime: '2026-06-01T00:00:00.1234567Z',
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  };

  test('passwords then certificates, metadata only: the key blob, secretText and customKeyIdentifier are left out', () => {
    const withSecrets = [{ ...password, secretText: 'never', customKeyIdentifier: 'x' }];
    const keys = [{ ...certificate, key: 'MIIB...', customKeyIdentifier: 'thumb' }];
    assert.deepEqual(flattenCredentials(withSecrets, keys), [
      {
        type: 'password',
        keyId: 'p1',
        displayName: 'ci',
        startDateTime: password.startDateTime,
        endDateTime: password.endDateTime,
        hint: 'aB3',
        keyType: null,
        keyUsage: null,
      },
      {
        type: 'certificate',
        keyId: 'k1',
        displayName: 'CN=app',
        startDateTime: certificate.startDateTime,
        endDateTime: certificate.endDateTime,
        hint: null,
        keyType: 'AsymmetricX509Cert',
        keyUsage: 'Verify',
      },
    ]);
    assert.deepEqual(flattenCredentials(null, undefined), []);
    assert.deepEqual(flattenCredentials([{}], []), [
      {
        type: 'password',
        keyId: null,
        displayName: null,
        startDateTime: null,
        endDateTime: null,
        hint: null,
        keyType: null,
        keyUsage: null,
      },
    ]);
  });

  test('nextCredentialExpiry: the earliest end later than the sync start, as Graph wrote it; expired, missing or unreadable ends do not count', () => {
    const credentials = flattenCredentials([password], [certificate]);
    const at = (iso: string) => Date.parse(iso);
    assert.equal(nextCredentialExpiry(credentials, at('2026-01-01T00:00:00Z')), '2026-06-01T00:00:00.1234567Z');
    // Exactly at the end: expired (to the millisecond; the 7th fractional digits do not move it past).
    assert.equal(nextCredentialExpiry(credentials, at('2026-06-01T00:00:00.123Z')), '2027-01-01T00:00:00Z');
    assert.equal(nextCredentialExpiry(credentials, at('2026-06-01T00:00:00.122Z')), '2026-06-01T00:00:00.1234567Z');
    assert.equal(nextCredentialExpiry(credentials, at('2027-01-01T00:00:00Z')), null);
    assert.equal(nextCredentialExpiry([], 0), null);
    assert.equal(nextCredentialExpiry(flattenCredentials([{ endDateTime: null }, { endDateTime: 'soon' }], []), 0), null);
  });
});

test('owners: an expansion of 20 or more (or none) may be cut off and must be read again; fewer are complete, sorted', () => {
  const owners = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `o${String(n - i).padStart(2, '0')}` }));
  assert.deepEqual(expandedOwnerIds(owners(3)), ['o01', 'o02', 'o03']);
  assert.deepEqual(expandedOwnerIds([]), []);
  assert.deepEqual(expandedOwnerIds(owners(19))?.length, 19);
  assert.equal(expandedOwnerIds(owners(20)), undefined);
  assert.equal(expandedOwnerIds(owners(21)), undefined);
  assert.equal(expandedOwnerIds(undefined), undefined);
  assert.deepEqual(expandedOwnerIds([{ id: 'a' }, { id: null }]), ['a']);
});

test('grants: scopes split on any whitespace without empty entries; names joined from the service principals', () => {
  assert.deepEqual(splitScopes(' openid  User.Read\tMail.Read '), ['openid', 'User.Read', 'Mail.Read']);
  assert.deepEqual(splitScopes(''), []);
  assert.deepEqual(splitScopes(null), []);
  const names = new Map([['c', { appId: 'app-c', displayName: 'Client' }]]);
  assert.deepEqual(
    toGrantRecord({ id: 'g', clientId: 'c', resourceId: 'gone', consentType: 'AllPrincipals', principalId: null, scope: 'a b' }, names),
    {
      id: 'g',
      clientId: 'c',
      clientAppId: 'app-c',
      clientDisplayName: 'Client',
      consentType: 'AllPrincipals',
      principalId: null,
      resourceId: 'gone',
      resourceAppId: null,
      resourceDisplayName: null,
      scope: 'a b',
      scopes: ['a', 'b'],
    },
  );
});

test('licences: availableUnits is enabled minus consumed, null when either is missing', () => {
  assert.equal(availableUnits({ prepaidUnits: { enabled: 25 }, consumedUnits: 20 }), 5);
  assert.equal(availableUnits({ prepaidUnits: { enabled: 0, warning: 12 }, consumedUnits: 12 }), -12);
  assert.equal(availableUnits({ prepaidUnits: null, consumedUnits: 1 }), null);
  assert.equal(availableUnits({ prepaidUnits: { enabled: 3 } }), null);
});

test('role assignments: the definition by id or templateId, the principal type from @odata.type, the UPN of users only', () => {
  const custom = { id: 'def-id', templateId: 'tpl-id', displayName: 'Custom', isBuiltIn: false };
  const definitions = new Map([
    ['def-id', custom],
    ['tpl-id', custom],
  ]);
  const base = { id: 'a', principalId: 'p', directoryScopeId: '/', appScopeId: null };
  const user = { '@odata.type': '#microsoft.graph.user', id: 'p', displayName: 'Ann', userPrincipalName: 'ann@contoso.example' };
  const byTemplate = toRoleAssignmentRecord({ ...base, roleDefinitionId: 'tpl-id', principal: user }, definitions);
  assert.deepEqual(byTemplate, {
    id: 'a',
    roleDefinitionId: 'tpl-id',
    roleDisplayName: 'Custom',
    roleTemplateId: 'tpl-id',
    roleIsBuiltIn: false,
    principalId: 'p',
    principalType: 'user',
    principalDisplayName: 'Ann',
    principalUserPrincipalName: 'ann@contoso.example',
    directoryScopeId: '/',
    appScopeId: null,
  });
  const group = toRoleAssignmentRecord(
    {
      ...base,
      roleDefinitionId: 'def-id',
      principal: { '@odata.type': '#microsoft.graph.group', id: 'p', displayName: 'Admins', userPrincipalName: 'x' },
    },
    definitions,
  );
  assert.equal(group.principalType, 'group');
  assert.equal(group.principalUserPrincipalName, null);
  const orphan = toRoleAssignmentRecord({ ...base, roleDefinitionId: 'unknown', principal: null }, definitions);
  assert.deepEqual(
    [orphan.roleDisplayName, orphan.roleIsBuiltIn, orphan.principalType, orphan.principalDisplayName],
    [null, null, null, null],
  );
});

test('a delta state keeps a valid recheckAt and refuses one that is not a date-time', () => {
  const config = { endpoints: { graphRoot: 'https://graph.microsoft.com' } } as Pick<Config, 'endpoints'>;
  const link = 'https://graph.microsoft.com/v1.0/applications/delta()?$deltatoken=abc';
  assert.deepEqual(parseDeltaState({ deltaLink: link, recheckAt: '2026-12-01T00:00:00Z' }, config, 'applications', 'applications'), {
    deltaLink: link,
    recheckAt: '2026-12-01T00:00:00Z',
  });
  assert.throws(
    () => parseDeltaState({ deltaLink: link, recheckAt: 'tomorrow' }, config, 'applications', 'applications'),
    (error: unknown) =>
      error instanceof ConnectorError &&
      error.failureType === 'config_error' &&
      /"recheckAt" is not an ISO 8601 date-time/.test(error.message),
  );
  assert.throws(() => parseDeltaState({ deltaLink: link }, config, 'users', 'users'), /not a users delta link/);
});
