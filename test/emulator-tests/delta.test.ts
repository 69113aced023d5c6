// The emulator's delta queries: a full first round ending in a deltaLink, then only mutations, and expired tokens.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { graphSession } from '../emulator/test-client.js';

type Session = Awaited<ReturnType<typeof graphSession>>;

/** Follows nextLinks until the deltaLink; returns every record and the deltaLink. */
async function round(session: Session, url: string) {
  const records: any[] = [];
  let next: string | undefined = url;
  for (let guard = 0; next && guard < 1000; guard += 1) {
    const answer = await session.get(next);
    assert.equal(answer.status, 200, answer.text);
    records.push(...answer.body.value);
    if (answer.body['@odata.deltaLink']) return { records, deltaLink: answer.body['@odata.deltaLink'] as string };
    next = answer.body['@odata.nextLink'];
    assert.match(next!, /\$skiptoken=/);
  }
  throw new Error('no deltaLink');
}

describe('emulator delta queries', () => {
  let emulator: Emulator;
  let session: Session;
  before(async () => {
    emulator = await startEmulator({ seed: 7, sizes: { users: 250 } });
    session = await graphSession(emulator);
  });
  after(() => emulator.stop());

  it('serves every user in the first round, then only the changes mutations made, with @removed reasons', async () => {
    const first = await round(session, '/v1.0/users/delta?$select=id,displayName');
    assert.equal(first.records.length, emulator.tenant.users.length);
    assert.deepEqual(new Set(first.records.map((u) => u.id)), new Set(emulator.tenant.users.map((u) => u.id)));
    assert.deepEqual(Object.keys(first.records[0]), ['id', 'displayName']);
    assert.match(first.deltaLink, /\/v1\.0\/users\/delta\?\$deltatoken=/);

    const quiet = await round(session, first.deltaLink);
    assert.equal(quiet.records.length, 0);

    const changes = emulator.mutate({ creates: 2, updates: 3, softDeletes: 1, hardDeletes: 1 }).filter((c) => c.resource === 'users');
    assert.ok(changes.length >= 7);
    const second = await round(session, first.deltaLink);
    const last = new Map(changes.map((c) => [c.id, c.kind]));
    assert.deepEqual(new Set(second.records.map((r) => r.id)), new Set(last.keys()));
    for (const record of second.records) {
      const kind = last.get(record.id)!;
      if (kind === 'updated') {
        assert.deepEqual(Object.keys(record), ['id', 'displayName'], 'the $select of the first call is baked into the token');
        const user = emulator.tenant.users.find((u) => u.id === record.id)!;
        assert.equal(record.displayName, user.displayName);
      } else assert.deepEqual(record['@removed'], { reason: kind });
    }
    // The new deltaLink starts after these changes.
    assert.equal((await round(session, second.deltaLink)).records.length, 0);
  });

  it('refuses query options next to a token, and answers $deltatoken=latest with only a deltaLink', async () => {
    const first = await round(session, '/v1.0/servicePrincipals/delta?$select=id');
    assert.equal(first.records.length, emulator.tenant.servicePrincipals.length);
    assert.equal((await session.get(`${first.deltaLink}&$select=id,displayName`)).status, 400);
    const latest = await session.get('/v1.0/users/delta?$deltatoken=latest');
    assert.deepEqual(latest.body.value, []);
    assert.match(latest.body['@odata.deltaLink'], /\$deltatoken=/);
  });

  it('answers an unknown or expired delta token with 410 Gone and a Location to restart', async () => {
    const answer = await session.get('/v1.0/users/delta?$deltatoken=not-a-token');
    assert.equal(answer.status, 410);
    assert.equal(answer.headers.location, `${emulator.url}/v1.0/users/delta`);
  });
});

describe('emulator delta token expiry (400 syncStateNotFound variant)', () => {
  it('expires delta tokens after their lifetime', async () => {
    // The delta clock is moved by hand (no sleeping): 10 s of slack on either side of the 60-second lifetime.
    const emulator = await startEmulator({ seed: 3, sizes: { users: 20 }, deltaTokenLifetimeSeconds: 60, deltaExpiredStatus: 400 });
    try {
      const session = await graphSession(emulator);
      const first = await round(session, '/v1.0/users/delta');
      emulator.advanceDeltaClock(50);
      assert.equal((await session.get(first.deltaLink)).status, 200, '50 s old: still valid');
      emulator.advanceDeltaClock(20);
      const expired = await session.get(first.deltaLink);
      assert.equal(expired.status, 400, '70 s old: expired');
      assert.equal(expired.body.error.code, 'syncStateNotFound');
    } finally {
      await emulator.stop();
    }
  });
});

