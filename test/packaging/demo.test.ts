// `npm run demo` end to end in a temporary DEMO_DIR, twice: typed, de-duplicated DuckDB tables that match the
// tenant, then an incremental sign_ins run from the saved state.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEMO_TABLES, DEMO_TENANT, type DemoRunReport } from '../../scripts/demo/tenant.js';
import { startEmulator } from '../emulator/index.js';
import { childEnv } from '../support/connector.js';
import { repoRoot } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'azcc-demo-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const KEYS: Record<string, string> = {
  users: 'id',
  service_principals: 'id',
  app_role_assignments: 'id, userId',
  sign_ins: 'id',
  directory_audits: 'id',
  groups: 'id',
  group_members: 'groupId, memberId',
  applications: 'id',
  oauth2_permission_grants: 'id',
  subscribed_skus: 'skuId',
  directory_role_assignments: 'id',
};

/** The app credentials in the landed applications table that end in (at, at + 30 days], by keyId, read in JavaScript. */
async function credentialsEndingWithin30Days(at: Date): Promise<string[]> {
  const instance = await DuckDBInstance.create(join(dir, 'entra.duckdb'), { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const apps = (await connection.runAndReadAll('SELECT CAST(credentials AS VARCHAR) AS credentials FROM applications')).getRowObjectsJS();
    const limit = at.getTime() + 30 * 86_400_000;
    return apps
      .flatMap((app) => JSON.parse(app.credentials as string) as { keyId: string; endDateTime: string }[])
      .filter((c) => Date.parse(c.endDateTime) > at.getTime() && Date.parse(c.endDateTime) <= limit)
      .map((c) => c.keyId)
      .sort();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function runDemo(): Promise<{ stdout: string; report: DemoRunReport }> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot, 'dist', 'scripts', 'demo.js')], {
    // The machine's proxy variables stay out (see childEnv): the demo's connector runs talk to its local emulator.
    env: childEnv({ DEMO_DIR: dir }),
    timeout: 90_000,
  });
  return { stdout, report: JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as DemoRunReport };
}

