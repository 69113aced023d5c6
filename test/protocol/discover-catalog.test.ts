// discover's catalog: prepared by the build for the default schema options (dist/bundle/catalog.json), built at run time
// for any other; both are what stream-catalog.ts builds from schemas/ today, through the real entrypoint.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PREPARED_CATALOG_FILE, PREPARED_SCHEMA_OPTIONS } from '../../source-azure-client-credentials/commands/discover.js';
import { loadConfig } from '../../source-azure-client-credentials/config.js';
import { buildCatalog } from '../../source-azure-client-credentials/stream-catalog.js';
import { runConnector } from '../support/connector.js';
import { loadedModules } from '../support/loaded-modules.js';
import { entrypoint, repoRoot } from '../support/paths.js';

// Values that occur in no schema: the writer masks a config's secrets (the tenant among them) wherever they occur.
const sample = {
  ...JSON.parse(readFileSync(join(repoRoot, 'integration_tests', 'sample_config.json'), 'utf8')),
  tenant_id: '3f2b8c1e-5d4a-4e6b-9c7d-1a2b3c4d5e6f',
};
/** A config whose users schema gains columns: a listed property, a directory extension, one the base schema has already. */
const withProperties = {
  ...sample,
  additional_user_properties: ['employeeId', 'extension_0123456789abcdef0123456789abcdef_costCenter', 'onPremisesSamAccountName'],
};
let dir: string;
const configPath = (name: string) => join(dir, `${name}.json`);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'azcc-discover-'));
  writeFileSync(configPath('default'), JSON.stringify(sample));
  writeFileSync(configPath('properties'), JSON.stringify(withProperties));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Whether a bundle file holds a stream definition (esbuild marks each bundled module with a // <path> comment). */
const holdsStreams = (file: string) => file.includes('/dist/bundle/') && readFileSync(file, 'utf8').includes('/streams/index.js');

test('the prepared catalog is what the stream definitions build from schemas/ today (npm run build writes it)', () => {
  const prepared = JSON.parse(readFileSync(join(repoRoot, 'dist', 'bundle', PREPARED_CATALOG_FILE), 'utf8'));
  assert.deepEqual(prepared, buildCatalog(PREPARED_SCHEMA_OPTIONS));
});

test('discover prints the prepared catalog when the config leaves the schema options at their defaults, without loading any stream', async () => {
  const config = loadConfig(configPath('default'));
  assert.deepEqual(config.userProperties, PREPARED_SCHEMA_OPTIONS.userProperties, 'the sample config keeps the defaults');
  const result = await runConnector(['discover', '--config', configPath('default')]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.catalog(), buildCatalog({ userProperties: config.userProperties }));
  const loaded = await loadedModules(entrypoint, ['discover', '--config', configPath('default')]);
  assert.equal(loaded.exitCode, 0, loaded.stderr);
  assert.deepEqual(loaded.files.filter(holdsStreams), []);
});

test('discover builds the catalog for additional_user_properties, as the build would for them', async () => {
  const config = loadConfig(configPath('properties'));
  const result = await runConnector(['discover', '--config', configPath('properties')]);
  assert.equal(result.code, 0, result.stderr);
  const catalog = result.catalog();
  assert.deepEqual(catalog, buildCatalog({ userProperties: config.userProperties }));
  const users = catalog.streams.find((s: { name: string }) => s.name === 'users') as {
    json_schema: { properties: Record<string, unknown>; required: string[] };
  };
  for (const name of ['employeeId', 'extension_0123456789abcdef0123456789abcdef_costCenter'])
    assert.ok(users.json_schema.properties[name] && users.json_schema.required.includes(name), `users has ${name}`);
  assert.notDeepEqual(catalog, buildCatalog(PREPARED_SCHEMA_OPTIONS));
  const loaded = await loadedModules(entrypoint, ['discover', '--config', configPath('properties')]);
  assert.ok(loaded.files.some(holdsStreams), 'the stream definitions are loaded to build it');
});
