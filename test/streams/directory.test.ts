// Integration: users, service_principals and app_role_assignments read through the real entrypoint from the emulator.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAjv, type ValidateFunction } from '../../source-azure-client-credentials/validation.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { concealedUserCount } from '../emulator/truth.js';
import { type RunResult, runConnector } from '../support/connector.js';

const STREAMS = ['users', 'service_principals', 'app_role_assignments'] as const;
type StreamName = (typeof STREAMS)[number];
const KEYS: Record<StreamName, string[]> = { users: ['id'], service_principals: ['id'], app_role_assignments: ['id', 'userId'] };
const HEX32 = /^[0-9a-f]{32}$/i;

interface Harness {
  emulator: Emulator;
  catalog: object;
  validators: Map<string, ValidateFunction>;
  properties: Map<string, Set<string>>;
}

/** Discovers through the connector itself, so the catalog and schemas are what Airbyte would see. */
async function harness(emulator: Emulator): Promise<Harness> {
  const discovered = await runConnector(['discover'], { env: emulator.env, config: emulator.config() });
  assert.equal(discovered.code, 0, discovered.stdout);
  const streams = discovered.catalog().streams.filter((s: { name: string }) => (STREAMS as readonly string[]).includes(s.name));
  assert.equal(streams.length, STREAMS.length);
  const ajv = createAjv();
  const validators = new Map<string, ValidateFunction>();
  const properties = new Map<string, Set<string>>();
  for (const stream of streams) {
    validators.set(stream.name, ajv.compile(stream.json_schema));
    properties.set(stream.name, new Set(Object.keys(stream.json_schema.properties)));
    assert.deepEqual(
      stream.source_defined_primary_key,
      KEYS[stream.name as StreamName].map((k) => [k]),
    );
  }
  const catalog = {
    streams: streams.map((stream: object) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })),
  };
  return { emulator, catalog, validators, properties };
}

const keyOf = (stream: StreamName, record: Record<string, unknown>) => JSON.stringify(KEYS[stream].map((k) => record[k]));
/** Sorted by primary key (keys computed once: the big tenant has thousands of rows). */
function sorted(stream: StreamName, records: Record<string, unknown>[]): Record<string, unknown>[] {
  return records
    .map((record) => ({ key: keyOf(stream, record), record }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ record }) => record);
}

async function read(h: Harness, overrides: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const result = await runConnector(['read'], {
    env: { ...h.emulator.env, ...env },
    config: h.emulator.config(overrides),
    catalog: h.catalog,
    timeoutMs: 90_000,
  });
  assert.equal(result.code, 0, `read failed: ${JSON.stringify(result.errors())}\n${result.stderr.slice(-2000)}`);
  for (const stream of STREAMS) assert.deepEqual(result.statuses(stream), ['STARTED', 'RUNNING', 'COMPLETE'], stream);
  return result;
}

/** Every record validates with formats, has no field outside its schema, and no key repeats. */
function assertRecordsConform(h: Harness, result: RunResult): void {
  for (const stream of STREAMS) {
    const validate = h.validators.get(stream)!;
    const known = h.properties.get(stream)!;
    const keys = new Set<string>();
    for (const record of result.records(stream) as Record<string, unknown>[]) {
      const valid: boolean = validate(record);
      assert.ok(valid, `${stream} record ${JSON.stringify(record)} is invalid: ${JSON.stringify(validate.errors)}`);
      const extra = Object.keys(record).filter((k) => !known.has(k));
      assert.deepEqual(extra, [], `${stream} record has fields outside its schema`);
      const key = keyOf(stream, record);
      assert.ok(!keys.has(key), `${stream}: duplicate primary key ${key}`);
      keys.add(key);
    }
  }
}

/** The filter combinations of the issue: include_guests x domain_names (empty, one, two with odd spelling). */
function combinations(emulator: Emulator): { overrides: Record<string, unknown>; domains: string[] }[] {
  const guestDomains = emulator.tenant.users
    .filter((u) => u.userType === 'Guest' && typeof u.mail === 'string' && u.mail.includes('@'))
    .map((u) => (u.mail as string).split('@').pop()!.toLowerCase());
  const other = guestDomains.find((d) => d !== emulator.tenant.defaultDomain) ?? 'fabrikam.example';
  const one = emulator.tenant.defaultDomain.toLowerCase();
  const odd = ` @${one.toUpperCase()} ,, ${other.replace(/^./, (c) => c.toUpperCase())} `;
  const out: { overrides: Record<string, unknown>; domains: string[] }[] = [];
  for (const include_guests of [false, true]) {
    out.push({ overrides: { include_guests, domain_names: '' }, domains: [] });
    out.push({ overrides: { include_guests, domain_names: one }, domains: [one] });
    out.push({ overrides: { include_guests, domain_names: odd }, domains: [one, other] });
  }
  return out;
}

