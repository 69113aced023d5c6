// check (and read's per-stream failures) against the emulator: token errors, least privilege, advised permissions, probes, licence, request budget.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CONSENT_PATH } from '../../source-azure-client-credentials/admin-center.js';
import { check } from '../../source-azure-client-credentials/commands/check.js';
import type { Config } from '../../source-azure-client-credentials/config.js';
import { graphError } from '../../source-azure-client-credentials/graph/errors.js';
import type { GraphClient } from '../../source-azure-client-credentials/graph/types.js';
import { MessageWriter } from '../../source-azure-client-credentials/protocol.js';
import { STREAMS as DEFINED_STREAMS } from '../../source-azure-client-credentials/streams/index.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { parseMessages, type RunResult, runConnector } from '../support/connector.js';
import { catalogOf } from '../support/fixtures.js';
import { assertExactRecords, fullCatalog, type StreamName, streamOutcome, truthOfRun } from '../support/ground-truth.js';

const STREAMS = ['users', 'service_principals', 'app_role_assignments', 'sign_ins', 'directory_audits'];
/** Every stream the connector has, in catalog order: check judges them all. */
const ALL_STREAMS = DEFINED_STREAMS.map((s) => s.name);
/**
 * Everything the streams need or are advised: the least-privileged permissions, plus Directory.Read.All (advised for
 * sign_ins, and the least privileged for oauth2_permission_grants).
 */
const ALL = [
  'User.Read.All',
  'Application.Read.All',
  'Organization.Read.All',
  'GroupMember.Read.All',
  'AuditLog.Read.All',
  'Directory.Read.All',
  'LicenseAssignment.Read.All',
  'RoleManagement.Read.Directory',
];
const without = (...drop: string[]) => ALL.filter((p) => !drop.includes(p));
const SIZES = { users: 6, servicePrincipals: 4, groups: 2, bigGroupSizes: [], assignments: 6, signIns: 5 };
/** Metric labels of the login host (OpenID metadata and token endpoint); every other label is a Graph request. */
const LOGIN_LABEL = /^(GET|POST) \/\{tenant\}\//;
const PROBES = [
  'GET /users',
  'GET /servicePrincipals',
  'GET /organization',
  'GET /auditLogs/signIns',
  'GET /auditLogs/directoryAudits',
  'GET /groups',
  'GET /applications',
  'GET /oauth2PermissionGrants',
  'GET /subscribedSkus',
  'GET /roleManagement/directory/roleDefinitions',
  'GET /roleManagement/directory/roleAssignments',
];

/** "a", "a and b", "a, b and c", as check's messages list streams. */
const listing = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
/** The sentence that ends check's message: every stream but the failing ones works. */
function works(...failing: string[]): string {
  const ok = ALL_STREAMS.filter((name) => !failing.includes(name));
  return `${listing(ok)} ${ok.length === 1 ? 'works' : 'work'}.`;
}
const endsWith = (message: string | undefined, tail: string) =>
  assert.ok(message?.endsWith(` ${tail}`), `${message}\n  should end with: ${tail}`);

let em: Emulator;
/**
 * The same tenant where sign-ins and directory audits need only AuditLog.Read.All (the sign-in permissions table), not also
 * Directory.Read.All (the sign-in known issue; the directory audit page's second least-privileged permission).
 */
