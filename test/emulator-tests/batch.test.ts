// The emulator's JSON batching: 20-item limit, unique ids, per-item answers in any order, items throttled on their own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.js';
import { startMiniEmulator } from '../emulator/mini-tenant.js';
import { graphSession } from '../emulator/test-client.js';

describe('emulator $batch', () => {
  let emulator: Emulator;
  let session: Awaited<ReturnType<typeof graphSession>>;
  before(async () => {
    emulator = await startMiniEmulator({ users: 50 });
    session = await graphSession(emulator);
  });
  after(() => emulator.stop());

  const items = (n: number, url = (i: number) => `/users?$select=id&$top=${20 + i}`) =>
    Array.from({ length: n }, (_, i) => ({ id: String(i + 1), method: 'GET', url: url(i) }));

  it('answers every item by id with its own status, headers and body (nextLinks absolute), throttling items individually', async () => {
    // A tiny RU budget so that a few items exhaust it.
    const emulator = await startMiniEmulator({ users: 50 }, { throttling: { enabled: true, ruPer10s: 4 } });
    after(() => emulator.stop());
    const session = await graphSession(emulator);
    const sps = emulator.tenant.servicePrincipals.map((sp) => sp.id);
    const requests = sps.map((id, i) => ({ id: `sp${i}`, method: 'GET', url: `/servicePrincipals/${id}/appRoleAssignedTo?$top=5` }));
    const answer = await session.post('/v1.0/$batch', { requests });
    assert.equal(answer.status, 200);
    const responses = answer.body.responses as any[];
    assert.deepEqual(responses.map((r) => r.id).sort(), requests.map((r) => r.id).sort());
    // Budget 4 RU, each item costs 1: the first four pass, the fifth is throttled on its own.
    const ok = responses.filter((r) => r.status === 200);
    const throttled = responses.filter((r) => r.status === 429);
    assert.equal(ok.length, 4);
    assert.equal(throttled.length, 1);
    assert.ok(Number(throttled[0].headers['retry-after']) > 0);
    assert.equal(throttled[0].body.error.code, 'TooManyRequests');
    assert.equal(ok[0].headers['x-ms-resource-unit'], '1');
    // Items are charged in request order, so sp0 to sp3 pass; the mini tenant's App 2 (sp2) has 12 assignments,
    // more than $top=5: its answer must carry an absolute nextLink to its own next page.
    assert.equal(throttled[0].id, 'sp4');
    const withNext = ok.find((r) => r.id === 'sp2');
    assert.ok(withNext, 'sp2 was answered 200');
    assert.equal(withNext.body.value.length, 5);
    assert.equal(
      withNext.body['@odata.nextLink'].split('&$skiptoken=')[0],
      `${emulator.url}/v1.0/servicePrincipals/${sps[2]}/appRoleAssignedTo?$top=5`,
    );
    assert.match(withNext.body['@odata.nextLink'], /&\$skiptoken=[^&]+$/);
    assert.deepEqual(
      ok.filter((r) => r.body['@odata.nextLink']).map((r) => r.id),
      ['sp2'],
      'only sp2 has more than 5 assignments',
    );
    assert.equal(emulator.metrics().requests['batch GET /servicePrincipals/{id}/appRoleAssignedTo'], 5);
    assert.equal(emulator.metrics().throttled, 1);
  });

  it('refuses more than 20 items and duplicate ids with 400', async () => {
    assert.equal((await session.post('/v1.0/$batch', { requests: items(21) })).status, 400);
    const dup = items(2).map((i) => ({ ...i, id: '1' }));
    assert.equal((await session.post('/v1.0/$batch', { requests: dup })).status, 400);
  });

  it('gives 424 to an item whose dependency failed, and 400 to an absolute url', async () => {
    const answer = await session.post('/v1.0/$batch', {
      requests: [
        { id: 'a', method: 'GET', url: '/groups/not-a-guid/members' },
        { id: 'b', method: 'GET', url: '/organization', dependsOn: ['a'] },
        { id: 'c', method: 'GET', url: `${emulator.url}/v1.0/organization` },
      ],
    });
    const byId = Object.fromEntries((answer.body.responses as any[]).map((r) => [r.id, r.status]));
    assert.deepEqual(byId, { a: 400, b: 424, c: 400 });
  });

  it('answers in shuffled order (clients must match by id)', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const orders = new Set<string>();
    for (let i = 0; i < 4; i += 1) {
      const answer = await session.post('/v1.0/$batch', { requests: items(6, () => '/groups/not-a-guid/members') });
      orders.add((answer.body.responses as any[]).map((r) => r.id).join(','));
    }
    assert.ok(orders.size > 1);
  });
});
