// Integration: the applications stream (app registrations) read through the real entrypoint from the emulator: full refresh with
// owners past the $expand cap, incremental through /applications/delta with mutations, partial entries, a refused link and a
// credential expiry that passed since the last sync.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAjv, type ValidateFunction } from '../../source-azure-client-credentials/validation.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { type RunResult, runConnector } from '../support/connector.js';
import { byId, CDC, Destination, type Row, StateStore } from '../support/delta-harness.js';

const DAY_MS = 86_400_000;
/** The instant the stream judges credentials at, as it logs it. */
const AT = /nextCredentialExpiry counts the credentials still valid at (\S+) \(the start of this sync\)/;
const CREDENTIAL_KEYS = ['displayName', 'endDateTime', 'hint', 'keyId', 'keyType', 'keyUsage', 'startDateTime', 'type'];

let emulator: Emulator;
let schema: Record<string, any>;
let validate: ValidateFunction;
let fullCatalog: object;
let incrementalCatalog: object;

before(async () => {
  emulator = await startEmulator({
    seed: 31,
    // 84 tenant-owned service principals and 30 more registrations: two pages of 100 with owners expanded.
    sizes: {
      users: 80,
      servicePrincipals: 150,
      firstPartyFraction: 0.2,
      extraApplications: 30,
      groups: 3,
      assignments: 20,
      signIns: 0,
      signInsBeyondRetention: 0,
    },
    // Changed applications come as id plus their changed properties: the stream must read them again in full.
    deltaMinimalChanges: true,
  });
  const discovered = await runConnector(['discover'], { env: emulator.env, config: emulator.config() });
  const stream = discovered.catalog().streams.find((s: { name: string }) => s.name === 'applications');
  assert.deepEqual(stream.supported_sync_modes, ['full_refresh', 'incremental']);
  assert.deepEqual(stream.default_cursor_field, ['_ab_cdc_updated_at']);
  assert.deepEqual(stream.source_defined_primary_key, [['id']]);
  schema = stream.json_schema;
  validate = createAjv().compile(schema);
  fullCatalog = { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
  incrementalCatalog = {
    streams: [
      {
        stream,
        sync_mode: 'incremental',
        destination_sync_mode: 'append_dedup',
        cursor_field: ['_ab_cdc_updated_at'],
        primary_key: [['id']],
      },
    ],
  };
});
after(() => emulator?.stop());

async function read(catalog: object, overrides: Record<string, unknown> = {}, states?: StateStore): Promise<RunResult & { at: Date }> {
  const result = await runConnector(['read'], {
    env: emulator.env,
    config: emulator.config(overrides),
    catalog,
    ...(states ? { state: states.input() } : {}),
    timeoutMs: 90_000,
  });
  assert.equal(result.code, 0, `read failed: ${JSON.stringify(result.errors())}\n${result.stderr.slice(-2000)}`);
  assert.deepEqual(result.statuses('applications').at(-1), 'COMPLETE');
  states?.take(result);
  const announced = result
    .logs('INFO')
    .map((m) => AT.exec(m)?.[1])
    .filter(Boolean);
  assert.equal(announced.length, 1, 'the stream says once which instant it judges credentials at');
  return Object.assign(result, { at: new Date(announced[0]!) });
}

/** Valid against the discovered schema with formats, no field outside it, credentials with exactly their metadata fields. */
function assertConform(records: Row[]): void {
  const known = new Set(Object.keys(schema.properties));
  for (const record of records) {
    assert.ok(validate(record), `${JSON.stringify(record)}: ${JSON.stringify(validate.errors)}`);
    assert.deepEqual(
      Object.keys(record).filter((k) => !known.has(k)),
      [],
    );
    for (const credential of (record.credentials as Row[] | null) ?? []) assert.deepEqual(Object.keys(credential).sort(), CREDENTIAL_KEYS);
  }
  // Graph's secrets and public keys never reach a record, whatever their property name.
  const text = JSON.stringify(records);
  for (const app of emulator.tenant.applications!) {
    for (const key of (app.keyCredentials as { key: string }[]) ?? []) assert.ok(!text.includes(key.key), 'a certificate blob was emitted');
  }
  assert.doesNotMatch(text, /"(secretText|key|customKeyIdentifier)":/);
}

const truthAt = (at: Date) => [...emulator.truth.applications(at)].sort(byId);
const graphRequests = () => emulator.metrics().requests;

describe('applications: full refresh', () => {
  test('equals the truth, owners complete past the $expand cap (re-read in batches), credentials flattened; records conform', async () => {
    const tenant = emulator.tenant;
    const owned = (id: string) => tenant.applicationOwners!.get(id)!.length;
    const capped = tenant.applications!.filter((a) => owned(a.id) >= 20);
    assert.ok(
      tenant.applications!.some((a) => owned(a.id) > 20) && tenant.applications!.some((a) => owned(a.id) === 20),
      'the tenant has an application with more than 20 owners and one with exactly 20',
    );
    emulator.resetMetrics();
    const result = await read(fullCatalog);
    const records = result.records('applications') as Row[];
    assertConform(records);
    assert.deepStrictEqual([...records].sort(byId), truthAt(result.at));
    const requests = graphRequests();
    const pages = Math.ceil(tenant.applications!.length / 100);
    assert.ok(pages >= 2);
    assert.equal(requests['GET /applications'], pages, 'one request per page of 100 applications with their owners expanded');
    assert.equal(requests['batch GET /applications/{id}/owners'], capped.length, 'only applications whose expansion may be cut off');
    assert.equal(requests['GET /applications/{id}/owners'] ?? 0, 0, 'owners are read through $batch');
    assert.ok((requests['POST /$batch'] ?? 0) <= pages);
    // The cases the tenant holds all reach the destination.
    const byApp = new Map(records.map((r) => [r.id, r]));
    for (const app of capped) assert.equal((byApp.get(app.id)!.ownerIds as string[]).length, owned(app.id));
    const soon = records.filter(
      (r) => r.nextCredentialExpiry && Date.parse(String(r.nextCredentialExpiry)) < result.at.getTime() + 30 * DAY_MS,
    );
    assert.ok(soon.length > 0, 'some credentials expire within 30 days');
    assert.ok(
      records.some((r) => r.nextCredentialExpiry === null && (r.credentials as Row[]).length > 0),
      'some apps have only expired ones',
    );
    assert.ok(records.some((r) => (r.credentials as Row[]).length === 0 && r.nextCredentialExpiry === null));
    assert.ok(records.some((r) => (r.credentials as Row[]).some((c) => c.type === 'certificate')));
  });

  test('use_batch_requests false: the capped owners are read with one plain GET each, and the records are the same', async () => {
    emulator.resetMetrics();
    const result = await read(fullCatalog, { use_batch_requests: false });
    assert.deepStrictEqual([...result.records('applications')].sort(byId), truthAt(result.at));
    const requests = graphRequests();
    assert.equal(requests['POST /$batch'] ?? 0, 0);
    assert.equal(
      requests['GET /applications/{id}/owners'],
      emulator.tenant.applications!.filter((a) => emulator.tenant.applicationOwners!.get(a.id)!.length >= 20).length,
    );
  });
});

describe('applications: incremental through the delta query', () => {
  /** Applies each sync's records to an append + deduped destination and compares it with the truth at that sync. */
  async function sync(states: StateStore, destination: Destination, overrides: Record<string, unknown> = {}) {
    emulator.resetMetrics();
    const result = await read(incrementalCatalog, overrides, states);
    const records = result.records('applications') as Row[];
    for (const record of records) {
      assert.ok(validate(record), `${JSON.stringify(record)}: ${JSON.stringify(validate.errors)}`);
      if (record._ab_cdc_deleted_at !== null) {
        for (const [k, v] of Object.entries(record)) if (k !== 'id' && !CDC.includes(k)) assert.equal(v, null, `deletion record: ${k}`);
      }
    }
    destination.apply(records);
    assert.deepStrictEqual(destination.table(), truthAt(result.at), 'the destination equals the truth');
    assert.equal(graphRequests()['GET /applications/{id}/owners'] ?? 0, 0, 'owners are read through $batch');
    return result;
  }

  test('a first round, then creates, updates, soft and hard deletes and restores: the destination equals the truth after each', async () => {
    const states = new StateStore();
    const destination = new Destination();
    const first = await sync(states, destination);
    // A round from scratch reads every owner once from the list (100 per page), then the delta pages.
    assert.equal(graphRequests()['GET /applications'], Math.ceil(emulator.tenant.applications!.length / 100));
    assert.ok(graphRequests()['GET /applications/delta']! >= 2);
    const state = states.last.get('applications')!.stream.stream_state as Row;
    assert.deepEqual(Object.keys(state).sort(), ['deltaLink', 'fullRoundAt', 'recheckAt', 'scope']);
    // recheckAt: the earliest next expiry among the records synced.
    const expiries = (first.records('applications') as Row[]).map((r) => r.nextCredentialExpiry).filter((e): e is string => e !== null);
    assert.equal(state.recheckAt, expiries.sort((a, b) => Date.parse(a) - Date.parse(b))[0]);

    const changes = emulator.mutate({ creates: 3, updates: 8, softDeletes: 2, hardDeletes: 2, resources: ['applications'] });
    const second = await sync(states, destination);
    const changed = new Set(changes.map((c) => c.id));
    const records = second.records('applications') as Row[];
    assert.ok(records.length > 0 && records.every((r) => changed.has(String(r.id))), 'only changed applications are emitted');
    const removed = changes.filter((c) => c.kind !== 'updated').map((c) => c.id);
    for (const id of removed)
      assert.ok(
        records.some((r) => r.id === id && r._ab_cdc_deleted_at !== null),
        `${id} is emitted as deleted`,
      );
    const requests = graphRequests();
    const present = changes.filter((c) => c.kind === 'updated').length;
    assert.equal(requests['batch GET /applications/{id}/owners'], present, "every changed application's owners are read again, batched");
    // Updated applications came partial (deltaMinimalChanges): read again in full through $batch; created ones came whole.
    assert.equal(requests['batch GET /applications/{id}'], changes.filter((c) => c.how === 'modified').length);
    assert.equal(requests['GET /applications'] ?? 0, 0, 'a changes round does not list every application');

    emulator.mutate({ restores: 2, updates: 4, resources: ['applications'] });
    await sync(states, destination);
  });

  test('a saved link Graph no longer accepts: a WARN, a full resync, and the destination equals the truth', async () => {
    const states = new StateStore();
    const destination = new Destination();
    await sync(states, destination);
    emulator.advanceDeltaClock(8 * 86_400);
    emulator.mutate({ creates: 2, updates: 3, resources: ['applications'] });
    const resynced = await sync(states, destination);
    assert.equal(resynced.logs('WARN').filter((m) => /no longer accepts the saved delta link of applications/.test(m)).length, 1);
    const live = (resynced.records('applications') as Row[]).filter((r) => r._ab_cdc_deleted_at === null);
    assert.equal(live.length, emulator.tenant.applications!.length, 'the resync reads every application');
  });

  test('once a synced nextCredentialExpiry has passed (recheckAt), the next sync reads every application again', async () => {
    const states = new StateStore();
    const destination = new Destination();
    await sync(states, destination);
    // As if the sync ran after the earliest expiry: the state's recheckAt is in the past.
    const saved = states.last.get('applications')!;
    const past = new Date(Date.now() - DAY_MS).toISOString();
    saved.stream.stream_state = { ...saved.stream.stream_state, recheckAt: past };
    const rechecked = await sync(states, destination);
    assert.equal(rechecked.logs('INFO').filter((m) => m.includes(`changed at ${past} in a record already synced`)).length, 1);
    const live = (rechecked.records('applications') as Row[]).filter((r) => r._ab_cdc_deleted_at === null);
    assert.equal(live.length, emulator.tenant.applications!.length, 'every application is emitted again, with values of this sync');
    assert.ok(Date.parse(String(states.last.get('applications')!.stream.stream_state.recheckAt)) > Date.now());
    // Nothing due any more: the following sync reads changes only.
    const quiet = await sync(states, destination);
    assert.equal(quiet.records('applications').length, 0);
  });
});
