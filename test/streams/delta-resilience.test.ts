// Integration: incremental users and service_principals survive what Graph really sends: a saved link refused with any
// 400 or 410, changed objects that carry only their changed properties, and restores that delta does not report.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DirectoryChange, Fault } from '../emulator/types.js';
import { type RunResult, runConnector } from '../support/connector.js';
import {
  assertDestinationIsTruth,
  assertRecordShapes,
  byId,
  Destination,
  deltaRequests,
  type Harness,
  harness,
  type Row,
  STREAMS,
  StateStore,
  type StreamName,
  sync,
  truth,
} from '../support/delta-harness.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A fault on the one request of this exact link (its token is unique), answered with `status` and Graph error `code`. */
const refuse = (link: string, status: 400 | 410, code: string): Fault => ({
  kind: 'status',
  status,
  code,
  times: 1,
  path: escapeRegExp(new URL(link).search),
});
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const destinations = () => ({ users: new Destination(), service_principals: new Destination() });

/** Applies a sync's records to the destinations, checking every record's shape against the stream's schema first. */
function applyAll(h: Harness, dest: Record<StreamName, Destination>, result: RunResult): void {
  for (const stream of STREAMS) {
    const records = result.records(stream) as Row[];
    assertRecordShapes(h, stream, records);
    dest[stream].apply(records);
  }
}

/**
 * Ids a minimal delta leaves partial, so that the connector reads them again: updated and never created or restored in
 * the window, and (users) created or restored ones without a manager, whose entry has no manager@delta.
 */
function partialIds(
  changes: DirectoryChange[],
  resource: 'users' | 'servicePrincipals',
  managers: ReadonlyMap<string, string> = new Map(),
): Set<string> {
  const byObject = new Map<string, DirectoryChange[]>();
  for (const c of changes) if (c.resource === resource) byObject.set(c.id, [...(byObject.get(c.id) ?? []), c]);
  const ids = new Set<string>();
  for (const [id, list] of byObject) {
    if (list.at(-1)!.kind !== 'updated') continue;
    const whole = list.some((c) => c.how === 'created' || c.how === 'restored');
    // A whole user still lacks manager@delta when it has no manager: that too is read again (null is not assumed).
    if (!whole || (resource === 'users' && !managers.has(id))) ids.add(id);
  }
  return ids;
}