let lenient: Emulator;
/** The connector's pacing runs 100x faster (the emulator does not throttle here): these tests are about diagnosis, not pace. */
const FAST = { throttling: { enabled: false, timeScale: 100 } };
before(async () => {
  em = await startEmulator({ seed: 7, sizes: SIZES, ...FAST });
  lenient = await startEmulator({
    seed: 7,
    sizes: SIZES,
    ...FAST,
    signInsRequireDirectoryRead: false,
    directoryAuditsRequireDirectoryRead: false,
  });
});
after(async () => {
  await em.stop();
  await lenient.stop();
});
beforeEach(() => {
  for (const emulator of [em, lenient]) {
    emulator.setPermissions(ALL);
    emulator.setPremium(true);
    emulator.setFaults([]);
    emulator.resetMetrics();
  }
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const secretOf = (config: Record<string, unknown>) => (config.credentials as { client_secret: string }).client_secret;

function assertNoSecret(result: RunResult, config: Record<string, unknown>, emulator: Emulator = em): void {
  for (const secret of new Set([secretOf(config), emulator.credentials.clientSecret])) {
    assert.ok(!result.stdout.includes(secret), 'a client secret appeared on stdout');
    assert.ok(!result.stderr.includes(secret), 'a client secret appeared on stderr');
  }
  for (const token of emulator.issuedTokens())
    assert.ok(!result.stdout.includes(token) && !result.stderr.includes(token), 'an access token leaked');
  assert.equal(emulator.metrics().secretSeenByGraph, false, 'the client secret reached a Graph endpoint');
}

/** Runs check as Airbyte does; asserts exit 0, exactly one CONNECTION_STATUS and no secret anywhere. */
async function runCheck(overrides: Record<string, unknown> = {}, env: Record<string, string> = {}, emulator: Emulator = em) {
  const config = emulator.config(overrides);
  const result = await runConnector(['check'], { env: { ...emulator.env, ...env }, config, timeoutMs: 60_000 });
  assert.equal(result.code, 0, `check must exit 0; stderr: ${result.stderr.slice(-500)}`);
  assert.equal(result.messages.filter((m) => m.type === 'CONNECTION_STATUS').length, 1, result.stdout);
  assertNoSecret(result, config, emulator);
  return { status: result.connectionStatus()!, result };
}

/** WARN lines other than the test environment's host override. */
const warnings = (result: RunResult) => result.logs('WARN').filter((w) => !w.startsWith('The environment overrides'));

/** The requests check made, split into the login host's and Graph's. */
function requestsMade(emulator: Emulator = em) {
  const metrics = emulator.metrics();
  const login: Record<string, number> = {};
  const graph: Record<string, number> = {};
  for (const [label, count] of Object.entries(metrics.requests)) (LOGIN_LABEL.test(label) ? login : graph)[label] = count;
  return { login, graph, total: metrics.totalRequests, tokens: metrics.tokensIssued };
}

const withSecret = (client_secret: string) => ({ credentials: { auth_type: 'client_secret', client_secret } });

describe('check: everything in place', () => {
  test('SUCCEEDED with one token and one probe per endpoint: at most 2 login requests and one per probe', async () => {
    const { status, result } = await runCheck();
    assert.deepEqual(status, { status: 'SUCCEEDED' });
    // The only warning: the test environment moves the connector off the global cloud's hosts.
    assert.deepEqual(
      result.logs('WARN').map((w) => w.replace(/:.*/, '')),
      ["The environment overrides the global cloud's hosts"],
    );
    const made = requestsMade();
    assert.equal(made.tokens, 1);
    // service_principals, app_role_assignments and oauth2_permission_grants share the /servicePrincipals probe;
    // /organization is service_principals' second endpoint, roleDefinitions directory_role_assignments' second.
    assert.deepEqual(made.graph, Object.fromEntries(PROBES.map((label) => [label, 1])));
    assert.ok(made.total <= 2 + PROBES.length, `check made ${made.total} requests: ${JSON.stringify(em.metrics().requests)}`);
  });

  test('AuditLog.Read.All and Directory.Read.All alone are enough for every stream (Directory.Read.All implies the directory reads)', async () => {
    em.setPermissions(['AuditLog.Read.All', 'Directory.Read.All']);
    const { status } = await runCheck();
    assert.deepEqual(status, { status: 'SUCCEEDED' });
  });
});

describe('check: token errors become one actionable sentence, before any Graph request', () => {
  function assertTokenFailure(status: { status: string; message?: string }, pattern: RegExp): void {
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, pattern);
    const made = requestsMade();
    assert.deepEqual(made.graph, {}, 'no Graph request without a token');
    assert.equal(made.tokens, 0);
    assert.ok(made.total <= 2, `${made.total} requests to the login host`);
  }

  test('wrong secret: names the secret and the Secret ID / Value confusion', async () => {
    const { status } = await runCheck(withSecret('Wrong~secret-value-0123456789abcdef'));
    assertTokenFailure(status, /client secret.*AADSTS7000215/);
    assert.match(status.message!, /"Secret ID" instead of its "Value"/);
    assert.match(status.message!, /Certificates & secrets/);
  });

  test('a pasted secret ID (a GUID) is recognised as such', async () => {
    const { status } = await runCheck(withSecret('0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'));
    assertTokenFailure(status, /looks like the secret's "Secret ID" \(a GUID\), not its "Value"/);
  });

  test('expired secret: says so and how to create a new one', async () => {
    const { status, result } = await runCheck(withSecret(em.credentials.expiredClientSecret));
    assertTokenFailure(status, /client secret has expired \(AADSTS7000222\)/);
    assert.match(status.message!, /New client secret/);
    assert.ok(!result.stdout.includes(em.credentials.expiredClientSecret), 'the expired secret leaked');
  });

  test('unknown application: names client_id and the tenant mismatch', async () => {
    const { status } = await runCheck({ client_id: '0a0a0a0a-0000-4000-8000-00000000c1d0' });
    assertTokenFailure(status, /No application with client_id 0a0a0a0a-0000-4000-8000-00000000c1d0 was found.*AADSTS700016/);
    assert.match(status.message!, /tenant_id/);
  });

  test('unknown tenant: tenant not found or wrong cloud', async () => {
    const { status } = await runCheck({ tenant_id: '0b0b0b0b-0000-4000-8000-00000000e7a1' });
    assertTokenFailure(status, /not found.*AADSTS90002/);
    assert.match(status.message!, /cloud setting/);
  });

  test('malformed tenant id the login host rejects (AADSTS900023)', async () => {
    // Passes the spec's pattern but is longer than a DNS name may be (253), so only the login host can refuse it.
    const tenant = `${Array.from({ length: 5 }, (_, i) => String.fromCharCode(97 + i).repeat(60)).join('.')}.example`;
    const { status } = await runCheck({ tenant_id: tenant });
    assertTokenFailure(status, /not a valid tenant identifier \(AADSTS900023\)/);
    assert.match(status.message!, /Directory \(tenant\) ID/);
  });

  test('malformed tenant id caught by the spec: FAILED naming tenant_id, no request at all', async () => {
    const { status } = await runCheck({ tenant_id: 'contoso' });
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, /tenant_id is not in the expected format/);
    assert.equal(em.metrics().totalRequests, 0);
  });

  test('no network path to the login host', async () => {
    const { status } = await runCheck({}, { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:1' });
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, /Could not reach the Microsoft login host https:\/\/127\.0\.0\.1:1/);
    assert.match(status.message!, /outbound HTTPS/);
    assert.equal(em.metrics().totalRequests, 0);
  });
});

describe('check: least privilege (SUCCEEDED while one stream can be read; each stream that cannot is named with its fix)', () => {
  test('no roles claim at all: FAILED, explains Application permissions, not Delegated, and probes nothing', async () => {
    em.setPermissions([]);
    const { status, result } = await runCheck();
    assert.equal(status.status, 'FAILED');
    assert.ok(status.message!.startsWith(`Check failed: ${listing(ALL_STREAMS)} will fail.`), status.message);
    assert.match(status.message!, /no application permissions at all/);
    assert.match(status.message!, /added as Delegated/);
    assert.match(status.message!, /\(Application permissions, not Delegated\)/);
    assert.ok(status.message!.includes(CONSENT_PATH));
    for (const stream of ALL_STREAMS) assert.match(status.message!, new RegExp(`${stream} cannot be read`));
    assert.match(status.message!, /No stream can be read until this is fixed\.$/);
    // One WARN per stream, each the sentence a sync of that stream would fail with, and one per advised permission.
    assert.deepEqual(
      warnings(result).map((w) => w.split(' ')[0]),
      [...ALL_STREAMS, 'For', 'For', 'For'],
    );
    assert.match(warnings(result).at(-3)!, /^For sign_ins, Directory\.Read\.All is advised as well/);
    assert.match(warnings(result).at(-2)!, /^For directory_audits, Directory\.Read\.All is advised as well/);
    assert.match(
      warnings(result).at(-1)!,
      /^For oauth2_permission_grants, Directory\.Read\.All \(or DelegatedPermissionGrant\.ReadWrite\.All\) is advised as well/,
    );
    assert.deepEqual(requestsMade().graph, {});
    assert.equal(requestsMade().tokens, 1);
  });

  test('only User.Read.All: SUCCEEDED, users readable, the others named with the permissions they need; only /users is probed', async () => {
    em.setPermissions(['User.Read.All']);
    const { status, result } = await runCheck();
    assert.equal(status.status, 'SUCCEEDED');
    const failing = ALL_STREAMS.filter((name) => name !== 'users');
    assert.ok(status.message!.startsWith(`Connected, but ${listing(failing)} will fail. `), status.message);
    assert.match(
      status.message!,
      /service_principals cannot be read: the app lacks the Microsoft Graph application permissions Application\.Read\.All and Organization\.Read\.All\./,
    );
    assert.match(
      status.message!,
      /app_role_assignments cannot be read: the app lacks the Microsoft Graph application permissions Application\.Read\.All and GroupMember\.Read\.All \(or Directory\.Read\.All\)\./,
    );
    assert.match(
      status.message!,
      /sign_ins cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\./,
    );
    // Directory.Read.All, the least privileged for oauth2_permission_grants, covers every other directory read.
    assert.ok(
      status.message!.includes(`Add AuditLog.Read.All and Directory.Read.All (Application permissions, not Delegated) in ${CONSENT_PATH}.`),
      status.message,
    );
    assert.match(
      status.message!,
      /directory_audits cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\./,
    );
    assert.match(status.message!, /For sign_ins, Directory\.Read\.All is advised as well: .*known issue/);
    assert.match(status.message!, /For directory_audits, Directory\.Read\.All is advised as well: .*directoryaudit-list/);
    assert.match(status.message!, /deselect the streams you do not need\. users works\.$/);
    const warned = warnings(result);
    // One per failing stream, then the three pieces of advice (sign_ins, directory_audits, oauth2_permission_grants).
    assert.equal(warned.length, failing.length + 3, warned.join('\n'));
    assert.match(
      warned[0]!,
      /^service_principals cannot be read: .*Application\.Read\.All and Organization\.Read\.All\. Add Application\.Read\.All and Organization\.Read\.All \(Application permissions, not Delegated\) in /,
    );
    assert.match(warned[1]!, /^app_role_assignments cannot be read: .*Add Application\.Read\.All and GroupMember\.Read\.All /);
    assert.match(
      warned[2]!,
      /^sign_ins cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\. Add AuditLog\.Read\.All /,
    );
    assert.match(warned.at(-3)!, /^For sign_ins, Directory\.Read\.All is advised as well/);
    assert.match(warned.at(-2)!, /^For directory_audits, Directory\.Read\.All is advised as well/);
    assert.deepEqual(requestsMade().graph, { 'GET /users': 1 }, 'streams the claim rules out are not probed');
  });

  test('every stream unreadable although the token has roles: FAILED, each named with its own fix', async () => {
    // AuditLog.Read.All alone: the directory streams lack their permissions, and Graph refuses sign-ins for want of Directory.Read.All.
    em.setPermissions(['AuditLog.Read.All']);
    const { status, result } = await runCheck();
    assert.equal(status.status, 'FAILED');
    assert.ok(status.message!.startsWith(`Check failed: ${listing(ALL_STREAMS)} will fail. `), status.message);
    assert.match(status.message!, /users cannot be read: the app lacks the Microsoft Graph application permission User\.Read\.All\./);
    assert.match(
      status.message!,
      /sign_ins cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\) although the app's token lists AuditLog\.Read\.All; it also needs the Microsoft Graph application permission Directory\.Read\.All/,
    );
    assert.match(
      status.message!,
      /directory_audits cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\) although the app's token lists AuditLog\.Read\.All; it also needs the Microsoft Graph application permission Directory\.Read\.All: Microsoft's directory audit list page names/,
    );
    // Directory.Read.All, needed for the audit logs anyway, covers the directory streams: the advice asks for nothing more.
    assert.ok(
      status.message!.includes(`Add Directory.Read.All (Application permissions, not Delegated) in ${CONSENT_PATH}.`),
      status.message,
    );
    assert.match(status.message!, /No stream can be read until this is fixed\.$/);
    // One per stream, and the advice for oauth2_permission_grants (sign_ins' is already its failure).
    assert.equal(warnings(result).length, ALL_STREAMS.length + 1);
    assert.deepEqual(requestsMade().graph, { 'GET /auditLogs/signIns': 1, 'GET /auditLogs/directoryAudits': 1 });
  });

  test('users without User.Read.All (nor Directory.Read.All): SUCCEEDED, naming the permission, the consent path and the streams that work', async () => {
    em.setPermissions(without('User.Read.All', 'Directory.Read.All'));
    const { status } = await runCheck();
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(
      status.message!,
      /^Connected, but users, app_role_assignments, sign_ins, directory_audits and oauth2_permission_grants will fail\./,
    );
    assert.match(status.message!, /users cannot be read: the app lacks the Microsoft Graph application permission User\.Read\.All\./);
    // app_role_assignments reads the users too.
    assert.match(
      status.message!,
      /app_role_assignments cannot be read: the app lacks the Microsoft Graph application permission User\.Read\.All\./,
    );
    assert.ok(status.message!.includes(CONSENT_PATH));
    endsWith(status.message, works('users', 'app_role_assignments', 'sign_ins', 'directory_audits', 'oauth2_permission_grants'));
    assert.ok(!('GET /users' in requestsMade().graph), 'a stream the claim rules out is not probed');
  });

  test('service_principals without Organization.Read.All: SUCCEEDED, names it', async () => {
    em.setPermissions(without('Organization.Read.All', 'Directory.Read.All'));
    const { status } = await runCheck();
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(
      status.message!,
      /^Connected, but service_principals, sign_ins, directory_audits and oauth2_permission_grants will fail\./,
    );
    assert.match(
      status.message!,
      /service_principals cannot be read: the app lacks the Microsoft Graph application permission Organization\.Read\.All\./,
    );
    endsWith(status.message, works('service_principals', 'sign_ins', 'directory_audits', 'oauth2_permission_grants'));
  });

  test('app_role_assignments without GroupMember.Read.All: SUCCEEDED, names it and its alternative', async () => {
    em.setPermissions(without('GroupMember.Read.All', 'Directory.Read.All'));
    const { status } = await runCheck();
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(
      status.message!,
      /app_role_assignments cannot be read: the app lacks the Microsoft Graph application permission GroupMember\.Read\.All \(or Directory\.Read\.All\)\./,
    );
    endsWith(
      status.message,
      works('app_role_assignments', 'sign_ins', 'directory_audits', 'groups', 'group_members', 'oauth2_permission_grants'),
    );
  });

  test('sign_ins and directory_audits without AuditLog.Read.All: SUCCEEDED naming it; the logs are not probed', async () => {
    em.setPermissions(without('AuditLog.Read.All'));
    const { status, result } = await runCheck();
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(
      status.message!,
      /^Connected, but sign_ins and directory_audits will fail\. sign_ins cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\. directory_audits cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\./,
    );
    assert.match(status.message!, /Add AuditLog\.Read\.All \(Application permissions, not Delegated\) in /);
    endsWith(status.message, works('sign_ins', 'directory_audits'));
    assert.deepEqual(
      warnings(result),
      ['sign_ins', 'directory_audits'].map(
        (stream) =>
          `${stream} cannot be read: the app lacks the Microsoft Graph application permission AuditLog.Read.All. Add AuditLog.Read.All (Application permissions, not Delegated) in ${CONSENT_PATH}.`,
      ),
    );
    assert.deepEqual(Object.keys(requestsMade().graph).sort(), PROBES.filter((label) => !label.startsWith('GET /auditLogs/')).sort());
  });
});

