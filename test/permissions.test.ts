// Unit tests: roles claim vs stream requirements (permissions.ts) and the administrator-facing sentences (diagnosis.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkOutcome,
  CONSENT_PATH,
  diagnoseFailure,
  failureProblem,
  permissionProblem,
  streamError,
} from '../source-azure-client-credentials/diagnosis.js';
import { ConnectorError } from '../source-azure-client-credentials/errors.js';
import { grantingRole, smallestGrant, unmetRequirements } from '../source-azure-client-credentials/permissions.js';

// The requirements the stream definitions declare (the lead's contract for streams/*.ts).
const USERS = [['User.Read.All']];
const SERVICE_PRINCIPALS = [['Application.Read.All'], ['Organization.Read.All']];
const APP_ROLE_ASSIGNMENTS = [['Application.Read.All'], ['GroupMember.Read.All', 'Directory.Read.All']];
const SIGN_INS = [['AuditLog.Read.All'], ['Directory.Read.All']];
const ALL = [USERS, SERVICE_PRINCIPALS, APP_ROLE_ASSIGNMENTS, SIGN_INS];

const graphError = (status: number, code: string) =>
  Object.assign(new ConnectorError(`Graph said ${code}`, 'config_error'), { status, code });

describe('permissions: roles claim vs requirements', () => {
  test('the exact permission meets a requirement', () => {
    assert.deepEqual(unmetRequirements(USERS, ['User.Read.All']), []);
    assert.deepEqual(unmetRequirements(SIGN_INS, ['AuditLog.Read.All', 'Directory.Read.All']), []);
  });

  test('Directory.Read.All implies the user, application, organization and group-member reads', () => {
    for (const requirement of [USERS, SERVICE_PRINCIPALS, APP_ROLE_ASSIGNMENTS]) {
      assert.deepEqual(unmetRequirements(requirement, ['Directory.Read.All']), []);
    }
    assert.equal(grantingRole('User.Read.All', ['Directory.Read.All']), 'Directory.Read.All');
    assert.equal(grantingRole('Directory.Read.All', ['Directory.ReadWrite.All']), 'Directory.ReadWrite.All');
    assert.equal(grantingRole('GroupMember.Read.All', ['Group.Read.All']), 'Group.Read.All');
  });

  test('Directory.Read.All does not open the sign-in logs, and narrower permissions imply nothing broader', () => {
    assert.deepEqual(unmetRequirements(SIGN_INS, ['Directory.Read.All']), [['AuditLog.Read.All']]);
    assert.deepEqual(unmetRequirements(SIGN_INS, ['AuditLog.Read.All']), [['Directory.Read.All']]);
    assert.deepEqual(unmetRequirements(SIGN_INS, ['User.Read.All', 'AuditLog.Read.All']), [['Directory.Read.All']]);
    assert.equal(grantingRole('Application.Read.All', ['Application.ReadWrite.OwnedBy']), undefined);
    assert.deepEqual(unmetRequirements(USERS, ['User.ReadBasic.All', 'User.Read']), [['User.Read.All']]);
  });

  test('an alternative in an inner list satisfies it; each unmet inner list is reported whole', () => {
    assert.deepEqual(unmetRequirements(APP_ROLE_ASSIGNMENTS, ['Application.Read.All', 'Directory.Read.All']), []);
    assert.deepEqual(unmetRequirements(APP_ROLE_ASSIGNMENTS, ['Application.Read.All']), [['GroupMember.Read.All', 'Directory.Read.All']]);
    assert.deepEqual(unmetRequirements(SERVICE_PRINCIPALS, []), SERVICE_PRINCIPALS);
  });

  test('smallestGrant drops permissions that another one in the advice already implies', () => {
    assert.deepEqual(smallestGrant(ALL.flat()), ['AuditLog.Read.All', 'Directory.Read.All']);
    assert.deepEqual(smallestGrant(USERS), ['User.Read.All']);
    assert.deepEqual(smallestGrant([...SERVICE_PRINCIPALS, ...APP_ROLE_ASSIGNMENTS]), [
      'Application.Read.All',
      'Organization.Read.All',
      'GroupMember.Read.All',
    ]);
  });
});

