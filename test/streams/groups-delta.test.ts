// Integration: incremental groups through /groups/delta (beside group_members in full refresh), against the emulator with group mutations between syncs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAjv, type ValidateFunction } from '../../source-azure-client-credentials/validation.js';
import { type Emulator, type ServerOptions, startEmulator } from '../emulator/index.js';
import { type RunResult, runConnector } from '../support/connector.js';
import { byId, CDC, Destination, type Row, StateStore } from '../support/delta-harness.js';

/** 230 + 9 groups: three delta pages of 100 per round from scratch. */
const SIZES = { users: 60, servicePrincipals: 10, groups: 230, assignments: 40, signIns: 0, signInsBeyondRetention: 0 };
const EIGHT_DAYS_S = 8 * 86_400;

interface Harness {
  emulator: Emulator;
  catalog: object;
  validate: ValidateFunction;
}

async function harness(options: ServerOptions): Promise<Harness> {
  const emulator = await startEmulator({ sizes: SIZES, ...options });
  const discovered = await runConnector(['discover'], { env: emulator.env, config: emulator.config() });
  assert.equal(discovered.code, 0, discovered.stdout);
  const streams = discovered.catalog().streams;
  const groups = streams.find((s: { name: string }) => s.name === 'groups');
  const members = streams.find((s: { name: string }) => s.name === 'group_members');
  for (const field of CDC) assert.ok(groups.json_schema.properties[field], `groups declares ${field}`);
  const catalog = {
    streams: [
      {
        stream: groups,
        sync_mode: 'incremental',
        destination_sync_mode: 'append_dedup',
        cursor_field: ['_ab_cdc_updated_at'],
        primary_key: [['id']],
      },
      { stream: members, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
    ],
  };
  return { emulator, catalog, validate: createAjv().compile(groups.json_schema) };
}

async function sync(h: Harness, states: StateStore, overrides: Row = {}): Promise<RunResult> {
  h.emulator.resetMetrics();
  const result = await runConnector(['read'], {
    env: h.emulator.env,
    config: h.emulator.config(overrides),
    catalog: h.catalog,
    state: states.input(),
    timeoutMs: 60_000,
  });
  assert.equal(result.code, 0, `read failed: ${JSON.stringify(result.errors())}\n${result.stderr.slice(-2000)}`);
  for (const stream of ['groups', 'group_members']) assert.equal(result.statuses(stream).at(-1), 'COMPLETE', stream);
  states.take(result);
  return result;
}

const truthGroups = (h: Harness) => [...h.emulator.truth.groups()].sort(byId);
const groupState = (states: StateStore) => states.last.get('groups')!.stream.stream_state as Row;
const requests = (h: Harness) => h.emulator.metrics().requests;

/** Every record valid; full records carry both CDC fields (deleted_at null), deletion records the id alone besides them. */
function assertShapes(h: Harness, records: Row[]): void {
  const shape = Object.keys(truthGroups(h)[0]!).concat(CDC).sort();
  for (const record of records) {
    assert.ok(h.validate(record), `groups record ${JSON.stringify(record)} is invalid: ${JSON.stringify(h.validate.errors)}`);
    assert.deepEqual(Object.keys(record).sort(), shape, 'an incremental record has the full-refresh shape plus the CDC fields');
    if (record._ab_cdc_deleted_at !== null) {
      assert.equal(record._ab_cdc_deleted_at, record._ab_cdc_updated_at);
      for (const [k, v] of Object.entries(record))
        if (k !== 'id' && !CDC.includes(k)) assert.equal(v, null, `deletion record: ${k} is null`);
    }
  }
}

/** Applies a sync: groups to the deduped destination (then equal to the truth), group_members equal to its truth. */
function apply(h: Harness, destination: Destination, result: RunResult, when: string): Row[] {
  const records = result.records('groups') as Row[];
  assertShapes(h, records);
  destination.apply(records);
  assert.deepStrictEqual(destination.table(), truthGroups(h), `groups differs from the truth ${when}`);
  const members = (rows: Row[]) => rows.map((r) => `${String(r.groupId)}|${String(r.memberId)}|${JSON.stringify(r)}`).sort();
  assert.deepStrictEqual(
    members(result.records('group_members')),
    members(h.emulator.truth.groupMembers()),
    `group_members differs from the truth ${when}`,
  );
  return records;
}

describe('incremental groups through the delta query', { concurrency: 2 }, () => {
  describe('every kind of change', () => {
    let h: Harness;
    before(async () => {
      h = await harness({ seed: 90 });
    });
    after(() => h?.emulator.stop());

    test('after every sync the deduped destination equals the truth; membership changes alone emit no group; deletions are deletion records', async () => {
      const states = new StateStore();
      const destination = new Destination();
      const first = await sync(h, states);
      const initial = apply(h, destination, first, 'after the first sync');
      assert.equal(initial.length, h.emulator.tenant.groups.length);
      const checkpoints = first.states('groups').map((m) => m.state.stream.stream_state);
      assert.ok(checkpoints.length >= 3 && checkpoints.slice(0, -1).every((s) => typeof s.nextLink === 'string' && s.round === 'initial'));
      assert.deepEqual(Object.keys(groupState(states)).sort(), ['deltaLink', 'fullRoundAt', 'scope']);
      assert.match(String(groupState(states).deltaLink), /\/v1\.0\/groups\/delta\?\$deltatoken=/);
      // The first call selects the stream's fields, never `members` (which would add members@delta to every group).
      const calls = h.emulator.requestLog().filter((r) => r.path === '/groups/delta' && r.query.some(([k]) => k === '$select'));
      assert.equal(calls.length, 1);
      const select = new Map(calls[0]!.query).get('$select')!.split(',');
      assert.ok(select.includes('displayName') && !select.includes('members'), select.join(','));

      assert.equal((await sync(h, states)).records('groups').length, 0, 'nothing changed, nothing emitted');

      h.emulator.mutate({ resources: ['groups'], memberChanges: 6 });
      const memberships = await sync(h, states);
      assert.equal(memberships.records('groups').length, 0, 'a membership change is not a change of the group object');
      apply(h, destination, memberships, 'after membership changes');

      const changes = h.emulator.mutate({ resources: ['groups'], creates: 3, updates: 6, softDeletes: 2, hardDeletes: 2 });
      const second = await sync(h, states);
      const records = apply(h, destination, second, 'after creates, updates, soft and hard deletes');
      const changed = new Set(changes.map((c) => c.id));
      assert.deepEqual(new Set(records.map((r) => String(r.id))), changed, 'exactly the changed groups are emitted');
      const removed = changes.filter((c) => c.kind !== 'updated').map((c) => c.id);
      assert.equal(removed.length, 4);
      for (const id of removed)
        assert.ok(
          records.some((r) => r.id === id && r._ab_cdc_deleted_at !== null),
          `${id} is a deletion record`,
        );
      assert.equal(requests(h)['GET /groups'] ?? 0, 1, 'only group_members lists the groups; groups reads the delta');

      h.emulator.mutate({ resources: ['groups'], restores: 2, updates: 3, memberChanges: 2 });
      apply(h, destination, await sync(h, states), 'after restores');
      // Users leaving the tenant leave their groups too: group_members follows, the groups stay as they are.
      h.emulator.mutate({ resources: ['users'], hardDeletes: 3 });
      const left = await sync(h, states);
      assert.equal(left.records('groups').length, 0);
      apply(h, destination, left, 'after users were deleted');
    });
  });

  // One emulator, one test at a time (each mutates it).
  describe('partial objects, expired links and periodic full rounds', { concurrency: 1 }, () => {
    let h: Harness;
    before(async () => {
      // Changed groups carry only their changed properties, as with Prefer: return=minimal.
      h = await harness({ seed: 91, deltaMinimalChanges: true });
    });
    after(() => h?.emulator.stop());

    test('updated groups that come back partial are re-read through $batch GET /groups/{id}; created ones come whole', async () => {
      const states = new StateStore();
      const destination = new Destination();
      apply(h, destination, await sync(h, states), 'after the first sync');
      const changes = h.emulator.mutate({ resources: ['groups'], creates: 2, updates: 5, hardDeletes: 1 });
      const second = await sync(h, states);
      apply(h, destination, second, 'after minimal changes');
      const updated = changes.filter((c) => c.how === 'modified').length;
      assert.equal(updated, 5);
      assert.equal(requests(h)['batch GET /groups/{id}'], updated, 'each partial group re-read once, in a batch');
      assert.equal(requests(h)['GET /groups/{id}'] ?? 0, 0);
    });

    test('an expired delta link recovers with one WARN and a full resync; delta_full_resync_days makes a full round', async () => {
      const states = new StateStore();
      const destination = new Destination();
      apply(h, destination, await sync(h, states), 'after the first sync');
      h.emulator.advanceDeltaClock(EIGHT_DAYS_S);
      h.emulator.mutate({ resources: ['groups'], creates: 1, updates: 2 });
      const resynced = await sync(h, states);
      const warnings = resynced.logs('WARN').filter((m) => /no longer accepts the saved delta link of groups/.test(m));
      assert.equal(warnings.length, 1, JSON.stringify(resynced.logs('WARN')));
      const live = resynced.records('groups').filter((r: Row) => r._ab_cdc_deleted_at === null);
      assert.equal(live.length, h.emulator.tenant.groups.length, 'the resync reads every group');
      apply(h, destination, resynced, 'after the resync');

      // The last full round was three days ago: with delta_full_resync_days 1, the changes round is followed by a full one.
      const saved = states.last.get('groups')!;
      saved.stream.stream_state.fullRoundAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
      h.emulator.mutate({ resources: ['groups'], softDeletes: 1 });
      const full = await sync(h, states, { delta_full_resync_days: 1 });
      assert.ok(full.logs('INFO').some((m) => m.startsWith('groups: the last full read of every object started at')));
      const emitted = full.records('groups') as Row[];
      assert.ok(emitted.filter((r) => r._ab_cdc_deleted_at === null).length >= h.emulator.tenant.groups.length);
      assert.ok(
        emitted.some((r) => r._ab_cdc_deleted_at !== null),
        'the soft delete is reported by the changes round',
      );
      apply(h, destination, full, 'after the periodic full round');
      assert.ok(Date.parse(String(groupState(states).fullRoundAt)) > Date.now() - 60_000, 'the full round is recorded');
    });
  });
});