describe('check: Directory.Read.All is advised for sign_ins and directory_audits, not required', () => {
  test("Graph with the known issue (the emulator's default): the logs are probed, refused, and named with the Directory.Read.All fix", async () => {
    // https://learn.microsoft.com/graph/api/signin-list#permissions: AuditLog.Read.All least privileged; a known issue asks for Directory.Read.All too.
    // https://learn.microsoft.com/graph/api/directoryaudit-list#permissions: AuditLog.Read.All and Directory.Read.All.
    em.setPermissions(without('Directory.Read.All'));
    const { status, result } = await runCheck();
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(
      status.message!,
      /^Connected, but sign_ins, directory_audits and oauth2_permission_grants will fail\. sign_ins cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\) although the app's token lists AuditLog\.Read\.All; it also needs the Microsoft Graph application permission Directory\.Read\.All: Microsoft's sign-in list page notes a known issue/,
    );
    assert.match(
      status.message!,
      / directory_audits cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\) although the app's token lists AuditLog\.Read\.All; it also needs the Microsoft Graph application permission Directory\.Read\.All: Microsoft's directory audit list page names Directory\.Read\.All next to AuditLog\.Read\.All as the least privileged permissions \(https:\/\/learn\.microsoft\.com\/graph\/api\/directoryaudit-list#permissions\)\. /,
    );
    assert.match(status.message!, /https:\/\/learn\.microsoft\.com\/graph\/api\/signin-list#permissions/);
    assert.equal(
      status.message!.split(`Add Directory.Read.All (Application permissions, not Delegated) in ${CONSENT_PATH}.`).length,
      2,
      'said once',
    );
    assert.doesNotMatch(status.message!, /propagating/);
    // oauth2_permission_grants lacks its least-privileged permission (the claim rules it out: no probe), which is also the advice.
    endsWith(status.message, works('sign_ins', 'directory_audits', 'oauth2_permission_grants'));
    // One per failing stream, and the advice for oauth2_permission_grants.
    assert.equal(warnings(result).length, 4, warnings(result).join('\n'));
    assert.match(
      warnings(result)[0]!,
      /^sign_ins cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\).*Add Directory\.Read\.All /,
    );
    assert.match(
      warnings(result)[1]!,
      /^directory_audits cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\).*Add Directory\.Read\.All /,
    );
    assert.match(
      warnings(result)[2]!,
      /^oauth2_permission_grants cannot be read: the app lacks .*Directory\.Read\.All \(or DelegatedPermissionGrant\.Read\.All\)/,
    );
    assert.deepEqual(
      requestsMade().graph,
      Object.fromEntries(PROBES.filter((label) => label !== 'GET /oauth2PermissionGrants').map((label) => [label, 1])),
      'the logs were probed once each despite the missing advised permission',
    );
  });

  test('Graph without the known issue: the logs are readable, and check still warns that Directory.Read.All is advised', async () => {
    lenient.setPermissions(without('Directory.Read.All'));
    const { status, result } = await runCheck({}, {}, lenient);
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(
      status.message!,
      /^Connected, but oauth2_permission_grants will fail\. .* sign_ins can be read, but the app's token lacks Directory\.Read\.All, which is advised: Microsoft's sign-in list page notes a known issue that requires Directory\.Read\.All next to AuditLog\.Read\.All/,
    );
    assert.match(status.message!, /If a sync of sign_ins is refused with 403 Authorization_RequestDenied, add Directory\.Read\.All /);
    endsWith(status.message, works('oauth2_permission_grants'));
    assert.deepEqual(
      warnings(result).map((w) => w.slice(0, 40)),
      [
        'oauth2_permission_grants cannot be read:',
        "sign_ins can be read, but the app's toke",
        'directory_audits can be read, but the ap',
        'For oauth2_permission_grants, Directory.',
      ],
    );
    assert.deepEqual(
      requestsMade(lenient).graph,
      Object.fromEntries(PROBES.filter((label) => label !== 'GET /oauth2PermissionGrants').map((label) => [label, 1])),
    );
  });

  test('with Directory.Read.All granted nothing is advised', async () => {
    const { status, result } = await runCheck({}, {}, lenient);
    assert.deepEqual(status, { status: 'SUCCEEDED' });
    assert.deepEqual(warnings(result), []);
  });
});

