// Integration: users' managerId, assignedLicenses and additional_user_properties through the real entrypoint: discover, full refresh
// against the truth, the requests and RU the manager costs, and the names Graph or the config refuse.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAjv } from '../../source-azure-client-credentials/validation.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { catalogProblems } from '../support/airbyte-rules.js';
import { type RunResult, runConnector } from '../support/connector.js';
import { catalogOf } from '../support/fixtures.js';

type Row = Record<string, unknown>;
const byId = (a: Row, b: Row) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0);
const USERS = catalogOf([{ name: 'users' }]);
const USERS_AND_SPS = catalogOf([{ name: 'users' }, { name: 'service_principals' }]);
const USERS_COUNT = 260;

describe('users: managerId, assignedLicenses and additional_user_properties', () => {
  let emulator: Emulator;
  /** v1.0 properties of every kind (written in odd case, one the stream already has), and the tenant's extensions, one in capitals. */
  let properties: string[];
  before(async () => {
    emulator = await startEmulator({
      seed: 31,
      sizes: {
        users: USERS_COUNT,
        guestFraction: 0.2,
        servicePrincipals: 6,
        groups: 2,
        assignments: 6,
        signIns: 0,
        signInsBeyondRetention: 0,
      },
    });
    const extensions = emulator.tenant.directoryExtensions!.map((e) => e.name);
    assert.equal(extensions.length, 4);
    properties = [
      'onpremisessamaccountname',
      'onPremisesDistinguishedName',
      'onPremisesExtensionAttributes',
      'onPremisesLastSyncDateTime',
      'onPremisesSyncEnabled',
      'employeeOrgData',
      'mail',
      extensions[0]!,
      extensions[1]!.toUpperCase(),
      extensions[2]!,
      extensions[3]!,
    ];
  });
  after(() => emulator?.stop());

  const run = async (command: 'discover' | 'check' | 'read', config: Record<string, unknown> = {}, catalog = USERS): Promise<RunResult> => {
    emulator.resetMetrics();
    return runConnector([command], {
      env: emulator.env,
      config: emulator.config(config),
      ...(command === 'read' ? { catalog } : {}),
      timeoutMs: 60_000,
    });
  };
  const usersSchema = async (config: Record<string, unknown> = {}) => {
    const result = await run('discover', config);
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(catalogProblems(result.catalog().streams), []);
    return result.catalog().streams.find((s: { name: string }) => s.name === 'users').json_schema;
  };
  const truth = (options: Parameters<Emulator['truth']['users']>[0] & { includeSignInActivity?: boolean }) =>
    [...emulator.truth.users(options)].sort(byId);

  test('discover adds each additional property to the users schema with its metadata type; without the option the schema has none', async () => {
    const plain = await usersSchema();
    for (const field of ['assignedLicenses', 'managerId']) assert.ok(plain.required.includes(field), field);
    assert.equal(plain.properties.onPremisesSamAccountName, undefined);
    const schema = await usersSchema({ additional_user_properties: properties });
    const added = Object.keys(schema.properties).filter((name) => !(name in plain.properties));
    const [ext0, ext1, ext2, ext3] = properties.slice(7);
    assert.deepEqual(
      added.sort(),
      [
        'employeeOrgData',
        'onPremisesDistinguishedName',
        'onPremisesExtensionAttributes',
        'onPremisesLastSyncDateTime',
        'onPremisesSamAccountName',
        'onPremisesSyncEnabled',
        ext0,
        ext1,
        ext2,
        ext3,
      ].sort(),
    );
    const p = schema.properties;
    assert.deepEqual(p.onPremisesSamAccountName.type, ['null', 'string']);
    assert.deepEqual(p.onPremisesSyncEnabled.type, ['null', 'boolean']);
    assert.deepEqual(
      [p.onPremisesLastSyncDateTime.format, p.onPremisesLastSyncDateTime.airbyte_type],
      ['date-time', 'timestamp_with_timezone'],
    );
    assert.deepEqual(
      [p.onPremisesExtensionAttributes.type, p.employeeOrgData.type],
      [
        ['null', 'object'],
        ['null', 'object'],
      ],
    );
    assert.ok(
      p[ext1!].type.includes('null') && p[ext1!].type.includes('integer') && p[ext1!].type.includes('array'),
      'extensions: permissive and nullable',
    );
    for (const name of added) assert.ok(schema.required.includes(name), `${name} is in every record`);
  });

  test('full refresh equals the truth with the additional properties, for every include_guests x domain_names combination', async () => {
    const schema = await usersSchema({ additional_user_properties: properties });
    const validate = createAjv().compile(schema);
    const known = new Set(Object.keys(schema.properties));
    const domain = emulator.tenant.defaultDomain;
    for (const include_guests of [false, true]) {
      for (const domains of [[], [domain], [domain, 'fabrikam.example']]) {
        const label = `include_guests ${include_guests}, domains ${domains.join(',') || '(all)'}`;
        const config = {
          include_guests,
          domain_names: domains.map((d) => ` @${d.toUpperCase()} `).join(','),
          additional_user_properties: properties,
        };
        const result = await run('read', config);
        assert.equal(result.code, 0, `${label}: ${JSON.stringify(result.errors())}`);
        const records = (result.records('users') as Row[]).sort(byId);
        for (const record of records) {
          assert.ok(validate(record), `${label}: ${JSON.stringify(record)}: ${JSON.stringify(validate.errors)}`);
          assert.deepEqual(
            Object.keys(record).filter((k) => !known.has(k)),
            [],
            `${label}: fields outside the schema`,
          );
        }
        const expected = truth({ includeGuests: include_guests, domains, additionalProperties: properties });
        assert.ok(expected.length > 20, label);
        assert.deepStrictEqual(records, expected, `${label}: users differ from the truth`);
      }
    }
    // The comparison covers values, not only nulls.
    const all = truth({ includeGuests: true, additionalProperties: properties });
    const some = (test: (r: Row) => boolean) => all.some(test) && !all.every(test);
    assert.ok(
      some((r) => r.managerId !== null),
      'users with and without a manager',
    );
    assert.ok(
      some((r) => (r.assignedLicenses as Row[]).length > 0),
      'licensed and unlicensed users',
    );
    assert.ok(
      all.some((r) => (r.assignedLicenses as { disabledPlans: string[] }[]).some((l) => l.disabledPlans.length > 0)),
      'disabled plans',
    );
    assert.ok(
      some((r) => r.onPremisesSamAccountName !== null),
      'synced and cloud-only users',
    );
    for (const extension of properties.slice(7))
      assert.ok(
        some((r) => r[extension] !== null),
        `${extension}: set on some users only`,
      );
  });

  test('the manager costs no request of its own: every page of 100 expands it, at 2 RU a page', async () => {
    const result = await run('read', { include_guests: true });
    assert.equal(result.code, 0, JSON.stringify(result.errors()));
    assert.deepStrictEqual((result.records('users') as Row[]).sort(byId), truth({ includeGuests: true }));
    const pages = Math.ceil(emulator.tenant.users.length / 100);
    // Besides the one GET /users/$count (the row estimate and the tenant's throttling tier).
    assert.equal(emulator.requestLog().filter((r) => r.path === '/users/$count').length, 1);
    const log = emulator.requestLog().filter((r) => r.path.startsWith('/users') && r.path !== '/users/$count');
    assert.equal(log.length, pages, 'one request per 100 users, nothing per user');
    for (const request of log) {
      assert.equal(request.path, '/users');
      assert.ok(
        request.query.some(([k, v]) => k === '$expand' && v === 'manager($select=id)'),
        JSON.stringify(request.query),
      );
    }
    assert.equal(emulator.metrics().resourceUnits, pages * 2 + 1, 'users 2, $select -1, $expand +1; the $count 1');
  });

  test('managerId is the same when Graph ignores the $select nested in $expand (a documented known issue) and sends the whole manager', async () => {
    emulator.configure({ expandIgnoresNestedSelect: true });
    try {
      const result = await run('read', { include_guests: true });
      assert.equal(result.code, 0, JSON.stringify(result.errors()));
      assert.deepStrictEqual((result.records('users') as Row[]).sort(byId), truth({ includeGuests: true }));
      assert.ok(truth({ includeGuests: true }).some((r) => r.managerId !== null));
    } finally {
      emulator.configure({ expandIgnoresNestedSelect: false });
    }
  });

  test('with include_sign_in_activity, pages of 500 and the managers read in batches of 20, never $expand beside signInActivity', async () => {
    const result = await run('read', { include_guests: true, include_sign_in_activity: true });
    assert.equal(result.code, 0, JSON.stringify(result.errors()));
    const expected = truth({ includeGuests: true, includeSignInActivity: true });
    assert.deepStrictEqual((result.records('users') as Row[]).sort(byId), expected);
    assert.ok(expected.some((r) => r.managerId !== null && r.signInActivity !== null));
    const requests = emulator.metrics().requests;
    const lists = Math.ceil(emulator.tenant.users.length / 500);
    assert.equal(requests['GET /users'], lists);
    // One item per user kept (concealed users and filtered ones cost nothing), 20 to a $batch.
    assert.equal(requests['batch GET /users/{id}'], expected.length);
    assert.equal(requests['POST /$batch'], Math.ceil(expected.length / 20));
    assert.equal(emulator.metrics().resourceUnits, lists + expected.length + 1, 'a list page 1 RU ($select), a manager 1 RU, the $count 1');
    for (const request of emulator.requestLog().filter((r) => r.path === '/users')) {
      assert.ok(!request.query.some(([k]) => k === '$expand'), 'no $expand next to signInActivity');
    }
  });

  test('a name Graph refuses (an unregistered extension) is a config error naming it, in check and in read; the other streams complete', async () => {
    const name = `extension_${'0'.repeat(32)}_notRegistered`;
    const config = { additional_user_properties: ['onPremisesSamAccountName', name] };
    const check = await run('check', config);
    const status = check.connectionStatus();
    assert.equal(status?.status, 'SUCCEEDED', JSON.stringify(status));
    assert.match(String(status?.message), /^Connected, but users will fail\./);
    assert.ok(
      String(status?.message).includes(`Microsoft Graph does not know the property "${name}" that additional_user_properties names`),
    );
    assert.ok(check.logs('WARN').some((w) => w.startsWith('users cannot be read') && w.includes(name)));

    const read = await run('read', config, USERS_AND_SPS);
    assert.equal(read.code, 1);
    assert.equal(read.statuses('users').at(-1), 'INCOMPLETE');
    assert.equal(read.statuses('service_principals').at(-1), 'COMPLETE');
    const [error, ...others] = read.errors();
    assert.deepEqual(others, []);
    assert.equal(error.stream_descriptor.name, 'users');
    assert.equal(error.failure_type, 'config_error', error.message);
    assert.ok(
      error.message.includes(`"${name}"`) && /Correct it or remove it from additional_user_properties/.test(error.message),
      error.message,
    );
    assert.match(error.message, /application \(client\) ID, written without hyphens/);
    assert.deepEqual(read.records('users'), []);
    assert.equal(emulator.metrics().requests['GET /users'], 1, 'refused at its first request');
  });

  test('a property that needs its own permission (employeeLeaveDateTime) fails users alone, naming the permission, before any users request', async () => {
    const read = await run('read', { additional_user_properties: ['employeeLeaveDateTime'] }, USERS_AND_SPS);
    assert.equal(read.statuses('users').at(-1), 'INCOMPLETE');
    assert.equal(read.statuses('service_principals').at(-1), 'COMPLETE');
    const [error] = read.errors();
    assert.equal(error.failure_type, 'config_error');
    assert.match(
      error.message,
      /users cannot be read: the app lacks the Microsoft Graph application permission User-LifeCycleInfo\.Read\.All/,
    );
    assert.equal(emulator.metrics().requests['GET /users'] ?? 0, 0);
  });
});
