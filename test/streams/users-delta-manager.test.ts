// Integration: incremental users carry managerId (manager@delta, a removed manager null) and additional_user_properties
// after emulator.mutate, and a changed additional_user_properties resyncs with a WARN.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAjv } from '../../source-azure-client-credentials/validation.js';
import { runConnector } from '../support/connector.js';
import {
  assertDestinationIsTruth,
  assertRecordShapes,
  Destination,
  type Harness,
  harness,
  type Row,
  SIZES,
  STREAMS,
  StateStore,
  sync,
} from '../support/delta-harness.js';

/** Sets additional_user_properties for the next syncs, with the truth and the users validator that go with it. */
async function withProperties(h: Harness, properties: string[]): Promise<void> {
  h.overrides.additional_user_properties = properties;
  h.truthOptions.additionalProperties = properties;
  const discovered = await runConnector(['discover'], { env: h.emulator.env, config: h.emulator.config(h.overrides) });
  const users = discovered.catalog().streams.find((s: { name: string }) => s.name === 'users');
  for (const name of properties) assert.ok(users.json_schema.properties[name], `discover adds ${name}`);
  h.validators.set('users', createAjv().compile(users.json_schema));
}

describe('incremental users: managers and additional properties', { concurrency: 2 }, () => {
  for (const minimal of [false, true]) {
    test(`manager changes and additional properties equal the truth after every sync${minimal ? ' (minimal delta entries, re-read)' : ''}; a new list resyncs`, async () => {
      const h = await harness(
        { seed: 90 + Number(minimal), deltaMinimalChanges: minimal, sizes: { ...SIZES, users: 180, servicePrincipals: 15 } },
        { include_guests: true },
      );
      try {
        const extensions = h.emulator.tenant.directoryExtensions!.map((e) => e.name);
        // First v1.0 properties only: Graph answers them null when unset, so a full delta entry is complete. (An unset
        // extension is left out of the answer, which makes the entry partial: it is read again, see below.)
        await withProperties(h, ['onPremisesSamAccountName', 'onPremisesExtensionAttributes']);
        const states = new StateStore();
        const destinations = { users: new Destination(), service_principals: new Destination() };
        const round = async (when: string) => {
          h.emulator.resetMetrics();
          const result = await sync(h, states);
          for (const stream of STREAMS) {
            const records = result.records(stream) as Row[];
            assertRecordShapes(h, stream, records);
            destinations[stream].apply(records);
          }
          assertDestinationIsTruth(h, destinations, when);
          return result;
        };

        const first = await round('after the first sync');
        const managed = (first.records('users') as Row[]).filter((r) => r.managerId !== null);
        assert.ok(managed.length > 20, 'the first round carries the managers (manager@delta)');
        const firstCall = h.emulator.requestLog().find((r) => r.path === '/users/delta')!;
        assert.ok(
          firstCall.query.some(([k, v]) => k === '$select' && v.split(',').includes('manager')),
          'the delta query selects the manager',
        );

        const changes = h.emulator.mutate({
          managerChanges: 9,
          updates: 4,
          creates: 2,
          softDeletes: 2,
          hardDeletes: 1,
          resources: ['users'],
        });
        const second = await round('after manager changes, updates, creates and deletes');
        assert.equal(changes.filter((c) => c.properties?.includes('manager')).length, 9);
        // Concealed users are never emitted whole: judge the others.
        const listed = new Set(h.emulator.truth.users(h.truthOptions).map((r) => String(r.id)));
        const managerChanges = changes.filter((c) => c.properties?.includes('manager') && listed.has(c.id));
        const removed = managerChanges.filter((c) => c.previousManager && !h.emulator.tenant.managers!.has(c.id));
        assert.ok(removed.length >= 3, 'some managers were removed');
        const emitted = new Map((second.records('users') as Row[]).map((r) => [String(r.id), r]));
        for (const change of managerChanges) {
          const record = emitted.get(change.id);
          assert.ok(record, `the user whose manager changed (${change.id}) is emitted`);
          assert.equal(record.managerId, h.emulator.tenant.managers!.get(change.id) ?? null, `${change.id}: managerId`);
        }
        for (const change of removed) assert.equal(emitted.get(change.id)!.managerId, null, 'a removed manager is null');
        const reread = new Set(
          h.emulator
            .requestLog()
            .filter((r) => r.via === 'batch' && r.path.startsWith('/users/'))
            .map((r) => r.path.split('/')[2]),
        );
        if (minimal) for (const change of managerChanges) assert.ok(reread.has(change.id), 'a minimal entry is read again in full');
        // A full entry whose manager@delta removes the manager is complete: nothing to read again.
        else for (const change of removed) assert.ok(!reread.has(change.id), `${change.id}: the removal was read from manager@delta`);

        h.emulator.mutate({ managerChanges: 4, restores: 1, updates: 2, resources: ['users'] });
        await round('after more manager changes and a restore');

        // Another list: the saved link was made with another $select, so users are read again in full.
        await withProperties(h, ['onPremisesSamAccountName', 'onPremisesImmutableId', ...extensions]);
        const resync = await round('after additional_user_properties changed');
        const warnings = resync.logs('WARN').filter((w) => w.includes('saved delta link of users was made with other fields or filters'));
        assert.equal(warnings.length, 1, JSON.stringify(resync.logs('WARN')));
        assert.match(warnings[0]!, /additional_user_properties changed/);
        assert.equal(
          (resync.records('users') as Row[]).filter((r) => r._ab_cdc_deleted_at === null).length,
          h.emulator.truth.users(h.truthOptions).length,
          'the resync reads every user',
        );
        assert.equal(resync.records('service_principals').length, 0, 'service principals keep their link');

        // Changes rounds with directory extensions: a user without a value for one is read again, never emitted half.
        h.emulator.mutate({ managerChanges: 6, updates: 6, creates: 1, resources: ['users'] });
        const later = await round('after changes with directory extensions selected');
        assert.ok(later.records('users').some((r: Row) => extensions.some((e) => r[e] !== null)));
      } finally {
        await h.emulator.stop();
      }
    });
  }
});