describe('delta sync against what Graph really sends', { concurrency: 2 }, () => {
  // One emulator, one case at a time (each sets its own faults).
  describe('a saved link that Graph refuses with any 400 or 410', { concurrency: 1 }, () => {
    let h: Harness;
    before(async () => {
      h = await harness({ seed: 101 });
    });
    after(() => h?.emulator.stop());

    const cases = [
      { link: 'deltaLink', status: 400, code: 'Request_BadRequest' },
      { link: 'deltaLink', status: 400, code: 'Contoso_NeverDocumented' },
      { link: 'nextLink', status: 400, code: 'Request_BadRequest' },
      { link: 'nextLink', status: 400, code: 'Contoso_NeverDocumented' },
      { link: 'nextLink', status: 410, code: 'Contoso_NeverDocumented' },
    ] as const;
    for (const { link, status, code } of cases) {
      test(`a saved ${link} answered ${status} ${code}: one WARN per stream, a full resync, and the destination equals the truth`, async () => {
        const states = new StateStore();
        const dest = destinations();
        const first = await sync(h, states);
        if (link === 'deltaLink') applyAll(h, dest, first);
        else {
          // The platform committed each stream up to its first mid-round checkpoint (a crash came after it).
          for (const stream of STREAMS) {
            const at = first.messages.findIndex(
              (m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === stream && m.state.stream.stream_state.nextLink,
            );
            assert.ok(at > 0, `${stream}: the first round has several pages`);
            states.last.set(stream, first.messages[at]!.state);
            dest[stream].apply(
              first.messages
                .slice(0, at)
                .filter((m) => m.type === 'RECORD' && m.record.stream === stream)
                .map((m) => m.record.data),
            );
          }
        }
        const saved = Object.fromEntries(STREAMS.map((s) => [s, String(states.of(s)[link])]));
        // Creates and updates only: deletions made while a link is refused cannot be reported by any resync.
        h.emulator.mutate({ creates: 2, updates: 4 });
        h.emulator.setFaults(STREAMS.map((s) => refuse(saved[s]!, status, code)));
        h.emulator.resetMetrics();
        const started = new Date().toISOString();
        const second = await sync(h, states);
        h.emulator.setFaults([]);
        assert.deepEqual(second.errors(), []);
        const warnings = second.logs('WARN').filter((m) => /no longer accepts the saved delta link/.test(m));
        assert.equal(warnings.length, 2, 'exactly one WARN per stream');
        for (const stream of STREAMS) {
          const warning = warnings.find((w) => w.includes(` of ${stream} `));
          assert.ok(warning, `${stream} has its WARN`);
          assert.ok(warning.includes(`(${status} ${code})`), warning);
          assert.match(warning, /full resync/);
          // 410 is Graph's documented answer (the error table's resync row); any other code is explained as the guess it is.
          if (status === 410) assert.match(warning, /change-tracking links expire after about 7 days without a sync\. Reading/);
          else assert.match(warning, /Microsoft documents no single answer for an expired change-tracking link/);
          // The new chain starts with this resync.
          const state = states.of(stream);
          assert.ok(typeof state.deltaLink === 'string' && state.deltaLink !== saved[stream]);
          assert.ok(String(state.fullRoundAt) >= started, `${stream}: the resync is the last full round`);
        }
        applyAll(h, dest, second);
        assertDestinationIsTruth(h, dest, `after a ${link} refused with ${status} ${code}`);
        // The refused link once, then a fresh round (3 pages of users, 2 of service principals).
        const requests = deltaRequests(h.emulator);
        assert.equal(requests.users, 1 + 3);
        assert.equal(requests.sps, 1 + 2);
        // The new link works: the next sync reads changes only.
        h.emulator.mutate({ updates: 3, softDeletes: 1 });
        const third = await sync(h, states);
        assert.deepEqual(
          third.logs('WARN').filter((m) => /delta link/.test(m)),
          [],
        );
        applyAll(h, dest, third);
        assertDestinationIsTruth(h, dest, 'after the sync that follows the resync');
      });
    }

    test('a 400 on a later page of a round from a saved link is no expired link: the stream fails loudly, nothing is resynced', async () => {
      const states = new StateStore();
      await sync(h, states);
      // More changes than one page holds: the round from the saved deltaLink continues with a nextLink of its own.
      h.emulator.mutate({ updates: 150, resources: ['users'] });
      h.emulator.setFaults([
        { kind: 'status', status: 400, code: 'Request_BadRequest', times: 1, path: '^/v1\\.0/users/delta\\?\\$skiptoken=' },
      ]);
      h.emulator.resetMetrics();
      const result = await runConnector(['read'], {
        env: h.emulator.env,
        config: h.emulator.config(),
        catalog: h.catalog,
        state: states.input(),
        timeoutMs: 60_000,
      });
      h.emulator.setFaults([]);
      assert.equal(result.code, 1);
      assert.equal(result.statuses('users').at(-1), 'INCOMPLETE');
      assert.deepEqual(
        result.logs('WARN').filter((m) => /saved delta link/.test(m)),
        [],
      );
      const [error] = result.errors();
      assert.equal(error.failure_type, 'system_error');
      assert.match(error.message, /^Microsoft Graph refused GET \/users\/delta\?\$skiptoken=\.\.\. as invalid \(400 Request_BadRequest/);
      assert.equal(deltaRequests(h.emulator).users, 2, 'the saved link and its next page; no round from scratch');
      // The first page was delivered and checkpointed: a retry resumes after it.
      assert.deepEqual(
        result.states('users').map((m) => m.state.stream.stream_state.round),
        ['changes'],
      );
      assert.equal(result.records('users').length, 100);
    });

    test('a 400 on the fresh round too fails the stream loudly with its own error, and its saved state is kept', async () => {
      const states = new StateStore();
      await sync(h, states);
      const saved = String(states.of('users').deltaLink);
      h.emulator.setFaults([
        refuse(saved, 400, 'Request_BadRequest'),
        { kind: 'status', status: 400, code: 'Request_BadRequest', times: 1, path: '^/v1\\.0/users/delta\\?\\$select=' },
      ]);
      const result = await runConnector(['read'], {
        env: h.emulator.env,
        config: h.emulator.config(),
        catalog: h.catalog,
        state: states.input(),
        timeoutMs: 60_000,
      });
      h.emulator.setFaults([]);
      assert.equal(result.code, 1);
      assert.equal(result.statuses('users').at(-1), 'INCOMPLETE');
      assert.equal(result.statuses('service_principals').at(-1), 'COMPLETE', 'the other stream goes on');
      assert.equal(result.logs('WARN').filter((m) => /no longer accepts the saved delta link of users/.test(m)).length, 1);
      const errors = result.errors();
      assert.equal(errors.length, 1);
      assert.equal(errors[0].stream_descriptor.name, 'users');
      assert.equal(errors[0].failure_type, 'system_error');
      // The fresh round's own failure, not the refused link's.
      assert.match(errors[0].message, /^Microsoft Graph refused GET \/users\/delta\?\$select=\S+ as invalid \(400 Request_BadRequest/);
      assert.deepEqual(result.states('users'), [], 'no users checkpoint: the platform keeps the state it had');
      assert.deepEqual(result.records('users'), []);
    });
  });

  test('changed objects that carry only their changed properties are re-read in full through $batch, never emitted half', async () => {
    const h = await harness({ seed: 103, deltaMinimalChanges: true });
    try {
      const states = new StateStore();
      const dest = destinations();
      const count = (label: string) => h.emulator.metrics().requests[label] ?? 0;
      const round = async (changes: DirectoryChange[], when: string) => {
        h.emulator.resetMetrics();
        const result = await sync(h, states);
        applyAll(h, dest, result);
        assertDestinationIsTruth(h, dest, when);
        // Every partial entry was read again, all of them in batches, none with a plain GET.
        const users = partialIds(changes, 'users', h.emulator.tenant.managers).size;
        const sps = partialIds(changes, 'servicePrincipals').size;
        assert.equal(count('batch GET /users/{id}'), users, `${when}: users re-read`);
        assert.equal(count('batch GET /servicePrincipals/{id}'), sps, `${when}: service principals re-read`);
        assert.equal(count('GET /users/{id}') + count('GET /servicePrincipals/{id}'), 0, 'no plain GET per object');
        assert.ok(count('POST /$batch') >= Math.ceil(users / 20) + Math.ceil(sps / 20));
        return { result, users, sps };
      };
      const first = await round([], 'after the first round (whole objects: nothing to re-read)');
      assert.equal(count('POST /$batch'), 0);
      assert.ok(first.result.records().length > 0);

      const second = await round(
        h.emulator.mutate({ creates: 3, updates: 12, softDeletes: 2, hardDeletes: 2 }),
        'after creates, updates and deletes',
      );
      assert.ok(second.users > 0 && second.sps > 0, 'the mutations left partial entries to re-read');
      await round(h.emulator.mutate({ restores: 2, updates: 8 }), 'after restores and updates');
      const many = await round(h.emulator.mutate({ updates: 45, resources: ['users'] }), 'after 45 user updates');
      assert.ok(many.users > 40 && count('POST /$batch') >= 3, 'more than 40 re-reads take several batches of 20');
      await round(h.emulator.mutate({ creates: 1, updates: 6, hardDeletes: 1 }), 'after a last round of changes');
    } finally {
      await h.emulator.stop();
    }
  });

  test('an object gone by the time it is re-read (404) is skipped with a DEBUG line, never emitted half', async () => {
    const h = await harness({ seed: 105, deltaMinimalChanges: true }, { include_guests: true });
    try {
      const states = new StateStore();
      const dest = destinations();
      applyAll(h, dest, await sync(h, states));
      const before = new Map(dest.users.table().map((r) => [String(r.id), r]));
      const changes = h.emulator.mutate({ updates: 4, resources: ['users'] });
      const gone = changes[0]!.id;
      h.emulator.setFaults([
        { kind: 'status', status: 404, code: 'Request_ResourceNotFound', times: 1, path: `^/v1\\.0/users/${gone}\\?` },
      ]);
      const result = await sync(h, states, { env: { ...h.emulator.env, LOG_LEVEL: 'DEBUG' } });
      h.emulator.setFaults([]);
      assert.equal(h.emulator.metrics().requests['batch GET /users/{id}'], 4);
      assert.deepEqual(
        result.records('users').filter((r: Row) => r.id === gone),
        [],
        'nothing is emitted for the object that is gone',
      );
      assert.ok(result.logs('DEBUG').some((m) => m.includes(gone) && /gone now \(404 Request_ResourceNotFound\)/.test(m)));
      applyAll(h, dest, result);
      // The others are up to date; the one that was not found keeps its last complete version until its removal is reported.
      const expected = truth(h, 'users').filter((r) => r.id !== gone);
      if (before.has(gone)) expected.push(before.get(gone)!);
      assert.deepStrictEqual(dest.users.table(), expected.sort(byId));
    } finally {
      await h.emulator.stop();
    }
  });

  test('restores hidden from delta: lost with delta_full_resync_days 0, recovered once a full round is due, deletions still emitted', async () => {
    const base = await harness({ seed: 107, deltaHidesRestores: true }, { delta_full_resync_days: 0 });
    const due = { ...base, overrides: { ...base.overrides, delta_full_resync_days: 7 } };
    try {
      const states = new StateStore();
      const dest = destinations();
      applyAll(base, dest, await sync(base, states));
      base.emulator.mutate({ softDeletes: 4 });
      applyAll(base, dest, await sync(base, states));
      assertDestinationIsTruth(base, dest, 'after soft deletes');
      const restored = new Set(
        base.emulator
          .mutate({ restores: 4 })
          .filter((c) => c.how === 'restored')
          .map((c) => c.id),
      );
      for (const stream of STREAMS) {
        assert.ok(
          truth(base, stream).some((r) => restored.has(String(r.id))),
          `${stream}: the truth has restored objects`,
        );
      }
      // Aged far beyond any period: with 0, the connector never reads everything again on its own.
      for (const stream of STREAMS) states.of(stream).fullRoundAt = daysAgo(30);
      for (let i = 0; i < 2; i++) {
        const result = await sync(base, states);
        assert.deepEqual(
          result.logs('INFO').filter((m) => /delta_full_resync_days/.test(m)),
          [],
        );
        assert.ok(
          result.records().every((r: Row) => !restored.has(String(r.id))),
          'delta does not report the restores',
        );
        applyAll(base, dest, result);
        for (const stream of STREAMS) {
          assert.deepStrictEqual(
            dest[stream].table(),
            truth(base, stream).filter((r) => !restored.has(String(r.id))),
            `${stream}: the restores are lost`,
          );
        }
      }
      // Deletions and updates since the last sync must still arrive in the sync that reads everything again.
      const changes = base.emulator.mutate({ softDeletes: 2, hardDeletes: 2, updates: 4 });
      const removed = new Set(changes.filter((c) => c.kind !== 'updated').map((c) => c.id));
      base.emulator.resetMetrics();
      const started = new Date().toISOString();
      const recovered = await sync(due, states);
      const notes = recovered.logs('INFO').filter((m) => /delta_full_resync_days \(7\)/.test(m));
      assert.equal(notes.length, 2, 'one note per stream');
      for (const id of removed) {
        const record = (recovered.records() as Row[]).find((r) => r.id === id);
        assert.ok(record && record._ab_cdc_deleted_at !== null, `${id} is emitted as deleted`);
      }
      applyAll(due, dest, recovered);
      assertDestinationIsTruth(due, dest, 'after the full round that was due');
      // The changes round, then a full round from scratch.
      const requests = deltaRequests(base.emulator);
      assert.equal(requests.users, 1 + 3);
      assert.equal(requests.sps, 1 + 2);
      for (const stream of STREAMS) assert.ok(String(states.of(stream).fullRoundAt) >= started, `${stream}: a new fullRoundAt`);

      // Not due again: changes only, and the chain still reports every change.
      base.emulator.mutate({ updates: 3, softDeletes: 1, creates: 1 });
      base.emulator.resetMetrics();
      const next = await sync(due, states);
      assert.deepEqual(
        next.logs('INFO').filter((m) => /delta_full_resync_days/.test(m)),
        [],
      );
      assert.equal(deltaRequests(base.emulator).users, 1);
      applyAll(due, dest, next);
      assertDestinationIsTruth(due, dest, 'after the sync that follows the full round');

      // Deletions made while a full round runs are reported by the next sync: the chain goes on from the link of
      // before the full round. (Graph throttles the full round's first request, and the deletions land meanwhile.)
      for (const stream of STREAMS) states.of(stream).fullRoundAt = daysAgo(8);
      base.emulator.setFaults([{ kind: 'throttle', times: 1, path: '^/v1\\.0/users/delta\\?\\$select=', retryAfterSeconds: 0.5 }]);
      let during: DirectoryChange[] = [];
      const racing = await sync(due, states, {
        onMessage: (message) => {
          const state =
            message.type === 'STATE' && message.state.stream.stream_descriptor.name === 'users'
              ? message.state.stream.stream_state
              : undefined;
          if (during.length === 0 && state?.deltaLink)
            during = base.emulator.mutate({ softDeletes: 2, hardDeletes: 2, resources: ['users'] });
        },
      });
      assert.equal(during.length, 4, 'the deletions came after the changes round');
      applyAll(due, dest, racing);
      const reported = await sync(due, states);
      applyAll(due, dest, reported);
      assertDestinationIsTruth(due, dest, 'after the sync that follows deletions made during a full round');
      for (const change of during) {
        const records = [...racing.records('users'), ...reported.records('users')] as Row[];
        assert.ok(
          records.some((r) => r.id === change.id && r._ab_cdc_deleted_at !== null),
          `${change.id}, deleted during the full round, is emitted as deleted`,
        );
      }

      // A state written by 0.1.0 (no fullRoundAt) counts as due.
      base.emulator.mutate({ softDeletes: 1 });
      base.emulator.mutate({ restores: 1 });
      for (const stream of STREAMS) delete states.of(stream).fullRoundAt;
      const upgraded = await sync(due, states);
      assert.equal(upgraded.logs('INFO').filter((m) => /is not recorded in the state/.test(m)).length, 2);
      applyAll(due, dest, upgraded);
      assertDestinationIsTruth(due, dest, 'after the first sync from a 0.1.0 state');
    } finally {
      await base.emulator.stop();
    }
  });

  test('a forced full round killed (SIGKILL) after its changes round and again mid-round resumes, and the union equals the truth', async () => {
    const h = await harness({ seed: 109, deltaHidesRestores: true, latencyMs: 120 }, { delta_full_resync_days: 7 });
    try {
      const states = new StateStore();
      const dest = destinations();
      applyAll(h, dest, await sync(h, states));
      h.emulator.mutate({ softDeletes: 4 });
      applyAll(h, dest, await sync(h, states));
      h.emulator.mutate({ restores: 4, updates: 3, hardDeletes: 2 });
      const aged = daysAgo(8);
      for (const stream of STREAMS) states.of(stream).fullRoundAt = aged;

      /** Runs a sync killed at the first message `when` accepts; the platform keeps what came before the last STATE. */
      const killedSync = async (when: (state: Row) => boolean) => {
        let killed = false;
        const crashed = await sync(h, states, {
          onMessage: (message, child) => {
            if (
              !killed &&
              message.type === 'STATE' &&
              message.state.stream.stream_descriptor.name === 'users' &&
              when(message.state.stream.stream_state)
            ) {
              killed = true;
              child.kill('SIGKILL');
            }
          },
        });
        assert.equal(crashed.signal, 'SIGKILL');
        const lastState = crashed.messages.map((m) => m.type).lastIndexOf('STATE');
        states.take(crashed, lastState + 1);
        const committed = crashed.messages.slice(0, lastState).filter((m) => m.type === 'RECORD');
        for (const stream of STREAMS) dest[stream].apply(committed.filter((m) => m.record.stream === stream).map((m) => m.record.data));
        return crashed;
      };

      // Kill 1: right after the changes round's last checkpoint, which must still say that the full round is due.
      await killedSync((state) => typeof state.deltaLink === 'string');
      const afterChanges = states.of('users');
      assert.equal(typeof afterChanges.deltaLink, 'string');
      assert.equal(afterChanges.fullRoundAt, aged, 'the checkpoint after the changes round still says the full round is due');

      // Kill 2: mid full round.
      await killedSync((state) => state.round === 'resync' && typeof state.nextLink === 'string');
      const midRound = states.of('users');
      assert.equal(midRound.round, 'resync');
      assert.equal(typeof midRound.chainDeltaLink, 'string', 'the chain link survives the crash');
      assert.ok(String(midRound.fullRoundAt) > aged);

      const resumed = await sync(h, states);
      applyAll(h, dest, resumed);
      assertDestinationIsTruth(h, dest, 'after the resumed full round');
      const final = states.of('users');
      assert.deepEqual(Object.keys(final).sort(), ['deltaLink', 'fullRoundAt', 'scope']);
      assert.equal(final.deltaLink, midRound.chainDeltaLink, 'the chain continues from the link of before the full round');
      assert.equal(final.fullRoundAt, midRound.fullRoundAt);

      h.emulator.mutate({ creates: 2, updates: 4, softDeletes: 1, hardDeletes: 1 });
      const later = await sync(h, states);
      assert.deepEqual(
        later.logs('INFO').filter((m) => /delta_full_resync_days/.test(m)),
        [],
      );
      applyAll(h, dest, later);
      assertDestinationIsTruth(h, dest, 'after the sync that follows');
    } finally {
      await h.emulator.stop();
    }
  });
});
