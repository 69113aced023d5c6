// The four commands as Airbyte invokes them: paths, flags, files, config/catalog/state errors, exit codes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunResult, runConnector } from '../support/connector.js';
import { catalogOf, FAKE_SECRET, validConfig } from '../support/fixtures.js';
import { type ConnectionCounter, countConnections } from '../support/listener.js';

let net: ConnectionCounter;
let env: NodeJS.ProcessEnv;
before(async () => {
  net = await countConnections();
  env = { AZURE_AUTHORITY_HOST: net.url, AZURE_GRAPH_ENDPOINT: net.url };
});
after(() => net.close());

function assertConfigErrorExit(result: RunResult, pattern: RegExp): void {
  assert.notEqual(result.code, 0, 'a config error must exit non-zero');
  const errors = result.errors();
  assert.equal(errors.length, 1, `one ERROR trace expected, got ${JSON.stringify(result.messages)}`);
  assert.equal(errors[0].failure_type, 'config_error');
  assert.match(errors[0].message, pattern);
  assert.equal(errors[0].stack_trace, undefined, 'a config error carries no stack trace');
  assert.ok(!result.stdout.includes(FAKE_SECRET) && !result.stderr.includes(FAKE_SECRET), 'the secret leaked');
  assert.equal(result.records().length, 0);
}

describe('spec', () => {
  test('prints exactly one SPEC message and exits 0, needing no config', async () => {
    const result = await runConnector(['spec'], { env });
    assert.equal(result.code, 0);
    assert.equal(result.messages.length, 1);
    assert.equal(result.messages[0]!.type, 'SPEC');
    assert.equal(result.spec().connectionSpecification.properties.credentials.oneOf[0].properties.client_secret.airbyte_secret, true);
  });

  test('unknown flags are tolerated', async () => {
    const result = await runConnector(['spec', '--debug', '--something-new', 'value'], { env });
    assert.equal(result.code, 0);
    assert.equal(result.spec().connectionSpecification.type, 'object');
  });

  test('an unknown command is a config error naming the valid commands', async () => {
    const result = await runConnector(['inspect'], { env });
    assertConfigErrorExit(result, /Unknown command "inspect".*spec, check/);
  });
});

describe('files named on the command line', () => {
  test('relative paths are resolved against the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'azcc-rel-'));
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'secrets', 'config.json'), JSON.stringify(validConfig()));
    const result = await runConnector(['discover', '--config', 'secrets/config.json'], { env, cwd: dir });
    assert.equal(result.code, 0, result.stdout);
    assert.equal(result.catalog().streams.length, 5);
  });

  test('a missing config file is named in the error', async () => {
    const result = await runConnector(['discover', '--config', 'does/not/exist.json'], { env });
    assertConfigErrorExit(result, /config file .*does\/not\/exist\.json could not be read: it does not exist/);
  });

  test('a directory instead of a file is named in the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'azcc-dir-'));
    const result = await runConnector(['discover', '--config', dir], { env });
    assertConfigErrorExit(result, /it is a directory/);
  });

  test('a config file that is not JSON is named, without quoting its content', async () => {
    const result = await runConnector(['discover'], { env, config: `{"client_secret": "${FAKE_SECRET}", oops` });
    assertConfigErrorExit(result, /config file .*config\.json is not valid JSON/);
  });

  test('a catalog file that is not JSON is named', async () => {
    const result = await runConnector(['read'], { env, config: validConfig(), catalog: 'not json' });
    assertConfigErrorExit(result, /catalog file .*catalog\.json is not valid JSON/);
  });

  test('a state file that is not JSON is named', async () => {
    const result = await runConnector(['read'], { env, config: validConfig(), catalog: catalogOf([{ name: 'users' }]), state: '[{' });
    assertConfigErrorExit(result, /state file .*state\.json is not valid JSON/);
  });

  test('read without --catalog says what is missing', async () => {
    const result = await runConnector(['read'], { env, config: validConfig() });
    assertConfigErrorExit(result, /read command needs --catalog FILE/);
  });
});