function assertMatchesTruth(h: Harness, result: RunResult, includeGuests: boolean, domains: string[]): void {
  const truth = h.emulator.truth;
  const expected: Record<StreamName, Record<string, unknown>[]> = {
    users: truth.users({ includeGuests, domains }),
    service_principals: truth.servicePrincipals(),
    app_role_assignments: truth.appRoleAssignments(),
  };
  for (const stream of STREAMS) {
    assert.ok(expected[stream].length > 0, `the tenant must give ${stream} records for the comparison to mean something`);
    assert.deepStrictEqual(sorted(stream, result.records(stream)), sorted(stream, expected[stream]), `${stream} differs from the truth`);
  }
}

/** The fan-out went through $batch: every item batched, at least 10 items per call, each assigned group read once. */
function assertBatched(emulator: Emulator): Record<string, number> {
  const requests = emulator.metrics().requests;
  const sps = emulator.tenant.servicePrincipals.length;
  const batches = requests['POST /$batch'] ?? 0;
  const assignedTo = requests['batch GET /servicePrincipals/{id}/appRoleAssignedTo'] ?? 0;
  const members = requests['batch GET /groups/{id}/members'] ?? 0;
  assert.ok(assignedTo >= sps, `every service principal's assignments are read in batches (${assignedTo} of ${sps})`);
  assert.equal(requests['GET /servicePrincipals/{id}/appRoleAssignedTo'] ?? 0, 0, 'assignments are read through $batch');
  assert.equal(requests['GET /groups/{id}/members'] ?? 0, 0, 'group members are read through $batch');
  // Each assigned group's members once: one page per 999 members, however many apps it is assigned to.
  const assignedGroups = new Set<string>();
  for (const list of emulator.tenant.assignments.values())
    for (const a of list) if (a.principalType === 'Group') assignedGroups.add(a.principalId as string);
  const pagesOf = (g: string) => Math.max(1, Math.ceil((emulator.tenant.groupMembers.get(g)?.length ?? 0) / 999));
  const pages = [...assignedGroups].reduce((n, g) => n + pagesOf(g), 0);
  assert.equal(members, pages, 'one members page per 999 members of each distinct assigned group');
  // Users assigned directly, when few for the tenant, are read by id in $batch too (user-lookup.ts): 20 per call.
  const usersById = requests['batch GET /users/{id}'] ?? 0;
  // Full batches of 20: one round per 20 service principals, per 20 groups, per further page of the largest group, per 20 users.
  const rounds =
    Math.ceil(sps / 20) +
    Math.ceil(assignedGroups.size / 20) +
    Math.max(0, ...[...assignedGroups].map((g) => pagesOf(g) - 1)) +
    Math.ceil(usersById / 20);
  assert.ok(
    batches > 0 && batches <= rounds + 1,
    `${batches} $batch calls for ${assignedTo + members + usersById} items (at most ${rounds + 1} expected)`,
  );
  return requests;
}