describe('emulator delta modes: minimal changes, hidden restores; single objects by id', () => {
  let emulator: Emulator;
  let session: Session;
  before(async () => {
    emulator = await startEmulator({
      seed: 11,
      sizes: { users: 120, servicePrincipals: 40 },
      deltaMinimalChanges: true,
      deltaHidesRestores: true,
    });
    session = await graphSession(emulator);
  });
  after(() => emulator.stop());

  const SELECT = 'id,displayName,department,mail,userType,proxyAddresses,userPrincipalName';

  it('serves an updated object with id and its changed properties only, a created one whole', async () => {
    const first = await round(session, `/v1.0/users/delta?$select=${SELECT}`);
    assert.ok(
      first.records.every((u) => Object.keys(u).join(',') === SELECT),
      'a round from scratch has every selected property',
    );
    const changes = emulator.mutate({ creates: 2, updates: 6, resources: ['users'] });
    const second = await round(session, first.deltaLink);
    assert.equal(second.records.length, changes.length);
    for (const change of changes) {
      const record = second.records.find((r) => r.id === change.id)!;
      const user = emulator.tenant.users.find((u) => u.id === change.id)!;
      if (change.how === 'created') assert.equal(Object.keys(record).join(','), SELECT);
      else {
        const expected = ['id', ...SELECT.split(',').filter((f) => change.properties!.includes(f))];
        assert.deepEqual(Object.keys(record), expected, `${change.id} carries id and what changed (${change.properties!.join(', ')})`);
        assert.ok(expected.length < SELECT.split(',').length);
      }
      for (const [key, value] of Object.entries(record)) assert.deepEqual(value, user[key] ?? null);
    }
  });

  it('does not report a restore in a changes round; a round from scratch has the object', async () => {
    const start = await round(session, '/v1.0/servicePrincipals/delta?$select=id,displayName');
    const deleted = emulator.mutate({ softDeletes: 2, resources: ['servicePrincipals'] });
    const afterDelete = await round(session, start.deltaLink);
    assert.deepEqual(new Set(afterDelete.records.map((r) => r.id)), new Set(deleted.map((c) => c.id)));
    const restored = emulator.mutate({ restores: 2, resources: ['servicePrincipals'] });
    assert.ok(restored.length === 2 && restored.every((c) => c.how === 'restored'));
    assert.deepEqual((await round(session, afterDelete.deltaLink)).records, [], 'the restores are hidden');
    const fresh = await round(session, '/v1.0/servicePrincipals/delta?$select=id,displayName');
    for (const c of restored)
      assert.ok(
        fresh.records.some((r) => r.id === c.id),
        `${c.id} is back in a round from scratch`,
      );
  });

  it('answers GET /users/{id} and /servicePrincipals/{id} with $select, 404 for an unknown id and 400 for a malformed one, directly and in $batch', async () => {
    const user = emulator.tenant.users[0]!;
    const sp = emulator.tenant.servicePrincipals[0]!;
    const one = await session.get(`/v1.0/users/${user.id}?$select=id,displayName,jobTitle`);
    assert.equal(one.status, 200, one.text);
    assert.match(one.body['@odata.context'], /\$metadata#users\(id,displayName,jobTitle\)\/\$entity$/);
    assert.deepEqual(
      { ...one.body, '@odata.context': undefined },
      { '@odata.context': undefined, id: user.id, displayName: user.displayName, jobTitle: user.jobTitle ?? null },
    );
    const missing = await session.get('/v1.0/users/00000000-0000-4000-8000-00000000dead?$select=id');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'Request_ResourceNotFound');
    assert.equal((await session.get('/v1.0/users/not-a-guid')).status, 400);
    assert.equal((await session.get(`/v1.0/servicePrincipals/${user.id}?$select=id`)).status, 404, 'a user is not a service principal');
    assert.equal((await session.get(`/v1.0/users/${user.id}?$select=id&$top=1`)).status, 400);
    const batch = await session.post('/v1.0/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/servicePrincipals/${sp.id}?$select=id,appId` },
        { id: '2', method: 'GET', url: '/users/00000000-0000-4000-8000-00000000dead?$select=id' },
      ],
    });
    const byItem = new Map(batch.body.responses.map((r: any) => [r.id, r]));
    assert.equal((byItem.get('1') as any).status, 200);
    assert.equal((byItem.get('1') as any).body.appId, sp.appId);
    assert.equal((byItem.get('2') as any).status, 404);
    assert.equal(emulator.metrics().requests['batch GET /servicePrincipals/{id}'], 1);
  });
});

describe('emulator delta clock', () => {
  it('advanceDeltaClock ages every token issued so far past the 7-day lifetime; new tokens are fresh', async () => {
    const emulator = await startEmulator({ seed: 5, sizes: { users: 20 } });
    try {
      const session = await graphSession(emulator);
      const first = await round(session, '/v1.0/users/delta?$select=id');
      emulator.advanceDeltaClock(6 * 86_400);
      assert.equal((await session.get(first.deltaLink)).status, 200, 'six days old: still valid');
      emulator.advanceDeltaClock(2 * 86_400);
      const expired = await session.get(first.deltaLink);
      assert.equal(expired.status, 410);
      assert.equal(expired.body.error.code, 'resyncRequired');
      const fresh = await round(session, '/v1.0/users/delta?$select=id');
      assert.equal((await session.get(fresh.deltaLink)).status, 200);
    } finally {
      await emulator.stop();
    }
  });
});