describe('config validation', () => {
  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['missing tenant_id', validConfig({ tenant_id: undefined }), /tenant_id is required/],
    ['client_id not a GUID', validConfig({ client_id: 'my-app' }), /client_id is not in the expected format \(a GUID\)/],
    ['tenant_id neither GUID nor domain', validConfig({ tenant_id: 'not a tenant' }), /tenant_id is not in the expected format/],
    ['include_guests not a boolean', validConfig({ include_guests: 'yes' }), /include_guests must be of type boolean/],
    ['a malformed domain', validConfig({ domain_names: 'contoso.com, not_a_domain' }), /domain_names: "not_a_domain" is not a domain name/],
    [
      'start_date not a date',
      validConfig({ start_date: 'yesterday' }),
      /start_date is not in the expected format \(YYYY-MM-DDTHH:mm:ssZ\)/,
    ],
    ['unknown cloud', validConfig({ cloud: 'mars' }), /cloud must be one of global, us_government_l4, us_government_l5, china/],
    [
      'empty secret',
      validConfig({ credentials: { auth_type: 'client_secret', client_secret: '' } }),
      /credentials\.client_secret must NOT have fewer than 1 characters/,
    ],
    [
      'unknown auth_type',
      validConfig({ credentials: { auth_type: 'password', client_secret: FAKE_SECRET } }),
      /credentials\.auth_type must be "client_secret"/,
    ],
  ];
  for (const [name, config, message] of invalid) {
    test(`check: ${name} gives CONNECTION_STATUS FAILED and exit 0, without the secret`, async () => {
      const result = await runConnector(['check'], { env, config });
      assert.equal(result.code, 0);
      assert.equal(result.messages.length, 1);
      assert.equal(result.connectionStatus()?.status, 'FAILED');
      assert.match(result.connectionStatus()!.message!, message);
      assert.ok(!result.stdout.includes(FAKE_SECRET));
      assert.equal(net.connections(), 0, 'no request may be made for an invalid config');
    });
    test(`discover: ${name} gives a config_error trace and a non-zero exit`, async () => {
      assertConfigErrorExit(await runConnector(['discover'], { env, config }), message);
    });
  }

  test('a config that is not an object is a config error', async () => {
    assertConfigErrorExit(await runConnector(['discover'], { env, config: '[1,2]' }), /must be a JSON object/);
  });

  test('domain names: case, spaces, empty entries and a leading @ are accepted', async () => {
    const result = await runConnector(['discover'], { env, config: validConfig({ domain_names: ' @Contoso.COM, ,fabrikam.example,' }) });
    assert.equal(result.code, 0);
  });

  test('an http (not https) endpoint override is refused before any request', async () => {
    const result = await runConnector(['check'], { env: { AZURE_AUTHORITY_HOST: 'http://127.0.0.1:9' }, config: validConfig() });
    assert.equal(result.connectionStatus()?.status, 'FAILED');
    assert.match(result.connectionStatus()!.message!, /AZURE_AUTHORITY_HOST must be an https URL/);
  });
});

describe('catalog and state errors come before any network request', () => {
  const cases: [string, object, RegExp][] = [
    ['an unknown stream', catalogOf([{ name: 'users' }, { name: 'groups' }]), /stream "groups" does not exist in this source/],
    ['an invalid sync mode', catalogOf([{ name: 'users', sync_mode: 'cdc' }]), /sync_mode "cdc"/],
    ['a catalog without streams', { stream: [] }, /must be an object with a "streams" array/],
    ['a stream listed twice', catalogOf([{ name: 'users' }, { name: 'users' }]), /appears twice/],
  ];
  for (const [name, catalog, message] of cases) {
    test(name, async () => {
      const result = await runConnector(['read'], { env, config: validConfig(), catalog });
      assertConfigErrorExit(result, message);
      assert.equal(net.connections(), 0);
    });
  }

  test('incremental on a stream without a cursor', async () => {
    const result = await runConnector(['read'], {
      env,
      config: validConfig(),
      catalog: catalogOf([{ name: 'app_role_assignments', sync_mode: 'incremental' }]),
    });
    assertConfigErrorExit(result, /stream "app_role_assignments" does not support incremental/);
    assert.equal(net.connections(), 0);
  });

  const badStates: [string, unknown, RegExp][] = [
    ['a number', 42, /state file is malformed: it must be a JSON array/],
    ['an entry that is not an object', [1], /entry 0 is not an object/],
    ['a STREAM entry without descriptor', [{ type: 'STREAM', stream: {} }], /entry 0 has no stream.stream_descriptor/],
    ['a GLOBAL state', [{ type: 'GLOBAL', global: {} }], /GLOBAL state/],
    [
      'a stream state that is not an object',
      [{ type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: 'x' } }],
      /state of stream "users" must be a JSON object/,
    ],
  ];
  for (const [name, state, message] of badStates) {
    test(`a malformed state: ${name}`, async () => {
      const result = await runConnector(['read'], { env, config: validConfig(), catalog: catalogOf([{ name: 'users' }]), state });
      assertConfigErrorExit(result, message);
      assert.equal(net.connections(), 0);
    });
  }
});
