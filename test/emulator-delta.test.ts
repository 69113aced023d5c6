// The emulator's delta queries: a full first round ending in a deltaLink, then only mutations, and expired tokens.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from './emulator/index.js';
import { graphSession } from './emulator/test-client.js';

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
    emulator = await startEmulator({ seed: 7, sizes: { users: 250 }, deltaTokenLifetimeSeconds: 60 });
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
    const emulator = await startEmulator({ seed: 3, sizes: { users: 20 }, deltaTokenLifetimeSeconds: 1, deltaExpiredStatus: 400 });
    try {
      const session = await graphSession(emulator);
      const first = await round(session, '/v1.0/users/delta');
      assert.equal((await session.get(first.deltaLink)).status, 200);
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await session.get(first.deltaLink);
      assert.equal(expired.status, 400);
      assert.equal(expired.body.error.code, 'syncStateNotFound');
    } finally {
      await emulator.stop();
    }
  });
});
