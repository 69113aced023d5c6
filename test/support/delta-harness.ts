// Test support for incremental users and service_principals: an emulator with the two streams' catalog, the state a
// platform would pass on, an append + deduped destination, and the assertions every delta test shares.
import assert from 'node:assert/strict';
import { createAjv, type ValidateFunction } from '../../source-azure-client-credentials/validation.js';
import { type Emulator, type ServerOptions, startEmulator } from '../emulator/index.js';
import { type Message, type RunResult, runConnector } from './connector.js';

export const STREAMS = ['users', 'service_principals'] as const;
export type StreamName = (typeof STREAMS)[number];
export type Row = Record<string, unknown>;
export const CDC = ['_ab_cdc_updated_at', '_ab_cdc_deleted_at'];
/** A tenant with three pages of users and two of service principals per delta round (100 per page). */
export const SIZES = {
  users: 250,
  guestFraction: 0.2,
  servicePrincipals: 120,
  groups: 4,
  assignments: 40,
  signIns: 0,
  signInsBeyondRetention: 0,
};

export interface Harness {
  emulator: Emulator;
  catalog: object;
  validators: Map<string, ValidateFunction>;
  overrides: Record<string, unknown>;
  truthOptions: { includeGuests: boolean; domains: string[]; additionalProperties?: string[] };
}

export async function harness(
  options: ServerOptions,
  overrides: Record<string, unknown> = {},
  domainsOf: (e: Emulator) => string[] = () => [],
): Promise<Harness> {
  const emulator = await startEmulator({ sizes: SIZES, ...options });
  const domains = domainsOf(emulator);
  if (domains.length) overrides = { ...overrides, domain_names: domains.join(',') };
  const discovered = await runConnector(['discover'], { env: emulator.env, config: emulator.config() });
  assert.equal(discovered.code, 0, discovered.stdout);
  const streams = discovered.catalog().streams.filter((s: { name: string }) => (STREAMS as readonly string[]).includes(s.name));
  const ajv = createAjv();
  const validators = new Map<string, ValidateFunction>();
  for (const stream of streams) {
    assert.deepEqual(stream.supported_sync_modes, ['full_refresh', 'incremental']);
    assert.equal(stream.source_defined_cursor, true);
    assert.deepEqual(stream.default_cursor_field, ['_ab_cdc_updated_at']);
    for (const field of CDC) assert.ok(stream.json_schema.properties[field], `${stream.name} declares ${field}`);
    validators.set(stream.name, ajv.compile(stream.json_schema));
  }
  const catalog = {
    streams: streams.map((stream: object) => ({
      stream,
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
      cursor_field: ['_ab_cdc_updated_at'],
      primary_key: [['id']],
    })),
  };
  const truthOptions = {
    includeGuests: overrides.include_guests === true,
    domains,
    ...(Array.isArray(overrides.additional_user_properties)
      ? { additionalProperties: overrides.additional_user_properties as string[] }
      : {}),
  };
  return { emulator, catalog, validators, overrides, truthOptions };
}

/** What the next sync gets as --state: the last STATE of each stream so far. */
export class StateStore {
  readonly last = new Map<string, Message>();
  take(result: RunResult, upTo = result.messages.length): void {
    for (const m of result.messages.slice(0, upTo)) if (m.type === 'STATE') this.last.set(m.state.stream.stream_descriptor.name, m.state);
  }
  input(): object[] {
    return [...this.last.values()];
  }
  of(stream: StreamName): Row {
    return this.last.get(stream)?.stream.stream_state;
  }
}

/** An append + deduped destination: per id the record with the greatest cursor (ties: the later one), deletion records remove the id. */
export class Destination {
  private readonly rows = new Map<string, Row>();
  apply(records: Row[]): void {
    for (const record of records) {
      const id = String(record.id);
      const held = this.rows.get(id);
      if (held && String(held._ab_cdc_updated_at) > String(record._ab_cdc_updated_at)) continue;
      this.rows.set(id, record);
    }
  }
  /** The final table: live rows without the CDC columns, by id. */
  table(): Row[] {
    return [...this.rows.values()]
      .filter((r) => r._ab_cdc_deleted_at === null)
      .map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !CDC.includes(k))))
      .sort(byId);
  }
}

export const byId = (a: Row, b: Row) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0);

export async function sync(h: Harness, states: StateStore, extra: Partial<Parameters<typeof runConnector>[1]> = {}): Promise<RunResult> {
  const result = await runConnector(['read'], {
    env: h.emulator.env,
    config: h.emulator.config(h.overrides),
    catalog: h.catalog,
    state: states.input(),
    timeoutMs: 60_000,
    ...extra,
  });
  if (!result.signal) {
    assert.equal(result.code, 0, `read failed: ${JSON.stringify(result.errors())}\n${result.stderr.slice(-2000)}`);
    for (const stream of STREAMS) assert.equal(result.statuses(stream).at(-1), 'COMPLETE', stream);
    states.take(result);
  }
  return result;
}

export function truth(h: Harness, stream: StreamName): Row[] {
  const rows = stream === 'users' ? h.emulator.truth.users(h.truthOptions) : h.emulator.truth.servicePrincipals();
  return [...rows].sort(byId);
}

/** Every record valid; full records carry both CDC fields (deleted_at null), deletion records only the id besides them. */
export function assertRecordShapes(h: Harness, stream: StreamName, records: Row[]): void {
  const validate = h.validators.get(stream)!;
  const shape = Object.keys(truth(h, stream)[0]!).concat(CDC).sort();
  const seen = new Map<string, string>();
  for (const record of records) {
    assert.ok(validate(record), `${stream} record ${JSON.stringify(record)} is invalid: ${JSON.stringify(validate.errors)}`);
    assert.deepEqual(Object.keys(record).sort(), shape, `${stream}: an incremental record has the full-refresh shape plus the CDC fields`);
    assert.match(String(record._ab_cdc_updated_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    if (record._ab_cdc_deleted_at !== null) {
      assert.equal(record._ab_cdc_deleted_at, record._ab_cdc_updated_at);
      for (const [k, v] of Object.entries(record))
        if (k !== 'id' && !CDC.includes(k)) assert.equal(v, null, `${stream} deletion record: ${k} is null`);
    }
    // One version of an id per cursor value: dedup never has to guess.
    const key = `${String(record.id)}|${String(record._ab_cdc_updated_at)}`;
    assert.ok(!seen.has(key), `${stream}: two records of ${String(record.id)} with the same cursor`);
    seen.set(key, '');
  }
}

export function assertDestinationIsTruth(h: Harness, destinations: Record<StreamName, Destination>, when: string): void {
  for (const stream of STREAMS) {
    const expected = truth(h, stream);
    assert.ok(expected.length > 0, `${stream}: the tenant must have records`);
    assert.deepStrictEqual(destinations[stream].table(), expected, `${stream} differs from the truth ${when}`);
  }
}

export const deltaRequests = (emulator: Emulator) => {
  const r = emulator.metrics().requests;
  return {
    users: r['GET /users/delta'] ?? 0,
    sps: r['GET /servicePrincipals/delta'] ?? 0,
    usersList: r['GET /users'] ?? 0,
    spList: r['GET /servicePrincipals'] ?? 0,
  };
};
