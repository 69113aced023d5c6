// Unit tests: roles claim vs stream requirements (permissions.ts) and the administrator-facing sentences (diagnosis.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONSENT_PATH } from '../../source-azure-client-credentials/admin-center.js';
import type { Config } from '../../source-azure-client-credentials/config.js';
import {
  advisedGaps,
  checkOutcome,
  diagnoseFailure,
  failureProblem,
  permissionProblem,
  type StreamAccess,
  streamAccess,
  streamError,
} from '../../source-azure-client-credentials/diagnosis.js';
import type { Cloud } from '../../source-azure-client-credentials/endpoints.js';
import { ConnectorError } from '../../source-azure-client-credentials/errors.js';
import { graphError as policyError } from '../../source-azure-client-credentials/graph/errors.js';
import { grantingRole, smallestGrant, unmetRequirements } from '../../source-azure-client-credentials/permissions.js';
import { STREAMS } from '../../source-azure-client-credentials/streams/index.js';

// The least-privileged requirements each stream declares (asserted against the definitions below).
const USERS = [['User.Read.All']];
const SERVICE_PRINCIPALS = [['Application.Read.All'], ['Organization.Read.All']];
const APP_ROLE_ASSIGNMENTS = [['Application.Read.All'], ['GroupMember.Read.All', 'Directory.Read.All'], ['User.Read.All']];
const SIGN_INS = [['AuditLog.Read.All']];
const GROUPS = [['GroupMember.Read.All']];
const GROUP_MEMBERS = [['GroupMember.Read.All']];
const APPLICATIONS = [['Application.Read.All']];
const GRANTS = [['Directory.Read.All', 'DelegatedPermissionGrant.Read.All'], ['Application.Read.All']];
const SKUS = [['LicenseAssignment.Read.All', 'Organization.Read.All']];
const ROLE_ASSIGNMENTS = [['RoleManagement.Read.Directory']];
const ALL = [USERS, SERVICE_PRINCIPALS, APP_ROLE_ASSIGNMENTS, SIGN_INS, GROUPS, GROUP_MEMBERS];
/** The streams whose exact messages the outcome tests below spell out. */
const SPELLED_OUT = STREAMS.filter((s) =>
  ['users', 'service_principals', 'app_role_assignments', 'sign_ins', 'groups', 'group_members'].includes(s.name),
);

const def = (name: string) => STREAMS.find((s) => s.name === name)!;
const configFor = (cloud: Cloud = 'global', options: Partial<Config> = {}) =>
  ({ cloud, include_sign_in_activity: false, ...options }) as Config;
const accessOf = (name: string, cloud: Cloud = 'global', options: Partial<Config> = {}): StreamAccess =>
  streamAccess(def(name), configFor(cloud, options));

const graphError = (status: number, code: string) =>
  Object.assign(new ConnectorError(`Graph said ${code}`, 'config_error'), { status, code });
/** A failure classified by the real error policy, as the Graph client throws it. */
const answered = (status: number, code: string, cloud: Cloud = 'global') =>
  policyError(
    { kind: 'http', status, code },
    { request: 'GET /auditLogs/signIns?$top=1', status, code, cloud, detail: "Resource not found for the segment 'signIns'." },
  );

