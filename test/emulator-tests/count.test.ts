// The emulator's /$count segments: a text/plain number with ConsistencyLevel: eventual, 400 Request_BadRequest without it (as Graph), also inside $batch.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { graphSession, httpGet } from '../emulator/test-client.js';

describe('emulator: GET /{collection}/$count', () => {
  let emulator: Emulator;
  let session: Awaited<ReturnType<typeof graphSession>>;
  before(async () => {
    emulator = await startEmulator({ seed: 3, sizes: { users: 70, servicePrincipals: 12, groups: 5, assignments: 10, signIns: 0 } });
    session = await graphSession(emulator);
  });
  after(async () => emulator?.stop());

  const get = (path: string, headers: Record<string, string> = {}) =>
    httpGet(`${emulator.url}/v1.0${path}`, { authorization: `Bearer ${session.token}`, ...headers });

  test('with ConsistencyLevel: eventual, the count of each collection as text/plain', async () => {
    const expected = { users: 70, servicePrincipals: 12, groups: emulator.tenant.groups.length };
    for (const [collection, count] of Object.entries(expected)) {
      const answer = await get(`/${collection}/$count`, { ConsistencyLevel: 'eventual' });
      assert.equal(answer.status, 200, answer.text);
      assert.match(String(answer.headers['content-type']), /^text\/plain/);
      assert.equal(answer.text, String(count));
    }
  });

  test('without the header: 400 Request_BadRequest "$count is not currently supported."', async () => {
    const answer = await get('/users/$count');
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'Request_BadRequest');
    assert.equal(answer.body.error.message, '$count is not currently supported.');
  });

  test('inside $batch the item carries its own header, and is judged by it', async () => {
    const answer = await session.post('/v1.0/$batch', {
      requests: [
        { id: '1', method: 'GET', url: '/groups/$count', headers: { ConsistencyLevel: 'eventual' } },
        { id: '2', method: 'GET', url: '/groups/$count' },
      ],
    });
    assert.equal(answer.status, 200);
    const byId = Object.fromEntries(answer.body.responses.map((r: { id: string; status: number }) => [r.id, r.status]));
    assert.deepEqual(byId, { 1: 200, 2: 400 });
  });

  test('the permission of the collection applies: no User.Read.All, no count of users', async () => {
    emulator.setPermissions(['Application.Read.All']);
    try {
      await session.renew();
      assert.equal((await get('/users/$count', { ConsistencyLevel: 'eventual' })).status, 403);
      assert.equal((await get('/servicePrincipals/$count', { ConsistencyLevel: 'eventual' })).status, 200);
    } finally {
      emulator.setPermissions(['User.Read.All', 'Application.Read.All', 'GroupMember.Read.All']);
      await session.renew();
    }
  });
});
