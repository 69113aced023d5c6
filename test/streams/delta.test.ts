// Integration: incremental users and service_principals through delta queries, against the emulator with mutations between syncs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Emulator } from '../emulator/index.js';
import { runConnector } from '../support/connector.js';
import {
  assertDestinationIsTruth,
  assertRecordShapes,
  byId,
  CDC,
  Destination,
  deltaRequests,
  type Harness,
  harness,
  type Row,
  SIZES,
  STREAMS,
  StateStore,
  type StreamName,
  sync,
  truth,
} from '../support/delta-harness.js';

/** How far the expiry tests move the emulator's delta clock: past Graph's 7-day token lifetime. */
const EIGHT_DAYS_S = 8 * 86_400;

const CONFIGS: { name: string; overrides: Record<string, unknown>; domains: (e: Emulator) => string[] }[] = [
  { name: 'include_guests false', overrides: { include_guests: false }, domains: () => [] },
  { name: 'include_guests true', overrides: { include_guests: true }, domains: () => [] },
  {
    name: 'include_guests true, domain filter',
    overrides: { include_guests: true },
    domains: (e) => [e.tenant.defaultDomain.toLowerCase()],
  },
];

// The suites run side by side (each has its own emulator): most of the time is spent waiting on child processes.
describe('incremental sync through delta queries', { concurrency: 4 }, () => {
  for (const [index, config] of CONFIGS.entries()) {
    describe(`incremental users and service_principals: ${config.name}`, () => {
      let h: Harness;
      before(async () => {
        h = await harness({ seed: 41 + index }, config.overrides, config.domains);
      });
      after(() => h?.emulator.stop());

      test('after every sync, applying the records with dedup and deletes gives exactly the truth', async () => {
        const states = new StateStore();
        const destinations = { users: new Destination(), service_principals: new Destination() };
        let previous = '';
        const round = async (when: string) => {
          h.emulator.resetMetrics();
          const result = await sync(h, states);
          // The cursor never goes back: in emission order within a sync, and past every earlier sync's.
          const cursors = (result.records() as Row[]).map((r) => String(r._ab_cdc_updated_at));
          for (const [i, c] of cursors.entries()) assert.ok(c > previous && (i === 0 || c >= cursors[i - 1]!), `cursor ${c} goes back`);
          for (const c of cursors) if (c > previous) previous = c;
          for (const stream of STREAMS) {
            const records = result.records(stream) as Row[];
            assertRecordShapes(h, stream, records);
            destinations[stream].apply(records);
            // The state is a link on the emulator's Graph root, never anything else.
            const state = states.of(stream);
            assert.deepEqual(Object.keys(state).sort(), ['deltaLink', 'fullRoundAt', 'scope'], `${stream} state after a finished round`);
            assert.ok(Date.parse(String(state.fullRoundAt)) <= Date.now(), `${stream}: fullRoundAt is an instant in the past`);
            assert.ok(String(state.deltaLink).startsWith(`${h.emulator.url}/v1.0/`), String(state.deltaLink));
          }
          const requests = deltaRequests(h.emulator);
          assert.equal(requests.usersList + requests.spList, 0, 'incremental reads never use the plain lists');
          assert.ok(requests.users >= 1 && requests.sps >= 1);
          assertDestinationIsTruth(h, destinations, when);
          return result;
        };

        const first = await round('after the first sync');
        // The first round checkpoints on its nextLinks (250 users = 3 pages of 100).
        const userStates = first.states('users').map((m) => m.state.stream.stream_state);
        assert.ok(userStates.length >= 3);
        assert.ok(
          userStates.slice(0, -1).every((s) => typeof s.nextLink === 'string' && s.round === 'initial' && s.deltaLink === undefined),
        );
        assert.equal(
          first.records('users').filter((r: Row) => r._ab_cdc_deleted_at !== null).length,
          0,
          'a first sync has nothing to delete',
        );

        const quiet = await round('after a sync without changes');
        assert.equal(quiet.records().length, 0, 'nothing changed, nothing emitted');

        const changes = h.emulator.mutate({ creates: 4, updates: 12, softDeletes: 3, hardDeletes: 3 });
        const second = await round('after creates, updates, soft and hard deletes');
        const changed = new Set(changes.map((c) => c.id));
        for (const stream of STREAMS) {
          const records = second.records(stream) as Row[];
          assert.ok(records.length > 0 && records.length <= changed.size, `${stream}: only changed objects are emitted`);
          for (const r of records) assert.ok(changed.has(String(r.id)), `${stream}: ${String(r.id)} did not change`);
        }
        const removed = changes.filter((c) => c.kind !== 'updated' && c.resource === 'users').map((c) => c.id);
        const deleted = new Set(
          second
            .records('users')
            .filter((r: Row) => r._ab_cdc_deleted_at !== null)
            .map((r: Row) => r.id),
        );
        for (const id of removed) assert.ok(deleted.has(id), `removed user ${id} is emitted as deleted`);

        h.emulator.mutate({ restores: 3, updates: 8, softDeletes: 2 });
        await round('after restores, updates and soft deletes');
        h.emulator.mutate({ creates: 2, updates: 8, hardDeletes: 2, restores: 2 });
        await round('after a third round of changes');
      });
    });
  }

  describe('incremental edge cases', () => {
    test('a user who stops matching the filters is emitted as deleted', async () => {
      const h = await harness({ seed: 52 }, { include_guests: false });
      try {
        const states = new StateStore();
        const destination = new Destination();
        destination.apply((await sync(h, states)).records('users'));
        // Updates cycle through department, mail, userType and domain: eight updates flip two users' userType.
        const changes = h.emulator.mutate({ updates: 8, resources: ['users'] });
        const result = await sync(h, states);
        destination.apply(result.records('users'));
        const flipped = changes.map((c) => h.emulator.tenant.users.find((u) => u.id === c.id)).filter((u) => u?.userType === 'Guest');
        assert.ok(flipped.length >= 1, 'the mutations made a member a guest');
        for (const u of flipped) {
          const record = result.records('users').find((r: Row) => r.id === u!.id);
          assert.ok(record && record._ab_cdc_deleted_at !== null, 'a member who became a guest is emitted as deleted');
        }
        assert.deepStrictEqual(destination.table(), truth(h, 'users'));
      } finally {
        await h.emulator.stop();
      }
    });

    // Concurrent: each has its own emulator, whose delta clock moves past the tokens' lifetime (no waiting, so a
    // loaded machine cannot make the new link expire before the next sync).
    describe('expired delta links', { concurrency: true }, () => {
      for (const expiredStatus of [410, 400] as const) {
        test(`an expired delta link (${expiredStatus === 410 ? '410 Gone' : '400 syncStateNotFound'}) recovers with a WARN and a full resync`, async () => {
          const h = await harness({ seed: 60 + expiredStatus, deltaExpiredStatus: expiredStatus });
          try {
            const states = new StateStore();
            const destinations = { users: new Destination(), service_principals: new Destination() };
            const first = await sync(h, states);
            for (const stream of STREAMS) destinations[stream].apply(first.records(stream));
            h.emulator.advanceDeltaClock(EIGHT_DAYS_S);
            // Creates and updates that keep everyone matching (department, mail): nothing the resync could miss.
            h.emulator.mutate({ creates: 3, updates: 2 });
            h.emulator.resetMetrics();
            const second = await sync(h, states);
            assert.deepEqual(second.errors(), []);
            const warnings = second.logs('WARN').filter((m) => /no longer accepts the saved delta link/.test(m));
            assert.equal(warnings.length, 2, 'one WARN per stream');
            for (const w of warnings) assert.match(w, /full resync/);
            for (const stream of STREAMS) {
              const records = second.records(stream) as Row[];
              assertRecordShapes(h, stream, records);
              // The resync alone is the whole roster.
              const live = records
                .filter((r) => r._ab_cdc_deleted_at === null)
                .map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !CDC.includes(k))));
              assert.deepStrictEqual(live.sort(byId), truth(h, stream), `${stream}: the resync reads everything`);
              destinations[stream].apply(records);
              assert.ok(states.of(stream).deltaLink, `${stream}: a new deltaLink is saved`);
            }
            assertDestinationIsTruth(h, destinations, 'after the resync');
            // Two failed calls with the old links, then fresh rounds.
            const requests = deltaRequests(h.emulator);
            assert.equal(requests.users, 1 + 3);
            // The new link works (used well within its lifetime): changes only.
            h.emulator.mutate({ updates: 2, softDeletes: 1 });
            const third = await sync(h, states);
            assert.deepEqual(
              third.logs('WARN').filter((m) => /delta link/.test(m)),
              [],
            );
            assert.ok(third.records().length <= 6);
            for (const stream of STREAMS) destinations[stream].apply(third.records(stream));
            assertDestinationIsTruth(h, destinations, 'after the sync that follows the resync');
          } finally {
            await h.emulator.stop();
          }
        });
      }
    });

    test('a crash mid-first-round (SIGKILL) resumes from the nextLink state, and the union equals the truth', async () => {
      const h = await harness({ seed: 70, latencyMs: 150 });
      try {
        const states = new StateStore();
        const destinations = { users: new Destination(), service_principals: new Destination() };
        let killedAt = -1;
        const crashed = await sync(h, states, {
          onMessage: (message, child) => {
            if (
              killedAt < 0 &&
              message.type === 'STATE' &&
              message.state.stream.stream_descriptor.name === 'users' &&
              message.state.stream.stream_state.nextLink
            ) {
              killedAt = 1;
              child.kill('SIGKILL');
            }
          },
        });
        assert.equal(crashed.signal, 'SIGKILL');
        // What the platform commits: the records up to the last STATE it received.
        const lastState = crashed.messages.map((m) => m.type).lastIndexOf('STATE');
        assert.ok(lastState > 0);
        states.take(crashed, lastState + 1);
        const saved = states.of('users');
        assert.equal(saved.round, 'initial');
        assert.match(String(saved.nextLink), /^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/delta\?\$skiptoken=/);
        const committed = crashed.messages
          .slice(0, lastState)
          .filter((m) => m.type === 'RECORD')
          .map((m) => m.record);
        for (const stream of STREAMS) destinations[stream].apply(committed.filter((r) => r.stream === stream).map((r) => r.data));
        const before = destinations.users.table().length;
        assert.ok(before > 0 && before < truth(h, 'users').length, 'the crash came mid-round');

        h.emulator.resetMetrics();
        const resumed = await sync(h, states);
        for (const stream of STREAMS) destinations[stream].apply(resumed.records(stream));
        // Resumed, not restarted: the users committed before the crash are not read again.
        const again = resumed.records('users').filter((r: Row) => committed.some((c) => c.stream === 'users' && c.data.id === r.id));
        assert.deepEqual(again, []);
        assert.ok(deltaRequests(h.emulator).users < 3, 'the resumed round skips the pages already read');
        assertDestinationIsTruth(h, destinations, 'after the resumed sync');

        h.emulator.mutate({ creates: 2, updates: 4, softDeletes: 1, hardDeletes: 1 });
        const later = await sync(h, states);
        for (const stream of STREAMS) destinations[stream].apply(later.records(stream));
        assertDestinationIsTruth(h, destinations, 'after the sync that follows');
      } finally {
        await h.emulator.stop();
      }
    });

    describe('state validation', () => {
      let h: Harness;
      before(async () => {
        h = await harness({ seed: 80, sizes: { ...SIZES, users: 20, servicePrincipals: 10 } });
      });
      after(() => h?.emulator.stop());

      const stateOf = (stream: StreamName, value: unknown) => [
        { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: value } },
      ];
      const cases: [string, (e: Emulator) => unknown, RegExp][] = [
        ['without deltaLink or nextLink', () => ({ scope: 'abc' }), /exactly one of "deltaLink" or "nextLink"/],
        [
          'with both links',
          (e) => ({ deltaLink: `${e.url}/v1.0/users/delta?$deltatoken=a`, nextLink: `${e.url}/v1.0/users/delta?$skiptoken=b` }),
          /exactly one/,
        ],
        [
          'with a link to another host',
          () => ({ deltaLink: 'https://graph.evil.example/v1.0/users/delta?$deltatoken=SECRETTOKEN' }),
          /points to https:\/\/graph\.evil\.example, not to the configured Microsoft Graph endpoint/,
        ],
        [
          'with a link to another port of the same host',
          () => ({ deltaLink: `https://127.0.0.1:1/v1.0/users/delta?$deltatoken=SECRETTOKEN` }),
          /points to https:\/\/127\.0\.0\.1:1/,
        ],
        [
          'with a plain-http link',
          (e) => ({ deltaLink: `${e.url.replace('https:', 'http:')}/v1.0/users/delta?$deltatoken=SECRETTOKEN` }),
          /not to the configured Microsoft Graph endpoint/,
        ],
        [
          "with another collection's link",
          (e) => ({ deltaLink: `${e.url}/v1.0/servicePrincipals/delta?$deltatoken=x` }),
          /not a users delta link/,
        ],
        ['with a bad round', (e) => ({ nextLink: `${e.url}/v1.0/users/delta?$skiptoken=x`, round: 'sideways' }), /"round" must be one of/],
        [
          'with a fullRoundAt that is no date',
          (e) => ({ deltaLink: `${e.url}/v1.0/users/delta?$deltatoken=x`, fullRoundAt: 'last week' }),
          /"fullRoundAt" is not an ISO 8601 date-time/,
        ],
        [
          'with a chainDeltaLink next to a deltaLink',
          (e) => ({ deltaLink: `${e.url}/v1.0/users/delta?$deltatoken=x`, chainDeltaLink: `${e.url}/v1.0/users/delta?$deltatoken=y` }),
          /"chainDeltaLink" belongs only next to the "nextLink" of a "resync" round/,
        ],
        [
          'with a chainDeltaLink to another host',
          (e) => ({
            nextLink: `${e.url}/v1.0/users/delta?$skiptoken=x`,
            round: 'resync',
            chainDeltaLink: 'https://graph.evil.example/v1.0/users/delta?$deltatoken=SECRETTOKEN',
          }),
          /points to https:\/\/graph\.evil\.example/,
        ],
      ];
      for (const [name, value, message] of cases) {
        test(`a users state ${name} is a config_error and sends nothing`, async () => {
          h.emulator.resetMetrics();
          const result = await runConnector(['read'], {
            env: h.emulator.env,
            config: h.emulator.config(),
            catalog: { streams: (h.catalog as any).streams.filter((s: any) => s.stream.name === 'users') },
            state: stateOf('users', value(h.emulator)),
          });
          assert.equal(result.code, 1);
          const [error] = result.errors();
          assert.equal(error.failure_type, 'config_error');
          assert.match(error.message, message);
          assert.ok(!result.stdout.includes('SECRETTOKEN'), 'a saved token is never printed');
          assert.equal(deltaRequests(h.emulator).users, 0);
          assert.deepEqual(result.records(), []);
        });
      }

      test('an empty state (what a full refresh leaves) starts a first round', async () => {
        const result = await runConnector(['read'], {
          env: h.emulator.env,
          config: h.emulator.config(),
          catalog: h.catalog,
          state: stateOf('users', {}),
        });
        assert.equal(result.code, 0, JSON.stringify(result.errors()));
        assert.equal(result.records('users').length, h.emulator.truth.users().length);
      });

      test('include_sign_in_activity with incremental users is a config_error', async () => {
        const result = await runConnector(['read'], {
          env: h.emulator.env,
          config: h.emulator.config({ include_sign_in_activity: true }),
          catalog: h.catalog,
        });
        assert.equal(result.code, 1);
        const errors = result.errors();
        assert.equal(errors.length, 1);
        assert.equal(errors[0].failure_type, 'config_error');
        assert.match(errors[0].message, /delta query does not track sign-in activity/);
        assert.deepEqual(result.statuses('service_principals').at(-1), 'COMPLETE', 'the other stream goes on');
      });

      test('a changed filter resyncs with a WARN and deletes users that no longer match', async () => {
        const states = new StateStore();
        const destination = new Destination();
        const wide = { ...h, overrides: { include_guests: true }, truthOptions: { includeGuests: true, domains: [] } };
        destination.apply((await sync(wide, states)).records('users'));
        assert.deepStrictEqual(destination.table(), truth(wide, 'users'));
        const narrow = { ...h, overrides: { include_guests: false }, truthOptions: { includeGuests: false, domains: [] } };
        const result = await sync(narrow, states);
        assert.ok(result.logs('WARN').some((m) => /made with other fields or filters/.test(m)));
        destination.apply(result.records('users'));
        assert.deepStrictEqual(destination.table(), truth(narrow, 'users'));
        assert.ok(truth(narrow, 'users').length < truth(wide, 'users').length, 'the tenant has guests');
      });
    });
  });
});