describe('permissions: roles claim vs requirements', () => {
  test('the stream definitions declare exactly the least-privileged requirements, and sign_ins advises Directory.Read.All', () => {
    assert.deepEqual(
      STREAMS.map((s) => [s.name, s.permissions]),
      [
        ['users', USERS],
        ['service_principals', SERVICE_PRINCIPALS],
        ['app_role_assignments', APP_ROLE_ASSIGNMENTS],
        ['sign_ins', SIGN_INS],
        ['groups', GROUPS],
        ['group_members', GROUP_MEMBERS],
        ['applications', APPLICATIONS],
        ['oauth2_permission_grants', GRANTS],
        ['subscribed_skus', SKUS],
        ['directory_role_assignments', ROLE_ASSIGNMENTS],
      ],
    );
    assert.deepEqual(def('sign_ins').advisedPermissions?.requirement, [['Directory.Read.All']]);
    assert.match(
      def('sign_ins').advisedPermissions!.reason,
      /known issue.*https:\/\/learn\.microsoft\.com\/graph\/api\/signin-list#permissions/,
    );
    assert.deepEqual(
      STREAMS.filter((s) => s.advisedPermissions).map((s) => s.name),
      ['sign_ins', 'oauth2_permission_grants'],
    );
    assert.deepEqual(def('sign_ins').availability?.clouds, ['global']);
    assert.deepEqual(
      STREAMS.filter((s) => s.availability).map((s) => s.name),
      ['sign_ins'],
    );
  });

  test('options add their permissions: include_sign_in_activity adds AuditLog.Read.All to users', () => {
    assert.deepEqual(accessOf('users').required, USERS);
    assert.deepEqual(accessOf('users', 'global', { include_sign_in_activity: true }).required, [['User.Read.All'], ['AuditLog.Read.All']]);
  });

  test('the exact permission meets a requirement', () => {
    assert.deepEqual(unmetRequirements(USERS, ['User.Read.All']), []);
    assert.deepEqual(unmetRequirements(SIGN_INS, ['AuditLog.Read.All']), []);
  });

  test('Directory.Read.All implies the user, application, organization and group-member reads', () => {
    for (const requirement of [USERS, SERVICE_PRINCIPALS, APP_ROLE_ASSIGNMENTS]) {
      assert.deepEqual(unmetRequirements(requirement, ['Directory.Read.All']), []);
    }
    assert.equal(grantingRole('User.Read.All', ['Directory.Read.All']), 'Directory.Read.All');
    assert.equal(grantingRole('Directory.Read.All', ['Directory.ReadWrite.All']), 'Directory.ReadWrite.All');
    assert.equal(grantingRole('GroupMember.Read.All', ['Group.Read.All']), 'Group.Read.All');
  });

  test('the new streams: each least-privileged permission, and the broader ones Microsoft lists, meet their requirement', () => {
    assert.deepEqual(unmetRequirements(APPLICATIONS, ['Application.Read.All']), []);
    assert.deepEqual(unmetRequirements(APPLICATIONS, ['Application.ReadWrite.OwnedBy']), APPLICATIONS);
    // Delegated consents: Directory.Read.All alone (it implies Application.Read.All for the names), or the unlisted
    // DelegatedPermissionGrant.Read.All (or its ReadWrite) next to Application.Read.All.
    assert.deepEqual(unmetRequirements(GRANTS, ['Directory.Read.All']), []);
    assert.deepEqual(unmetRequirements(GRANTS, ['DelegatedPermissionGrant.Read.All', 'Application.Read.All']), []);
    assert.deepEqual(unmetRequirements(GRANTS, ['DelegatedPermissionGrant.ReadWrite.All', 'Application.Read.All']), []);
    assert.deepEqual(unmetRequirements(GRANTS, ['DelegatedPermissionGrant.Read.All']), [['Application.Read.All']]);
    assert.deepEqual(unmetRequirements(GRANTS, ['Application.Read.All']), [GRANTS[0]]);
    for (const role of ['LicenseAssignment.Read.All', 'Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All']) {
      assert.deepEqual(unmetRequirements(SKUS, [role]), [], role);
    }
    assert.deepEqual(unmetRequirements(SKUS, ['User.Read.All']), SKUS);
    for (const role of [
      'RoleManagement.Read.Directory',
      'RoleManagement.Read.All',
      'RoleManagement.ReadWrite.Directory',
      'Directory.Read.All',
    ]) {
      assert.deepEqual(unmetRequirements(ROLE_ASSIGNMENTS, [role]), [], role);
    }
    assert.deepEqual(unmetRequirements(ROLE_ASSIGNMENTS, ['User.Read.All']), ROLE_ASSIGNMENTS);
    // The smallest grant for the four: Directory.Read.All (which the grants need) covers the applications, licences and roles too.
    assert.deepEqual(smallestGrant([...APPLICATIONS, ...GRANTS, ...SKUS, ...ROLE_ASSIGNMENTS]), ['Directory.Read.All']);
    assert.deepEqual(smallestGrant([...APPLICATIONS, ...SKUS, ...ROLE_ASSIGNMENTS]), [
      'Application.Read.All',
      'LicenseAssignment.Read.All',
      'RoleManagement.Read.Directory',
    ]);
  });

  test('oauth2_permission_grants advises Directory.Read.All while the token has only the unlisted DelegatedPermissionGrant.Read.All', () => {
    const access = accessOf('oauth2_permission_grants');
    assert.equal(permissionProblem(access.required, ['DelegatedPermissionGrant.Read.All', 'Application.Read.All']), undefined);
    assert.deepEqual(advisedGaps(access, ['DelegatedPermissionGrant.Read.All', 'Application.Read.All'])?.missing, [
      ['Directory.Read.All', 'DelegatedPermissionGrant.ReadWrite.All'],
    ]);
    assert.equal(advisedGaps(access, ['Directory.Read.All']), undefined);
    // Graph refusing it then says what to add, not "wait for consent".
    const error = diagnoseFailure(answered(403, 'Authorization_RequestDenied'), access, [
      'DelegatedPermissionGrant.Read.All',
      'Application.Read.All',
    ]) as ConnectorError;
    assert.match(
      error.message,
      /^oauth2_permission_grants cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\) although the app's token lists DelegatedPermissionGrant\.Read\.All and Application\.Read\.All; it also needs the Microsoft Graph application permission Directory\.Read\.All \(or DelegatedPermissionGrant\.ReadWrite\.All\)/,
    );
    assert.match(error.message, /Add Directory\.Read\.All \(Application permissions, not Delegated\) in /);
  });

  test('Directory.Read.All does not open the sign-in logs, and narrower permissions imply nothing broader', () => {
    assert.deepEqual(unmetRequirements(SIGN_INS, ['Directory.Read.All']), [['AuditLog.Read.All']]);
    assert.deepEqual(unmetRequirements(SIGN_INS, ['User.Read.All', 'AuditLog.Read.All']), []);
    assert.equal(grantingRole('Application.Read.All', ['Application.ReadWrite.OwnedBy']), undefined);
    assert.deepEqual(unmetRequirements(USERS, ['User.ReadBasic.All', 'User.Read']), [['User.Read.All']]);
  });

  test('an alternative in an inner list satisfies it; each unmet inner list is reported whole', () => {
    assert.deepEqual(unmetRequirements(APP_ROLE_ASSIGNMENTS, ['Application.Read.All', 'Directory.Read.All']), []);
    assert.deepEqual(unmetRequirements(APP_ROLE_ASSIGNMENTS, ['Application.Read.All', 'User.Read.All']), [
      ['GroupMember.Read.All', 'Directory.Read.All'],
    ]);
    assert.deepEqual(unmetRequirements(SERVICE_PRINCIPALS, []), SERVICE_PRINCIPALS);
  });

  test('smallestGrant drops permissions that another one in the advice already implies', () => {
    assert.deepEqual(smallestGrant(ALL.flat()), [
      'User.Read.All',
      'Application.Read.All',
      'Organization.Read.All',
      'GroupMember.Read.All',
      'AuditLog.Read.All',
    ]);
    assert.deepEqual(smallestGrant([...USERS, ['Directory.Read.All']]), ['Directory.Read.All']);
    assert.deepEqual(smallestGrant(USERS), ['User.Read.All']);
    assert.deepEqual(smallestGrant([...SERVICE_PRINCIPALS, ...APP_ROLE_ASSIGNMENTS]), [
      'Application.Read.All',
      'Organization.Read.All',
      'GroupMember.Read.All',
      'User.Read.All',
    ]);
  });

  test('advisedGaps: Directory.Read.All is advised for sign_ins only, and only while the claim lacks it', () => {
    assert.deepEqual(advisedGaps(accessOf('sign_ins'), ['AuditLog.Read.All']), {
      missing: [['Directory.Read.All']],
      reason: def('sign_ins').advisedPermissions!.reason,
    });
    assert.equal(advisedGaps(accessOf('sign_ins'), ['AuditLog.Read.All', 'Directory.Read.All']), undefined);
    assert.equal(advisedGaps(accessOf('sign_ins'), ['AuditLog.Read.All', 'Directory.ReadWrite.All']), undefined);
    assert.equal(advisedGaps(accessOf('users'), ['User.Read.All']), undefined);
  });
});

