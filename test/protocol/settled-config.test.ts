// The settled config: loadConfig reads the endpoint overrides and checks the credential once; messages take their hints and secrets from the spec.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig, settleConfig, validateConfig } from '../../source-azure-client-credentials/config.js';
import { ConnectorError } from '../../source-azure-client-credentials/errors.js';
import { createGraphClient } from '../../source-azure-client-credentials/graph/client.js';
import { redact } from '../../source-azure-client-credentials/secrets.js';
import { STREAMS } from '../../source-azure-client-credentials/streams/index.js';
import { validConfig } from '../support/fixtures.js';
import { captureLog } from '../support/graph-helpers.js';

const OVERRIDES = { AZURE_AUTHORITY_HOST: 'https://login.example.test', AZURE_GRAPH_ENDPOINT: 'https://graph.example.test' };

function configFile(config: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'azcc-settled-')), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const configError = (pattern: RegExp) => (error: unknown) =>
  error instanceof ConnectorError && error.failureType === 'config_error' && pattern.test(error.message);

test('loadConfig returns the settled config: options, the endpoints with the overrides of its environment, the checked credential', () => {
  const config = loadConfig(configFile(validConfig({ client_id: '00000000-0000-4000-8000-00000000c11d' })), OVERRIDES);
  assert.equal(config.client_id, '00000000-0000-4000-8000-00000000c11d');
  assert.equal(config.include_guests, false, 'defaults applied');
  assert.deepEqual(config.endpoints, {
    authorityHost: 'https://login.example.test',
    graphRoot: 'https://graph.example.test',
    scope: 'https://graph.microsoft.com/.default',
  });
  assert.deepEqual(config.clientCredential, { clientSecret: 'fake-secret-Value~0123456789abcdefXYZ' });
  // The cloud option of the form and the bare string of earlier configs settle alike.
  for (const cloud of [{ cloud_type: 'china' }, 'china']) {
    assert.deepEqual(loadConfig(configFile(validConfig({ cloud })), {}).endpoints, {
      authorityHost: 'https://login.chinacloudapi.cn',
      graphRoot: 'https://microsoftgraph.chinacloudapi.cn',
      scope: 'https://microsoftgraph.chinacloudapi.cn/.default',
    });
  }
});

test('after loadConfig nothing reads the endpoint overrides again: saved delta links and the Graph client follow the settled config', () => {
  const config = settleConfig(validConfig(), OVERRIDES);
  const users = STREAMS.find((s) => s.name === 'users')!;
  const saved = { AZURE_AUTHORITY_HOST: process.env.AZURE_AUTHORITY_HOST, AZURE_GRAPH_ENDPOINT: process.env.AZURE_GRAPH_ENDPOINT };
  // Values that would fail any resolution of the endpoints: whoever read them now would throw.
  process.env.AZURE_AUTHORITY_HOST = 'not a url';
  process.env.AZURE_GRAPH_ENDPOINT = 'http://plain-http.example.test';
  try {
    const link = 'https://graph.example.test/v1.0/users/delta()?$deltatoken=abc';
    assert.deepEqual(users.parseState!({ deltaLink: link }, config), { deltaLink: link });
    assert.throws(
      () => users.parseState!({ deltaLink: 'https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=abc' }, config),
      configError(/not to the configured Microsoft Graph endpoint https:\/\/graph\.example\.test/),
    );
    const lines: string[] = [];
    const env = { AZURE_AUTHORITY_HOST: 'not a url either', AZURE_GRAPH_ENDPOINT: 'http://plain-http.example.test' };
    const graph = createGraphClient(config, { log: captureLog(lines), env });
    graph.close();
    assert.ok(
      lines.some((l) => l.includes('login https://login.example.test, Graph https://graph.example.test')),
      `the client did not use the settled endpoints: ${lines.join(' | ')}`,
    );
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});

test('a certificate that cannot work fails while the config is settled, before any Graph client exists', () => {
  const certificate = { auth_type: 'certificate', certificate: 'not a certificate', private_key: 'not a key' };
  assert.throws(
    () => settleConfig(validConfig({ credentials: certificate }), {}),
    configError(/credentials\.certificate is not a PEM certificate/),
  );
  assert.throws(
    () => settleConfig(validConfig(), { AZURE_GRAPH_ENDPOINT: 'http://127.0.0.1:1' }),
    configError(/AZURE_GRAPH_ENDPOINT must be an https URL/),
  );
});

test("start_date: ajv's date-time refuses impossible dates; the one check left refuses a leap second, which Date cannot hold", () => {
  for (const value of ['2026-02-30T00:00:00Z', '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z', '2026-13-01T00:00:00Z']) {
    assert.throws(() => validateConfig(validConfig({ start_date: value })), configError(/start_date must match format "date-time"/), value);
  }
  assert.throws(() => validateConfig(validConfig({ start_date: '2026-06-30T23:59:60Z' })), configError(/start_date is not a real date/));
  assert.equal(validateConfig(validConfig({ start_date: '2024-02-29T00:00:00Z' })).start_date, '2024-02-29T00:00:00Z');
});

test("a pattern failure quotes the field's pattern_descriptor, the hint the Airbyte UI shows next to it", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ tenant_id: 'contoso' }, 'tenant_id is not in the expected format (a GUID or a domain such as contoso.onmicrosoft.com)'],
    [{ client_id: 'my-app' }, 'client_id is not in the expected format (a GUID)'],
    [{ start_date: '2026-11-01' }, 'start_date is not in the expected format (YYYY-MM-DDTHH:mm:ssZ)'],
  ];
  for (const [overrides, message] of cases) {
    assert.throws(
      () => validateConfig(validConfig(overrides)),
      (error: unknown) => error instanceof ConnectorError && error.message.includes(message),
      message,
    );
  }
});

test('every value of a field the spec marks airbyte_secret is redacted, tenant_id and the certificate included; other fields are not', () => {
  const values = {
    tenant_id: '7e57ab1e-0000-4000-8000-00000000cafe',
    client_id: '7e57ab1e-0000-4000-8000-00000000c11d',
    client_secret: 'Redaction~test-client-secret-value-0001',
    certificate: 'redaction-test-certificate-text-0002',
    private_key: 'redaction-test-private-key-text-0003',
    private_key_passphrase: 'redaction-test-passphrase-0004',
    domain_names: 'redaction-test.example',
  };
  const { tenant_id, client_id, client_secret, certificate, private_key, private_key_passphrase, domain_names } = values;
  validateConfig({ tenant_id, client_id, domain_names, credentials: { auth_type: 'client_secret', client_secret } });
  // Registered before validation: a config that fails it (here: certificate text that is no PEM is still a string) is covered too.
  validateConfig({ tenant_id, client_id, credentials: { auth_type: 'certificate', certificate, private_key, private_key_passphrase } });
  for (const secret of [tenant_id, client_secret, certificate, private_key, private_key_passphrase]) {
    assert.equal(redact(`before ${secret} after`), 'before ********** after', secret);
  }
  for (const plain of [client_id, domain_names]) assert.equal(redact(`before ${plain} after`), `before ${plain} after`, plain);
});