function describeTenant(title: string, options: Parameters<typeof startEmulator>[0]) {
  describe(title, () => {
    let h: Harness;
    before(async () => {
      h = await harness(await startEmulator(options));
    });
    after(() => h?.emulator.stop());

    test('each stream equals the truth for every include_guests x domain_names combination; records conform', async () => {
      for (const [index, { overrides, domains }] of combinations(h.emulator).entries()) {
        h.emulator.resetMetrics();
        const result = await read(h, overrides);
        if (index === 0) console.log(`${title}: request counts ${JSON.stringify(assertBatched(h.emulator))}`);
        assertRecordsConform(h, result);
        assertMatchesTruth(h, result, overrides.include_guests as boolean, domains);
        const concealed = concealedUserCount(h.emulator.tenant, { includeGuests: overrides.include_guests as boolean, domains });
        assert.ok(concealed > 0 || domains.length > 0, 'the tenant needs concealed users');
        const warnings = result.logs('WARN').filter((m) => m.includes('Display concealed user, group, and site names in all reports'));
        assert.equal(warnings.length, concealed > 0 ? 1 : 0, `${JSON.stringify(overrides)}: ${JSON.stringify(warnings)}`);
        if (concealed > 0) assert.match(warnings[0]!, new RegExp(`^Skipped ${concealed} users? `));
      }
    });

    test('assignments of users and of groups spilled to temporary files give the same rows, and the files are deleted', async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'azcc-spill-'));
      try {
        h.emulator.resetMetrics();
        const result = await read(h, {}, { AZURE_ASSIGNMENTS_SPILL_AT: '1', TMPDIR: tmp, LOG_LEVEL: 'DEBUG' });
        // Spilled, the assignees are read by the pass over /users (their count is not held), never by id; the groups
        // come back a partition at a time, each group's members read once (groups of more than 999 members included).
        assert.equal(h.emulator.metrics().requests['batch GET /users/{id}'] ?? 0, 0);
        for (const kind of ['users', 'groups'])
          assert.ok(
            result.logs('DEBUG').some((m) => m.includes(`assignments of ${kind};`) && m.includes('from a temporary file')),
            `the assignments of ${kind} were spilled`,
          );
        assert.deepStrictEqual(
          sorted('app_role_assignments', result.records('app_role_assignments')),
          sorted('app_role_assignments', h.emulator.truth.appRoleAssignments()),
        );
        assert.deepEqual(readdirSync(tmp), [], 'no temporary file left');
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
}

describeTenant('a small tenant', {
  seed: 5,
  sizes: { users: 80, guestFraction: 0.2, servicePrincipals: 45, groups: 10, assignments: 150, signIns: 0, signInsBeyondRetention: 0 },
});

describeTenant('a tenant with groups of more than 999 members', {
  seed: 55,
  sizes: {
    users: 1700,
    servicePrincipals: 12,
    groups: 6,
    bigGroupSizes: [1001, 1600],
    assignments: 40,
    groupAssignmentFraction: 0.25,
    signIns: 0,
    signInsBeyondRetention: 0,
  },
});

describe('behaviour on a small tenant', () => {
  let h: Harness;
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      seed: 7,
      sizes: { users: 60, servicePrincipals: 40, groups: 8, assignments: 120, signIns: 0, signInsBeyondRetention: 0 },
    });
    h = await harness(emulator);
  });
  after(() => emulator?.stop());

  test('users with a null userType are kept when guests are excluded', async () => {
    const nulls = emulator.tenant.users.filter((u) => u.userType == null);
    assert.ok(nulls.length > 0, 'the tenant needs users without a userType');
    const result = await read(h, { include_guests: false });
    const ids = new Set(result.records('users').map((u) => u.id));
    const visible = nulls.filter((u) => !HEX32.test(String(u.displayName ?? '')));
    assert.ok(visible.length > 0);
    for (const user of visible) assert.ok(ids.has(user.id), `user ${user.id} with null userType is missing`);
    assert.ok(result.records('users').every((u) => u.userType !== 'Guest'));
  });

  test('include_sign_in_activity adds signInActivity to every user, equal to the truth', async () => {
    const result = await read(h, { include_sign_in_activity: true, include_guests: true });
    assertRecordsConform(h, result);
    assert.deepStrictEqual(
      sorted('users', result.records('users')),
      sorted('users', emulator.truth.users({ includeGuests: true, includeSignInActivity: true } as { includeGuests: boolean })),
    );
    assert.ok(result.records('users').some((u) => u.signInActivity !== null));
  });

  test('a user assigned directly and through two groups gets three rows with distinct keys; nested groups are not expanded', async () => {
    const { twinUser, twinApp, twinGroups, parentGroup, childGroup } = emulator.tenant.landmarks ?? { twinGroups: [] };
    assert.ok(
      twinUser && twinApp && twinGroups.length === 2 && parentGroup && childGroup,
      'the tenant needs the twin and nested landmarks',
    );
    const result = await read(h);
    const rows = result.records('app_role_assignments');
    const twin = rows.filter((r) => r.userId === twinUser && r.resourceId === twinApp);
    // Directly, and through each of the two groups (the random part of the tenant may add more paths).
    const via = twin.map((r) => r.viaGroupId);
    for (const path of [null, ...twinGroups]) assert.ok(via.includes(path), `no row via ${path}: ${JSON.stringify(via)}`);
    assert.equal(new Set(twin.map((r) => r.id)).size, twin.length, 'each row comes from its own assignment');
    assertRecordsConform(h, result);
    // The nested group itself never becomes a row of its parent, and its members come only through its own assignments.
    const viaParent = rows.filter((r) => r.viaGroupId === parentGroup);
    assert.ok(viaParent.length > 0);
    const direct = new Set(emulator.tenant.groupMembers.get(parentGroup)!);
    for (const r of viaParent) assert.ok(direct.has(r.userId) && r.userId !== childGroup, `${r.userId} is not a direct user member`);
    const users = new Set(emulator.tenant.users.map((u) => u.id));
    assert.equal(viaParent.length, [...direct].filter((id) => users.has(id)).length * new Set(viaParent.map((r) => r.id)).size);
  });

  test('a service principal and a group deleted before the fan-out are skipped with a WARN', async () => {
    const truth = emulator.truth.appRoleAssignments();
    const viaGroup = truth.find((r) => r.viaGroupId)!;
    const sp = truth.find((r) => r.principalType !== 'Group' && r.resourceId !== viaGroup.resourceId)!;
    assert.ok(viaGroup && sp, 'the tenant needs group and direct assignments on different apps');
    emulator.setFaults([
      { kind: 'delete-before-fanout', servicePrincipalIds: [sp.resourceId as string], groupIds: [viaGroup.viaGroupId as string] },
    ]);
    try {
      const result = await read(h);
      const expected = truth.filter((r) => r.resourceId !== sp.resourceId && r.viaGroupId !== viaGroup.viaGroupId);
      assert.deepStrictEqual(
        sorted('app_role_assignments', result.records('app_role_assignments')),
        sorted('app_role_assignments', expected),
      );
      const warnings = result.logs('WARN');
      assert.equal(
        warnings.filter((m) => m.includes('skipped 1 service principal ') && m.includes(sp.resourceId as string)).length,
        1,
        JSON.stringify(warnings),
      );
      assert.equal(
        warnings.filter((m) => m.includes('skipped 1 group ') && m.includes(viaGroup.viaGroupId as string)).length,
        1,
        JSON.stringify(warnings),
      );
    } finally {
      emulator.setFaults([]);
    }
  });
});