describe('diagnosis: sentences an administrator can act on', () => {
  test('a missing permission names it, the alternatives, the consent path and "Application permissions, not Delegated"', () => {
    const problem = permissionProblem(APP_ROLE_ASSIGNMENTS, ['User.Read.All'])!;
    assert.equal(problem.kind, 'permission');
    const error = streamError('app_role_assignments', problem);
    assert.equal(error.failureType, 'config_error');
    assert.match(
      error.message,
      /^app_role_assignments cannot be read: the app lacks the Microsoft Graph application permissions Application\.Read\.All and GroupMember\.Read\.All \(or Directory\.Read\.All\)\./,
    );
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
    const users = accessOf('users');
    const denied = failureProblem(graphError(403, 'Authorization_RequestDenied'), users, ['Directory.Read.All']);
    assert.deepEqual(denied, { kind: 'consent_pending', granted: ['Directory.Read.All'] });
    assert.deepEqual(failureProblem(graphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'), accessOf('sign_ins'), []), {
      kind: 'licence',
    });
    const other = graphError(503, 'serviceNotAvailable');
    assert.deepEqual(failureProblem(other, users, []), { kind: 'other', error: other });
    assert.equal(failureProblem(new TypeError('bug'), users, []), undefined);

    const bug = new TypeError('bug');
    assert.equal(diagnoseFailure(bug, users, []), bug);
    assert.equal(diagnoseFailure(other, users, []), other);
    const licence = diagnoseFailure(graphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'), accessOf('sign_ins'), []);
    assert.ok(licence instanceof ConnectorError);
    assert.equal(licence.failureType, 'config_error');
    assert.match(licence.message, /^sign_ins cannot be read: .*Microsoft Entra ID P1 or P2 licence.*or deselect sign_ins\.$/);
    // users reads signInActivity only when asked to: the way out is the option, not dropping the stream.
    const withActivity = accessOf('users', 'global', { include_sign_in_activity: true });
    const noLicence = diagnoseFailure(graphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'), withActivity, [
      'User.Read.All',
      'AuditLog.Read.All',
    ]);
    assert.match(
      (noLicence as ConnectorError).message,
      /^users cannot be read: .*P1 or P2 licence.*or turn off include_sign_in_activity\.$/,
    );
    const lag = diagnoseFailure(graphError(403, 'Authorization_RequestDenied'), users, ['User.Read.All']) as ConnectorError;
    assert.match(lag.message, /already lists User\.Read\.All.*consent may still be propagating, so wait a few minutes/);
  });

  test('a 403 on sign_ins while the advised Directory.Read.All is missing says to add it, not to wait', () => {
    const error = diagnoseFailure(answered(403, 'Authorization_RequestDenied'), accessOf('sign_ins'), [
      'AuditLog.Read.All',
      'User.Read.All',
    ]) as ConnectorError;
    assert.equal(error.failureType, 'config_error');
    assert.match(
      error.message,
      /^sign_ins cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\) although the app's token lists AuditLog\.Read\.All; it also needs the Microsoft Graph application permission Directory\.Read\.All: Microsoft's sign-in list page notes a known issue/,
    );
    assert.match(error.message, /https:\/\/learn\.microsoft\.com\/graph\/api\/signin-list#permissions/);
    assert.match(error.message, /Add Directory\.Read\.All \(Application permissions, not Delegated\) in /);
    assert.doesNotMatch(error.message, /propagating/);
    // Graph's own details stay available to the logs.
    assert.match(error.internal!, /policy row http-403-permission; GET \/auditLogs\/signIns/);
    // With Directory.Read.All in the claim, the same 403 is consent lag again.
    const lag = diagnoseFailure(answered(403, 'Authorization_RequestDenied'), accessOf('sign_ins'), [
      'AuditLog.Read.All',
      'Directory.Read.All',
    ]) as ConnectorError;
    assert.match(lag.message, /^sign_ins cannot be read yet: the app's token already lists AuditLog\.Read\.All.*propagating/);
  });

  for (const cloud of ['us_government_l4', 'us_government_l5', 'china'] as const) {
    test(`${cloud}: a 400 BadRequest or a 404 with any code on sign_ins means the cloud lacks sign-in logs (config_error, not a defect)`, () => {
      for (const [status, code] of [
        [400, 'BadRequest'],
        [400, 'badRequest'],
        [404, 'Request_ResourceNotFound'],
        [404, 'ResourceNotFound'],
        [404, 'UnknownError'],
      ] as const) {
        const caught = answered(status, code, cloud);
        const problem = failureProblem(caught, accessOf('sign_ins', cloud), SIGN_INS.flat());
        assert.equal(problem?.kind, 'unavailable_in_cloud', `${status} ${code}`);
        const error = diagnoseFailure(caught, accessOf('sign_ins', cloud), SIGN_INS.flat()) as ConnectorError;
        assert.equal(error.failureType, 'config_error');
        assert.match(
          error.message,
          new RegExp(
            `^sign_ins cannot be read in the .* cloud \\(cloud: ${cloud}\\): sign-in logs are not available through Microsoft Graph v1\\.0 there\\.`,
          ),
        );
        assert.match(error.message, new RegExp(`answered ${status} ${code}`));
        assert.match(error.message, /lists this API in the global cloud only \(https:\/\/learn\.microsoft\.com\/graph\/api\/signin-list\)/);
        assert.match(error.message, /This is not a connector defect: deselect sign_ins for this tenant\.$/);
      }
    });
  }

  test('the cloud reading needs the stream, the cloud, the status and the code together', () => {
    // In the global cloud a 400 stays what the error table says: a defect of the connector's request.
    const global400 = answered(400, 'BadRequest', 'global');
    assert.equal(global400.failureType, 'system_error');
    assert.deepEqual(failureProblem(global400, accessOf('sign_ins', 'global'), SIGN_INS.flat()), { kind: 'other', error: global400 });
    // Another 400 code in a national cloud (a bad filter, an unsupported query) is not "no such resource".
    const badFilter = answered(400, 'Request_UnsupportedQuery', 'china');
    assert.deepEqual(failureProblem(badFilter, accessOf('sign_ins', 'china'), SIGN_INS.flat()), { kind: 'other', error: badFilter });
    // A stream available everywhere keeps the table's reading in a national cloud (e.g. an object deleted mid-sync).
    const gone = answered(404, 'Request_ResourceNotFound', 'china');
    assert.deepEqual(failureProblem(gone, accessOf('users', 'china'), USERS.flat()), { kind: 'other', error: gone });
  });

  test('check outcome: everything readable and nothing advised is SUCCEEDED without a message or warning', () => {
    assert.deepEqual(checkOutcome([{ stream: 'users' }, { stream: 'sign_ins', problem: undefined }]), { succeeded: true, warnings: [] });
  });

  test('check outcome: missing permissions with a readable stream SUCCEED, per stream, with the smallest grant and the streams that work', () => {
    const roles = ['User.Read.All', 'Application.Read.All', 'Organization.Read.All'];
    const results = SPELLED_OUT.map((s) => ({
      stream: s.name,
      problem: permissionProblem(accessOf(s.name).required, roles),
      advice: advisedGaps(accessOf(s.name), roles),
    }));
    const outcome = checkOutcome(results);
    assert.equal(outcome.succeeded, true);
    assert.equal(
      outcome.message,
      'Connected, but app_role_assignments, sign_ins, groups and group_members will fail. ' +
        'app_role_assignments cannot be read: the app lacks the Microsoft Graph application permission GroupMember.Read.All (or Directory.Read.All). ' +
        'sign_ins cannot be read: the app lacks the Microsoft Graph application permission AuditLog.Read.All. ' +
        'groups cannot be read: the app lacks the Microsoft Graph application permission GroupMember.Read.All. ' +
        'group_members cannot be read: the app lacks the Microsoft Graph application permission GroupMember.Read.All. ' +
        `Add GroupMember.Read.All and AuditLog.Read.All (Application permissions, not Delegated) in ${CONSENT_PATH}. ` +
        `For sign_ins, Directory.Read.All is advised as well: ${def('sign_ins').advisedPermissions!.reason}. ` +
        'In a sync, a selected stream that cannot be read fails on its own and the others complete; deselect the streams you do not need. ' +
        'users and service_principals work.',
    );
    // One WARN per unreadable stream (the sentence its sync fails with) and one for the advice.
    assert.equal(outcome.warnings.length, 5);
    assert.equal(outcome.warnings[0], streamError('app_role_assignments', results[2]!.problem!).message);
    assert.match(
      outcome.warnings[1]!,
      /^sign_ins cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\. Add AuditLog\.Read\.All \(Application permissions, not Delegated\) in /,
    );
    assert.equal(outcome.warnings[2], streamError('groups', results[4]!.problem!).message);
    assert.equal(outcome.warnings[3], streamError('group_members', results[5]!.problem!).message);
    assert.match(outcome.warnings[4]!, /^For sign_ins, Directory\.Read\.All is advised as well/);
  });

  test('check outcome: only User.Read.All SUCCEEDS with users readable and every other stream named with its fix', () => {
    const roles = ['User.Read.All'];
    const outcome = checkOutcome(
      SPELLED_OUT.map((s) => ({ stream: s.name, problem: permissionProblem(accessOf(s.name).required, roles) })),
    );
    assert.equal(outcome.succeeded, true);
    assert.match(
      outcome.message!,
      /^Connected, but service_principals, app_role_assignments, sign_ins, groups and group_members will fail\. /,
    );
    assert.match(
      outcome.message!,
      /service_principals cannot be read: the app lacks the Microsoft Graph application permissions Application\.Read\.All and Organization\.Read\.All\./,
    );
    assert.match(
      outcome.message!,
      /app_role_assignments cannot be read: the app lacks the Microsoft Graph application permissions Application\.Read\.All and GroupMember\.Read\.All \(or Directory\.Read\.All\)\./,
    );
    assert.match(
      outcome.message!,
      /Add Application\.Read\.All, Organization\.Read\.All, GroupMember\.Read\.All and AuditLog\.Read\.All \(Application permissions, not Delegated\)/,
    );
    assert.match(outcome.message!, / users works\.$/);
    assert.equal(outcome.warnings.length, 5);
  });

  test('check outcome: a missing licence alone SUCCEEDS with a warning naming P1 or P2 and the streams that work', () => {
    const outcome = checkOutcome([
      { stream: 'users' },
      { stream: 'service_principals' },
      { stream: 'app_role_assignments' },
      { stream: 'sign_ins', problem: { kind: 'licence' } },
    ]);
    assert.equal(outcome.succeeded, true);
    assert.match(
      outcome.message!,
      /^Connected, but sign_ins will fail\. sign_ins cannot be read: this tenant has no Microsoft Entra ID P1 or P2 licence/,
    );
    assert.match(outcome.message!, /deselect sign_ins\. In a sync, .* users, service_principals and app_role_assignments work\.$/);
    assert.deepEqual(outcome.warnings.length, 1);
  });

  test('check outcome: a licence problem next to a permission problem SUCCEEDS while one stream is readable, and lists both', () => {
    const outcome = checkOutcome([
      { stream: 'users', problem: permissionProblem(USERS, ['AuditLog.Read.All']) },
      { stream: 'service_principals' },
      { stream: 'sign_ins', problem: { kind: 'licence' } },
    ]);
    assert.equal(outcome.succeeded, true);
    assert.match(outcome.message!, /^Connected, but users and sign_ins will fail\./);
    assert.match(outcome.message!, /User\.Read\.All/);
    assert.match(outcome.message!, /P1 or P2/);
    assert.match(outcome.message!, /service_principals works\.$/);
  });

  test('check outcome: no readable stream FAILS and lists every problem', () => {
    const outcome = checkOutcome([
      { stream: 'users', problem: permissionProblem(USERS, ['AuditLog.Read.All']) },
      { stream: 'sign_ins', problem: { kind: 'licence' } },
    ]);
    assert.equal(outcome.succeeded, false);
    assert.match(outcome.message!, /^Check failed: users and sign_ins will fail\./);
    assert.match(outcome.message!, /User\.Read\.All/);
    assert.match(outcome.message!, /P1 or P2/);
    assert.match(outcome.message!, /No stream can be read until this is fixed\.$/);
    assert.doesNotMatch(outcome.message!, /deselect the streams you do not need/);
    assert.equal(outcome.warnings.length, 2);
  });

  test('check outcome: every stream readable but an advised permission missing SUCCEEDS with the advice in the message and a WARN', () => {
    const advice = advisedGaps(accessOf('sign_ins'), ['User.Read.All', 'AuditLog.Read.All'])!;
    const outcome = checkOutcome([{ stream: 'users' }, { stream: 'sign_ins', advice }]);
    assert.equal(outcome.succeeded, true);
    assert.match(
      outcome.message!,
      /^Connected\. sign_ins can be read, but the app's token lacks Directory\.Read\.All, which is advised: Microsoft's sign-in list page notes a known issue/,
    );
    assert.match(
      outcome.message!,
      /If a sync of sign_ins is refused with 403 Authorization_RequestDenied, add Directory\.Read\.All \(Application permissions, not Delegated\) in /,
    );
    assert.match(outcome.message!, / users and sign_ins work\.$/);
    assert.deepEqual(outcome.warnings, [outcome.message!.slice('Connected. '.length, outcome.message!.lastIndexOf(' users and'))]);
  });

  test('check outcome: advice is left out where it cannot help (no licence, no endpoint in the cloud, or already the fix)', () => {
    const advice = { missing: [['Directory.Read.All']], reason: 'a reason' };
    for (const problem of [
      { kind: 'licence' as const },
      { kind: 'advised_missing' as const, missing: [['Directory.Read.All']], granted: ['AuditLog.Read.All'], reason: 'a reason' },
      {
        kind: 'unavailable_in_cloud' as const,
        cloud: 'china' as const,
        availability: def('sign_ins').availability!,
        answer: '400 BadRequest',
      },
    ]) {
      const outcome = checkOutcome([{ stream: 'users' }, { stream: 'sign_ins', problem, advice }]);
      assert.doesNotMatch(outcome.message!, /is advised/, problem.kind);
      assert.equal(outcome.warnings.length, 1, problem.kind);
    }
  });
});