describe('check: permissions that options add', () => {
  test('include_sign_in_activity without AuditLog.Read.All: users is named too', async () => {
    em.setPermissions(without('AuditLog.Read.All'));
    const { status } = await runCheck({ include_sign_in_activity: true });
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(status.message!, /^Connected, but users, sign_ins and directory_audits will fail\./);
    assert.match(status.message!, /users cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\./);
    assert.match(
      status.message!,
      /sign_ins cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\./,
    );
    endsWith(status.message, works('users', 'sign_ins', 'directory_audits'));
  });

  test('without the option, users does not need AuditLog.Read.All', async () => {
    em.setPermissions(without('AuditLog.Read.All'));
    const { status } = await runCheck();
    assert.doesNotMatch(status.message!, /users cannot be read/);
  });
});

describe('check: licence', () => {
  test('a tenant without Entra ID P1/P2 SUCCEEDS with a warning: sign_ins will fail, the other streams (directory audits too) work', async () => {
    em.setPremium(false);
    const { status, result } = await runCheck();
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(status.message!, /^Connected, but sign_ins will fail\./);
    assert.match(status.message!, /Microsoft Entra ID P1 or P2 licence/);
    endsWith(status.message, works('sign_ins'));
    assert.equal(warnings(result).length, 1);
    assert.match(
      warnings(result)[0]!,
      /^sign_ins cannot be read: this tenant has no Microsoft Entra ID P1 or P2 licence.*or deselect sign_ins\.$/,
    );
    assert.deepEqual(requestsMade().graph, Object.fromEntries(PROBES.map((label) => [label, 1])));
  });

  test('no licence and a missing permission: SUCCEEDED while service_principals is readable, listing both', async () => {
    // Sign-ins reach the licence check only when Graph does not also ask for Directory.Read.All.
    lenient.setPremium(false);
    // DelegatedPermissionGrant.ReadWrite.All keeps oauth2_permission_grants readable without Directory.Read.All.
    lenient.setPermissions([...without('User.Read.All', 'Directory.Read.All'), 'DelegatedPermissionGrant.ReadWrite.All']);
    const { status, result } = await runCheck({}, {}, lenient);
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(status.message!, /^Connected, but users, app_role_assignments and sign_ins will fail\./);
    // The permission part: both streams that need User.Read.All name it, and how to grant it is said once.
    assert.match(
      status.message!,
      / users cannot be read: the app lacks the Microsoft Graph application permission User\.Read\.All\. app_role_assignments cannot be read: the app lacks the Microsoft Graph application permission User\.Read\.All\. /,
    );
    const grant =
      'Add User.Read.All (Application permissions, not Delegated) in Entra admin center > App registrations > the app > API permissions > Add a permission > Microsoft Graph > Application permissions, then "Grant admin consent".';
    assert.equal(status.message!.split(grant).length, 2, `the way to grant User.Read.All, once: ${status.message}`);
    // The licence part: what is missing, Graph's answer, and the two ways out; no permission is blamed for it.
    assert.match(
      status.message!,
      / sign_ins cannot be read: this tenant has no Microsoft Entra ID P1 or P2 licence, which Microsoft Graph requires for sign-in data \(403 Authentication_RequestFromNonPremiumTenantOrB2CTenant\); add an Entra ID P1 or P2 licence to the tenant, or deselect sign_ins\. /,
    );
    const signInsSentence = / sign_ins cannot be read: [^.]*\./.exec(status.message!)![0];
    assert.doesNotMatch(signInsSentence, /AuditLog\.Read\.All|Directory\.Read\.All/, 'the licence, not a permission, stops sign_ins');
    assert.doesNotMatch(status.message!, /sign_ins can be read|For sign_ins/, 'advice cannot help a tenant without the licence');
    // directory_audits needs no licence: it is read, with the advice about Directory.Read.All.
    assert.match(status.message!, /directory_audits can be read, but the app's token lacks Directory\.Read\.All, which is advised/);
    endsWith(status.message, works('users', 'app_role_assignments', 'sign_ins'));
    // One WARN per stream that will fail, the licence one included, and the advice.
    assert.deepEqual(
      warnings(result).map((w) => w.split(':')[0]),
      [
        'users cannot be read',
        'app_role_assignments cannot be read',
        'sign_ins cannot be read',
        "directory_audits can be read, but the app's token lacks Directory.Read.All, which is advised",
      ],
    );
    assert.match(
      warnings(result)[2]!,
      /^sign_ins cannot be read: this tenant has no Microsoft Entra ID P1 or P2 licence.*or deselect sign_ins\.$/,
    );
  });
});

describe('check: consent that lags behind the roles claim', () => {
  // The emulator judges each request by the roles of its token, so a claim that Graph does not yet honour
  // cannot happen there: this drives the real check() with a Graph client that answers as Graph does then.
  test('a 403 Authorization_RequestDenied despite the role says consent may still be propagating', async () => {
    const calls: string[] = [];
    const graph = {
      grantedRoles: async () => ALL,
      get: async (path: string) => {
        calls.push(path);
        if (path === '/users')
          throw graphError(
            { kind: 'http', status: 403, code: 'Authorization_RequestDenied' },
            { request: 'GET /users?$top=1&$select=id', status: 403, code: 'Authorization_RequestDenied' },
          );
        return { value: [] };
      },
    } as unknown as GraphClient;
    const out = new PassThrough();
    let stdout = '';
    out.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const writer = new MessageWriter(out);
    const code = await check(writer, { cloud: 'global', userProperties: [] as Config['userProperties'] } as Config, graph);
    await writer.flush();
    assert.equal(code, 0);
    const messages = parseMessages(stdout);
    const status = messages.find((m) => m.type === 'CONNECTION_STATUS')!.connectionStatus;
    // service_principals and sign_ins can be read: check passes, naming the two streams that read /users.
    assert.equal(status.status, 'SUCCEEDED');
    assert.match(status.message, /^Connected, but users and app_role_assignments will fail\./);
    assert.match(
      status.message,
      /users cannot be read yet: the app's token already lists User\.Read\.All, but Microsoft Graph still answered 403 Authorization_RequestDenied/,
    );
    assert.match(status.message, /consent may still be propagating, so wait a few minutes/);
    endsWith(status.message, works('users', 'app_role_assignments'));
    assert.equal(messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').length, 2);
    // /users is asked once although two streams read it; every other endpoint once too.
    assert.deepEqual([...calls].sort(), [...new Set(PROBES.map((label) => label.replace('GET ', '')))].sort());
  });
});

describe('read: the same diagnosis, per stream', () => {
  const catalog = catalogOf(STREAMS.map((name) => ({ name })));

  async function runRead(emulator: Emulator = em, streamCatalog: object = catalog) {
    const config = emulator.config();
    const result = await runConnector(['read'], { env: emulator.env, config, catalog: streamCatalog, timeoutMs: 60_000 });
    assertNoSecret(result, config, emulator);
    return result;
  }

  /** The stream read to the end, and its records equal the emulator's truth. */
  function assertComplete(result: RunResult, emulator: Emulator, stream: StreamName): void {
    assert.deepEqual(streamOutcome(result, stream), { kind: 'complete' }, `${stream}: ${JSON.stringify(result.errors())}`);
    assertExactRecords(stream, result.records(stream), truthOfRun(emulator, stream, result.messages));
  }

  test("a stream whose permission is missing fails fast with check's sentence (config_error); the others complete", async () => {
    em.setPermissions(without('AuditLog.Read.All'));
    const result = await runRead();
    assert.notEqual(result.code, 0);
    const errors = result.errors();
    assert.equal(errors.length, 2, JSON.stringify(errors));
    for (const [index, stream] of ['sign_ins', 'directory_audits'].entries()) {
      assert.equal(errors[index].failure_type, 'config_error');
      assert.deepEqual(errors[index].stream_descriptor, { name: stream });
      assert.match(
        errors[index].message,
        new RegExp(`^${stream} cannot be read: the app lacks the Microsoft Graph application permission AuditLog\\.Read\\.All\\. `),
      );
      assert.match(errors[index].message, new RegExp(`${escapeRegExp(CONSENT_PATH)}\\.$`));
      assert.deepEqual(result.statuses(stream), ['STARTED', 'INCOMPLETE']);
    }
    assert.equal(em.metrics().requests['GET /auditLogs/signIns'], undefined, 'the failing stream made no request');
    assert.equal(em.metrics().requests['GET /auditLogs/directoryAudits'], undefined, 'the failing stream made no request');
    for (const stream of ['users', 'service_principals', 'app_role_assignments']) {
      assert.equal(result.statuses(stream).at(-1), 'COMPLETE', `${stream}: ${result.statuses(stream)}`);
    }
    assert.ok(result.records('users').length > 0);
  });

  test('only User.Read.All: users completes and equals the truth; the others fail alone, each naming its permissions, without a request', async () => {
    em.setPermissions(['User.Read.All']);
    const result = await runRead();
    assert.notEqual(result.code, 0);
    assertComplete(result, em, 'users');
    const expected: Record<string, RegExp> = {
      service_principals:
        /^service_principals cannot be read: the app lacks the Microsoft Graph application permissions Application\.Read\.All and Organization\.Read\.All\. /,
      app_role_assignments:
        /^app_role_assignments cannot be read: the app lacks the Microsoft Graph application permissions Application\.Read\.All and GroupMember\.Read\.All \(or Directory\.Read\.All\)\. /,
      sign_ins: /^sign_ins cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\. /,
      directory_audits: /^directory_audits cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\. /,
    };
    for (const [stream, pattern] of Object.entries(expected)) {
      const outcome = streamOutcome(result, stream as StreamName);
      assert.equal(outcome.kind, 'failed', stream);
      assert.equal((outcome as { failureType: string }).failureType, 'config_error', stream);
      assert.match((outcome as { message: string }).message, pattern);
    }
    const requests = Object.keys(em.metrics().requests).filter((label) => !/^(GET|POST) \/\{tenant\}\//.test(label));
    // users counts the users first (its row estimate and the tenant's throttling tier), then reads them.
    assert.deepEqual(requests.sort(), ['GET /users', 'GET /users/$count'], 'the streams the claim rules out made no request');
  });

  test('no licence: sign_ins fails with the licence sentence (config_error); the others complete', async () => {
    em.setPremium(false);
    const result = await runRead();
    const errors = result.errors();
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].failure_type, 'config_error');
    assert.deepEqual(errors[0].stream_descriptor, { name: 'sign_ins' });
    assert.match(errors[0].message, /^sign_ins cannot be read: this tenant has no Microsoft Entra ID P1 or P2 licence/);
    for (const stream of ['users', 'service_principals', 'app_role_assignments', 'directory_audits']) {
      assert.equal(result.statuses(stream).at(-1), 'COMPLETE', `${stream}: ${result.statuses(stream)}`);
    }
  });

  test("include_sign_in_activity without AuditLog.Read.All: users fails alone naming it (the option's permission)", async () => {
    em.setPermissions(without('AuditLog.Read.All'));
    const config = em.config({ include_sign_in_activity: true });
    const result = await runConnector(['read'], {
      env: em.env,
      config,
      catalog: catalogOf([{ name: 'users' }, { name: 'service_principals' }]),
      timeoutMs: 60_000,
    });
    assertNoSecret(result, config);
    const outcome = streamOutcome(result, 'users');
    assert.equal(outcome.kind, 'failed');
    assert.equal((outcome as { failureType: string }).failureType, 'config_error');
    assert.match(
      (outcome as { message: string }).message,
      /^users cannot be read: the app lacks the Microsoft Graph application permission AuditLog\.Read\.All\. /,
    );
    assertComplete(result, em, 'service_principals');
  });

  test('Graph with the known issue and no Directory.Read.All: sign_ins is tried once, then fails alone saying to add it', async () => {
    em.setPermissions(without('Directory.Read.All'));
    const result = await runRead(em, fullCatalog());
    const outcome = streamOutcome(result, 'sign_ins');
    assert.equal(outcome.kind, 'failed');
    assert.equal((outcome as { failureType: string }).failureType, 'config_error');
    assert.match(
      (outcome as { message: string }).message,
      /^sign_ins cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\) although the app's token lists AuditLog\.Read\.All; it also needs the Microsoft Graph application permission Directory\.Read\.All/,
    );
    assert.doesNotMatch((outcome as { message: string }).message, /propagating/);
    assert.equal(em.metrics().requests['GET /auditLogs/signIns'], 1, 'a 403 is not retried');
    // directory_audits too: its page names Directory.Read.All beside AuditLog.Read.All, and the emulator's Graph asks for both.
    const audits = streamOutcome(result, 'directory_audits');
    assert.equal(audits.kind, 'failed');
    assert.match(
      (audits as { message: string }).message,
      /^directory_audits cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\)/,
    );
    assert.equal(em.metrics().requests['GET /auditLogs/directoryAudits'], 1, 'a 403 is not retried');
    for (const stream of ['users', 'service_principals', 'app_role_assignments'] as const) assertComplete(result, em, stream);
  });

  test('Graph without the known issue: the logs read with AuditLog.Read.All and no Directory.Read.All, equal to the truth', async () => {
    lenient.setPermissions(without('Directory.Read.All'));
    const result = await runRead(lenient, fullCatalog());
    assert.equal(result.code, 0, JSON.stringify(result.errors()));
    for (const stream of ['users', 'service_principals', 'app_role_assignments', 'sign_ins', 'directory_audits'] as const)
      assertComplete(result, lenient, stream);
    assert.ok(result.records('sign_ins').length > 0, 'the tenant has sign-ins in the range read');
    assert.ok(result.records('directory_audits').length > 0, 'the tenant has audit events in the range read');
  });
});
