// acceptance-test-config.yml stays loadable by Airbyte's current CAT: only the model's keys, files that exist, streams that exist.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { STREAMS } from '../../source-azure-client-credentials/streams/index.js';
import { catConfigProblems } from '../support/cat-config.js';
import { repoRoot } from '../support/paths.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const catConfig = parseYaml(read('acceptance-test-config.yml')) as Record<string, any>;
const metadata = parseYaml(read('metadata.yaml')) as { data: Record<string, any> };
const streamNames = new Set(STREAMS.map((s) => s.name));
const tests = (section: string): Record<string, any>[] => catConfig.acceptance_tests[section]?.tests ?? [];
const allTests = () => Object.keys(catConfig.acceptance_tests).flatMap(tests);

type Injection = [name: string, inject: (config: Record<string, any>) => void, problem: RegExp];

/** Each injection, alone in a copy of the committed config, gives exactly the one problem it should. */
function assertEachRefused(cases: Injection[]): void {
  for (const [name, inject, problem] of cases) {
    const config = structuredClone(catConfig);
    inject(config);
    const problems = catConfigProblems(config);
    assert.equal(problems.length, 1, `${name}: ${JSON.stringify(problems)}`);
    assert.match(problems[0]!, problem, name);
  }
}

describe('acceptance-test-config.yml follows the current CAT config model', () => {
  test('every key is one the model allows, with a value of the right kind', () => {
    assert.deepEqual(catConfigProblems(catConfig), []);
  });

  test('the check refuses a key the model dropped or never had, wherever it is injected', () => {
    const cases: Injection[] = [
      ['top-level key', (c) => (c.connector_name = 'x'), /\(top level\): unknown key "connector_name"/],
      ['extra_records', (c) => (c.acceptance_tests.basic_read.tests[0].expect_records.extra_records = true), /unknown key "extra_records"/],
      ['extra_fields', (c) => (c.acceptance_tests.basic_read.tests[0].expect_records.extra_fields = true), /unknown key "extra_fields"/],
      [
        'cursor_paths',
        (c) => (c.acceptance_tests.incremental.tests[0].cursor_paths = { sign_ins: ['createdDateTime'] }),
        /unknown key "cursor_paths"/,
      ],
      ['threshold_days', (c) => (c.acceptance_tests.incremental.tests[0].threshold_days = 1), /unknown key "threshold_days"/],
      ['unknown test section', (c) => (c.acceptance_tests.speed = { tests: [] }), /acceptance_tests: unknown key "speed"/],
      ['key in future_state', (c) => (c.acceptance_tests.incremental.tests[0].future_state.cursor_paths = {}), /future_state: unknown key/],
      [
        'key in an empty_streams entry',
        (c) => (c.acceptance_tests.basic_read.tests[0].empty_streams[0].reason = 'x'),
        /unknown key "reason"/,
      ],
    ];
    assertEachRefused(cases);
  });

  test('the check refuses exclusive keys together, values outside an enum and wrong kinds', () => {
    const cases: Injection[] = [
      [
        'expect_records with path and bypass_reason',
        (c) => (c.acceptance_tests.basic_read.tests[0].expect_records.path = 'integration_tests/expected_records.jsonl'),
        /expect_records needs exactly one of path, bypass_reason/,
      ],
      [
        'expect_records with neither',
        (c) => (c.acceptance_tests.basic_read.tests[0].expect_records = { exact_order: false }),
        /needs exactly one/,
      ],
      [
        'a section with tests and bypass_reason',
        (c) => (c.acceptance_tests.spec.bypass_reason = 'x'),
        /spec needs exactly one of bypass_reason, tests/,
      ],
      [
        'status outside its enum',
        (c) => (c.acceptance_tests.connection.tests[0].status = 'succeeded'),
        /status must be one of succeed, failed, exception/,
      ],
      ['strictness outside its enum', (c) => (c.test_strictness_level = 'medium'), /test_strictness_level must be one of high, low/],
      ['timeout as text', (c) => (c.acceptance_tests.basic_read.tests[0].timeout_seconds = '3600'), /timeout_seconds must be an integer/],
    ];
    assertEachRefused(cases);
  });
});

describe('acceptance-test-config.yml points at what exists', () => {
  test('connector_image is the neutral image name of metadata.yaml', () => {
    const [repository, tag] = (catConfig.connector_image as string).split(/:(?=[^:/]+$)/);
    assert.equal(repository, metadata.data.dockerRepository);
    assert.ok(tag, 'connector_image has a tag');
  });

  test('every path is in the repository, except the git-ignored secrets/ config a real tenant needs', () => {
    const paths = allTests().flatMap((t) =>
      [t.spec_path, t.config_path, t.configured_catalog_path, t.expect_records?.path, t.future_state?.future_state_path].filter(Boolean),
    );
    assert.ok(paths.length > 5);
    for (const path of paths as string[]) {
      if (path.startsWith('secrets/')) assert.match(read('.gitignore'), /^secrets\/$/m, 'secrets/ must stay git-ignored');
      else assert.ok(existsSync(join(repoRoot, path)), `${path} does not exist`);
    }
  });

  test('basic_read: fixed records are bypassed for real tenants; every stream it names exists', () => {
    const [basicRead] = tests('basic_read');
    assert.ok(basicRead?.expect_records?.bypass_reason, 'a real tenant cannot match fixed records');
    assert.equal(basicRead.expect_records.path, undefined);
    for (const { name } of basicRead.empty_streams ?? []) assert.ok(streamNames.has(name), `empty_streams: ${name} is no stream`);
    // Streams every tenant has rows of stay out of empty_streams, so CAT still proves they read.
    for (const always of ['users', 'service_principals', 'applications', 'directory_role_assignments'])
      assert.ok(!(basicRead.empty_streams ?? []).some((s: { name: string }) => s.name === always), `${always} may not be empty`);
  });

  test('incremental: each stream that can run incrementally is in the abnormal state or bypassed in missing_streams', () => {
    for (const t of tests('incremental')) {
      const catalog = JSON.parse(read(t.configured_catalog_path)) as {
        streams: { stream: { name: string; supported_sync_modes: string[] } }[];
      };
      const abnormal = (JSON.parse(read(t.future_state.future_state_path)) as { stream: { stream_descriptor: { name: string } } }[]).map(
        (s) => s.stream.stream_descriptor.name,
      );
      const missing = (t.future_state.missing_streams ?? []).map((s: { name: string }) => s.name);
      const incremental = catalog.streams.filter((s) => s.stream.supported_sync_modes.includes('incremental')).map((s) => s.stream.name);
      assert.deepEqual([...abnormal, ...missing].sort(), [...incremental].sort());
    }
  });

  test('the native suite reads the catalogs CAT reads, and keeps the emulator expected records CAT no longer uses', () => {
    const native = read('test/packaging/acceptance.test.ts');
    for (const t of [...tests('basic_read'), ...tests('full_refresh'), ...tests('incremental')]) {
      const file = (t.configured_catalog_path as string).replace('integration_tests/', '');
      assert.ok(native.includes(`'${file}'`), `test/packaging/acceptance.test.ts does not read ${file}`);
    }
    assert.ok(native.includes('EXPECTED_RECORDS_FILE'), 'the native suite compares with integration_tests/expected_records.jsonl');
  });
});