describe('diagnosis: sentences an administrator can act on', () => {
  test('a missing permission names it, the alternatives, the consent path and "Application permissions, not Delegated"', () => {
    const problem = permissionProblem(APP_ROLE_ASSIGNMENTS, ['User.Read.All'])!;
    assert.equal(problem.kind, 'permission');
    const error = streamError('app_role_assignments', problem);
    assert.equal(error.failureType, 'config_error');
    assert.match(error.message, /^app_role_assignments cannot be read: the app lacks the Microsoft Graph application permissions Application\.Read\.All and GroupMember\.Read\.All \(or Directory\.Read\.All\)\./);
    assert.ok(error.message.includes(CONSENT_PATH));
    assert.match(error.message, /Application permissions, not Delegated/);
    assert.match(error.message, /Add Application\.Read\.All and GroupMember\.Read\.All \(Application permissions, not Delegated\) in /);
  });

  test('a token with no roles at all explains the Delegated mistake', () => {
    const problem = permissionProblem(USERS, [])!;
    assert.equal(problem.kind, 'no_roles');
    const message = streamError('users', problem).message;
    assert.match(message, /no application permissions at all/);
    assert.match(message, /added as Delegated/);
    assert.match(message, /Add User\.Read\.All \(Application permissions, not Delegated\) in /);
  });

  test('no problem when the claim allows the stream', () => {
    assert.equal(permissionProblem(USERS, ['Directory.Read.All']), undefined);
  });

  test('Graph 403 codes become consent-lag and licence problems; other errors pass through unchanged', () => {
    const denied = failureProblem(graphError(403, 'Authorization_RequestDenied'), USERS, ['Directory.Read.All']);
    assert.deepEqual(denied, { kind: 'consent_pending', granted: ['Directory.Read.All'] });
    assert.deepEqual(failureProblem(graphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'), SIGN_INS, []), {
      kind: 'licence',
    });
    const other = graphError(503, 'serviceNotAvailable');
    assert.deepEqual(failureProblem(other, USERS, []), { kind: 'other', error: other });
    assert.equal(failureProblem(new TypeError('bug'), USERS, []), undefined);

    const bug = new TypeError('bug');
    assert.equal(diagnoseFailure('users', bug, USERS, []), bug);
    assert.equal(diagnoseFailure('users', other, USERS, []), other);
    const licence = diagnoseFailure('sign_ins', graphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'), SIGN_INS, []);
    assert.ok(licence instanceof ConnectorError);
    assert.equal(licence.failureType, 'config_error');
    assert.match(licence.message, /Microsoft Entra ID P1 or P2 licence.*or deselect sign_ins\.$/);
    // users reads signInActivity only when asked to: the way out is the option, not dropping the stream.
    const users = diagnoseFailure('users', graphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'), USERS, ['User.Read.All']);
    assert.match((users as ConnectorError).message, /P1 or P2 licence.*or turn off include_sign_in_activity\.$/);
    const lag = diagnoseFailure('users', graphError(403, 'Authorization_RequestDenied'), USERS, ['User.Read.All']) as ConnectorError;
    assert.match(lag.message, /already lists User\.Read\.All.*consent may still be propagating, so wait a few minutes/);
  });

  test('check outcome: everything readable is SUCCEEDED without a message', () => {
    assert.deepEqual(checkOutcome([{ stream: 'users' }, { stream: 'sign_ins', problem: undefined }]), { succeeded: true });
  });

  test('check outcome: missing permissions FAIL, per stream, with the smallest grant and the streams that work', () => {
    const roles = ['User.Read.All', 'Application.Read.All', 'Organization.Read.All'];
    const outcome = checkOutcome([
      { stream: 'users', problem: permissionProblem(USERS, roles) },
      { stream: 'service_principals', problem: permissionProblem(SERVICE_PRINCIPALS, roles) },
      { stream: 'app_role_assignments', problem: permissionProblem(APP_ROLE_ASSIGNMENTS, roles) },
      { stream: 'sign_ins', problem: permissionProblem(SIGN_INS, roles) },
    ]);
    assert.equal(outcome.succeeded, false);
    assert.equal(
      outcome.message,
      'Check failed: app_role_assignments and sign_ins will fail. ' +
        'app_role_assignments cannot be read: the app lacks the Microsoft Graph application permission GroupMember.Read.All (or Directory.Read.All). ' +
        'sign_ins cannot be read: the app lacks the Microsoft Graph application permissions AuditLog.Read.All and Directory.Read.All. ' +
        `Add AuditLog.Read.All and Directory.Read.All (Application permissions, not Delegated) in ${CONSENT_PATH}. ` +
        'users and service_principals work.',
    );
  });

  test('check outcome: a missing licence alone SUCCEEDS with a warning naming P1 or P2 and the streams that work', () => {
    const outcome = checkOutcome([
      { stream: 'users' },
      { stream: 'service_principals' },
      { stream: 'app_role_assignments' },
      { stream: 'sign_ins', problem: { kind: 'licence' } },
    ]);
    assert.equal(outcome.succeeded, true);
    assert.match(outcome.message!, /^Connected, but sign_ins will fail\. sign_ins cannot be read: this tenant has no Microsoft Entra ID P1 or P2 licence/);
    assert.match(outcome.message!, /deselect sign_ins\. users, service_principals and app_role_assignments work\.$/);
  });

  test('check outcome: a licence problem next to a permission problem FAILS and lists both', () => {
    const outcome = checkOutcome([
      { stream: 'users', problem: permissionProblem(USERS, ['AuditLog.Read.All']) },
      { stream: 'sign_ins', problem: { kind: 'licence' } },
    ]);
    assert.equal(outcome.succeeded, false);
    assert.match(outcome.message!, /^Check failed: users and sign_ins will fail\./);
    assert.match(outcome.message!, /User\.Read\.All/);
    assert.match(outcome.message!, /P1 or P2/);
    assert.match(outcome.message!, /No stream can be read until this is fixed\.$/);
  });
});