/** Row counts, distinct primary keys and column types of each table, read from the file itself. */
async function inspect(): Promise<Record<string, { rows: number; keys: number; types: Record<string, string> }>> {
  const instance = await DuckDBInstance.create(join(dir, 'entra.duckdb'), { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const out: Record<string, { rows: number; keys: number; types: Record<string, string> }> = {};
  try {
    for (const name of DEMO_TABLES) {
      const [counts] = (
        await connection.runAndReadAll(`SELECT count(*)::INTEGER AS rows, count(DISTINCT (${KEYS[name]}))::INTEGER AS keys FROM "${name}"`)
      ).getRowObjectsJS();
      const columns = (await connection.runAndReadAll(`DESCRIBE "${name}"`)).getRowObjectsJS();
      out[name] = {
        rows: counts!.rows as number,
        keys: counts!.keys as number,
        types: Object.fromEntries(columns.map((c) => [c.column_name as string, c.column_type as string])),
      };
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return out;
}

test('the demo lands every stream as typed, de-duplicated tables matching the tenant, then syncs sign_ins incrementally', async () => {
  const first = await runDemo();
  assert.equal(first.report.mode, 'full');
  const tables = await inspect();
  // The directory part of the tenant does not depend on the clock: a second emulator with the same seed is an independent truth.
  const reference = await startEmulator({ seed: DEMO_TENANT.seed, sizes: DEMO_TENANT.sizes });
  try {
    const independent: Record<string, number> = {
      users: reference.truth.users({ includeGuests: false, domains: [] }).length,
      service_principals: reference.truth.servicePrincipals().length,
      app_role_assignments: reference.truth.appRoleAssignments().length,
      groups: reference.truth.groups().length,
      group_members: reference.truth.groupMembers().length,
      oauth2_permission_grants: reference.truth.oauth2PermissionGrants().length,
      subscribed_skus: reference.truth.subscribedSkus().length,
      directory_role_assignments: reference.truth.directoryRoleAssignments().length,
    };
    for (const [name, count] of Object.entries(independent))
      assert.equal(tables[name]!.rows, count, `${name} rows vs a fresh tenant with the same seed`);
    // Licences bought versus assigned: every SKU of the tenant, bought = prepaidUnits.enabled, assigned = consumedUnits.
    const skus = reference.truth.subscribedSkus().map((sku: any) => ({
      licence: sku.skuPartNumber,
      bought: sku.prepaidUnits.enabled,
      assigned: sku.consumedUnits,
      unassigned: sku.prepaidUnits.enabled - sku.consumedUnits,
    }));
    const byLicence = (a: { licence: string }, b: { licence: string }) => a.licence.localeCompare(b.licence);
    assert.deepEqual(
      first.report.answers.licences
        .map(({ licence, bought, assigned, unassigned }) => ({ licence, bought, assigned, unassigned }))
        .sort(byLicence),
      skus.sort(byLicence),
    );
    assert.ok(!first.stdout.includes(reference.credentials.clientSecret), 'the demo printed the client secret');
  } finally {
    await reference.stop();
  }
  for (const name of DEMO_TABLES) {
    const { rows, keys } = tables[name]!;
    assert.equal(keys, rows, `${name}: one row per primary key`);
    assert.equal(rows, first.report.tables[name]!.tenantInRange, `${name}: rows vs the tenant's records in the range read`);
    assert.ok(rows > 0, `${name} is empty`);
  }
  assert.equal(tables.users!.types.createdDateTime, 'TIMESTAMP WITH TIME ZONE');
  assert.equal(tables.users!.types.accountEnabled, 'BOOLEAN');
  assert.equal(tables.users!.types.emailAliases, 'VARCHAR[]');
  assert.equal(tables.sign_ins!.types.location, 'JSON');
  assert.match(first.stdout, /Applications with the most assigned users/);
  assert.match(first.stdout, /Sign-ins per application/);
  assert.match(first.stdout, /Licences bought versus assigned/);
  // Expiring credentials: the SQL answer equals the landed credentials filtered here, and the tenant has some.
  const expiring = first.report.answers.expiringCredentials;
  const expected = await credentialsEndingWithin30Days(new Date(expiring.at));
  assert.ok(expected.length > 0, 'the demo tenant has credentials that expire within 30 days');
  assert.deepEqual(expiring.rows.map((r) => r.keyId).sort(), expected);
  assert.match(
    first.stdout,
    new RegExp(
      `App registrations whose secrets or certificates expire within 30 days: ${expected.length} credentials of ${new Set(expiring.rows.map((r) => r.appId)).size} registrations`,
    ),
  );
  assert.ok(first.stdout.includes(join(dir, 'entra.duckdb')), 'the summary says where the file is');

  // Every example query of the README's stream sections runs against the landed tables and returns rows.
  const examples = [...readFileSync(join(repoRoot, 'README.md'), 'utf8').matchAll(/```sql\n([\s\S]*?)```/g)].map((m) =>
    m[1]!.replace(/^ {2}/gm, ''),
  );
  assert.ok(examples.length >= DEMO_TABLES.length, 'one example query per stream at least');
  const instance = await DuckDBInstance.create(join(dir, 'entra.duckdb'), { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    for (const sql of examples) {
      const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS();
      assert.ok(rows.length > 0, `the README example returns rows on the demo tenant: ${sql.split('\n')[0]}`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }

  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as any[];
  const signInsState = state.find((s) => s.stream.stream_descriptor.name === 'sign_ins');
  assert.equal(
    signInsState.stream.stream_state.createdDateTime,
    first.report.signInsRange.to,
    "the saved state is the read's last sign_ins cursor",
  );

  const second = await runDemo();
  assert.equal(second.report.mode, 'incremental');
  const after = await inspect();
  const signIns = second.report.tables.sign_ins!;
  assert.equal(
    signIns.readThisRun,
    signIns.tenantInRange,
    "the incremental run read exactly the tenant's sign-ins from cursor minus lookback",
  );
  assert.ok(
    signIns.readThisRun < first.report.tables.sign_ins!.readThisRun / 10,
    `the incremental run re-read ${signIns.readThisRun} sign-ins`,
  );
  assert.ok(after.sign_ins!.rows >= tables.sign_ins!.rows, 'sign_ins rows are kept across runs');
  for (const name of DEMO_TABLES) assert.equal(after[name]!.keys, after[name]!.rows, `${name}: still one row per primary key`);
});
