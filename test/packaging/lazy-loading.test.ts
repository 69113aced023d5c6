// The shipped bundle loads per command only what that command uses: spec and discover never load the network stack or
// ajv's compiler; check and read load the network stack and still not ajv's compiler (issue 18). Not timed: it lists files.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { configValidatorCode } from '../../source-azure-client-credentials/config-schema.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { parseMessages } from '../support/connector.js';
import { type LoadedModules, loadedModules, loadsAjvCompiler, NETWORK_PACKAGES, networkStack } from '../support/loaded-modules.js';
import { entrypoint, repoRoot } from '../support/paths.js';

const bundleFiles = (run: LoadedModules) => run.files.filter((f) => f.startsWith(join(repoRoot, 'dist', 'bundle')));

describe('what each command of the bundle loads', () => {
  let emulator: Emulator;
  let dir: string;
  const configFile = () => join(dir, 'config.json');

  before(async () => {
    emulator = await startEmulator({
      seed: 18,
      sizes: { users: 6, servicePrincipals: 4, groups: 1, bigGroupSizes: [], assignments: 3, signIns: 3 },
    });
    dir = mkdtempSync(join(tmpdir(), 'azcc-lazy-'));
    writeFileSync(configFile(), JSON.stringify(emulator.config()));
    writeFileSync(
      join(dir, 'catalog.json'),
      JSON.stringify({
        streams: [{ stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh' }],
      }),
    );
  });
  after(async () => {
    await emulator?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('spec loads only the bundle: no npm package at all', async () => {
    const run = await loadedModules(entrypoint, ['spec']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(parseMessages(run.stdout)[0]?.type, 'SPEC');
    assert.deepEqual(run.packages, []);
    assert.ok(bundleFiles(run).includes(entrypoint), 'the recorder sees the bundle itself');
    assert.ok(
      run.files.every((f) => f.startsWith(join(repoRoot, 'dist', 'bundle'))),
      `only bundle files: ${run.files.join(', ')}`,
    );
  });

  test('discover loads only the bundle too: the generated config validator and its two ajv helpers are in it', async () => {
    const run = await loadedModules(entrypoint, ['discover', '--config', configFile()]);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(parseMessages(run.stdout).find((m) => m.type === 'CATALOG')?.catalog.streams.length > 0, true);
    assert.deepEqual(run.packages, []);
  });

  test("a check whose config is invalid fails without loading the network stack; a valid one loads it, not ajv's compiler", async () => {
    // Fails the spec (no credentials): a config error, known before any request.
    writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ tenant_id: 'contoso.onmicrosoft.com', client_id: 'x' }));
    const invalid = await loadedModules(entrypoint, ['check', '--config', join(dir, 'invalid.json')]);
    assert.equal(invalid.exitCode, 0, invalid.stderr);
    assert.equal(parseMessages(invalid.stdout).find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus.status, 'FAILED');
    assert.deepEqual(networkStack(invalid), []);

    const run = await loadedModules(entrypoint, ['check', '--config', configFile()], { env: emulator.env });
    assert.equal(run.exitCode, 0, run.stderr);
    const status = parseMessages(run.stdout).find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus;
    assert.equal(status?.status, 'SUCCEEDED', status?.message);
    // The rule can fail: the network stack is seen when it is loaded.
    assert.deepEqual(networkStack(run), [...NETWORK_PACKAGES]);
    assert.equal(loadsAjvCompiler(run), false, run.files.join('\n'));
  });

  test("read loads the network stack and not ajv's compiler", async () => {
    const run = await loadedModules(entrypoint, ['read', '--config', configFile(), '--catalog', join(dir, 'catalog.json')], {
      env: emulator.env,
    });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(parseMessages(run.stdout).filter((m) => m.type === 'RECORD').length, emulator.truth.users().length);
    assert.deepEqual(networkStack(run), [...NETWORK_PACKAGES]);
    assert.equal(loadsAjvCompiler(run), false, run.files.join('\n'));
  });
});

test("the recorder sees ajv's compiler when a module loads it (config-schema.ts, which only the build uses)", async () => {
  const run = await loadedModules(join(repoRoot, 'dist', 'source-azure-client-credentials', 'config-schema.js'), []);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.equal(loadsAjvCompiler(run), true, run.files.join('\n'));
  assert.deepEqual(networkStack(run), []);
});

test('the config validator the build generated is what ajv compiles from schemas/spec.json today', () => {
  const built = readFileSync(join(repoRoot, 'dist', 'source-azure-client-credentials', 'generated', 'config-validator.cjs'), 'utf8');
  assert.equal(built, configValidatorCode());
});
