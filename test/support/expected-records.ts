// integration_tests/expected_records.jsonl: the emulator tenant it describes, and how it is produced from a real read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ServerOptions, startEmulator } from '../emulator/index.js';
import { runConnector } from './connector.js';
import { repoRoot } from './paths.js';

export const EXPECTED_RECORDS_FILE = join(repoRoot, 'integration_tests', 'expected_records.jsonl');

/** The generator's fixed "now": directory dates (createdDateTime, hire dates...) are drawn relative to it. */
const TENANT_NOW = new Date(Date.UTC(2026, 0, 1));

/**
 * The seeded tenant the file describes; a suite comparing against the file must start the emulator with
 * these. Its sign-ins and audit events are older than the real retention window (its "now" is fixed), so the log streams read nothing.
 */
export const EXPECTED_RECORDS_TENANT: ServerOptions = {
  seed: 42,
  now: TENANT_NOW,
  sizes: { users: 30, servicePrincipals: 12, groups: 5, bigGroupSizes: [], assignments: 40, signIns: 20 },
};

/** The log streams are left out: sign-in and audit times are relative to now, so their records cannot be fixed in a file. */
export const EXPECTED_RECORDS_EXCLUDED = new Set(['sign_ins', 'directory_audits']);

/**
 * emitted_at of every line: Airbyte's acceptance tests compare data only, and a constant keeps the
 * file byte-identical when it is regenerated from the same tenant.
 */
const EMITTED_AT = TENANT_NOW.getTime();

/**
 * Starts the seeded emulator, reads integration_tests/configured_catalog.json without the excluded
 * streams through the built connector, and returns the JSONL lines in catalog order, then by primary key.
 */
export async function generateExpectedRecords(): Promise<string[]> {
  const catalog = JSON.parse(readFileSync(join(repoRoot, 'integration_tests', 'configured_catalog.json'), 'utf8')) as {
    streams: { stream: { name: string }; primary_key: string[][] }[];
  };
  catalog.streams = catalog.streams.filter((s) => !EXPECTED_RECORDS_EXCLUDED.has(s.stream.name));
  const emulator = await startEmulator(EXPECTED_RECORDS_TENANT);
  try {
    const result = await runConnector(['read'], { config: emulator.config(), catalog, env: emulator.env, timeoutMs: 300_000 });
    if (result.code !== 0) {
      throw new Error(`The read failed (exit ${result.code}): ${JSON.stringify(result.errors())}\n${result.stderr.slice(-2000)}`);
    }
    return catalog.streams.flatMap(({ stream, primary_key }) => {
      const key = (data: Record<string, unknown>) => primary_key.map((path) => String(data[path[0]])).join('\u0000');
      return result
        .records(stream.name)
        .map((data: Record<string, unknown>) => ({
          key: key(data),
          line: JSON.stringify({ stream: stream.name, data, emitted_at: EMITTED_AT }),
        }))
        .sort((a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((entry: { line: string }) => entry.line);
    });
  } finally {
    await emulator.stop();
  }
}
