// The emulator's injected faults: 5xx, throttle storms, resets, truncated and stalled bodies, looping nextLinks,
// parents deleted before fan-out; each counted down by `times`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.js';
import { startMiniEmulator } from '../emulator/mini-tenant.js';
import { graphSession } from '../emulator/test-client.js';

describe('emulator faults', () => {
  let emulator: Emulator;
  let session: Awaited<ReturnType<typeof graphSession>>;
  before(async () => {
    emulator = await startMiniEmulator({ users: 300 });
    session = await graphSession(emulator);
  });
  after(() => emulator.stop());

  it('answers a status fault `times` times (503 with Retry-After), then serves normally', async () => {
    emulator.setFaults([{ kind: 'status', status: 503, times: 2, path: '/users', retryAfterSeconds: 1.5 }]);
    const first = await session.get('/v1.0/users');
    assert.equal(first.status, 503);
    assert.equal(first.headers['retry-after'], '1.5');
    assert.equal(first.body.error.code, 'ServiceUnavailable');
    assert.equal((await session.get('/v1.0/organization')).status, 200, 'other paths are not affected');
    assert.equal((await session.get('/v1.0/users')).status, 503);
    assert.equal((await session.get('/v1.0/users')).status, 200);
  });

  it('sends a throttle storm of 429s, also to batch items', async () => {
    emulator.setFaults([{ kind: 'throttle', times: 2, path: 'appRoleAssignedTo', retryAfterSeconds: 0.25 }]);
    const sp = emulator.tenant.servicePrincipals[2]!.id;
    const direct = await session.get(`/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`);
    assert.equal(direct.status, 429);
    assert.equal(direct.headers['retry-after'], '0.25');
    const batch = await session.post('/v1.0/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/servicePrincipals/${sp}/appRoleAssignedTo` },
        { id: '2', method: 'GET', url: `/servicePrincipals/${sp}/appRoleAssignedTo` },
      ],
    });
    assert.deepEqual((batch.body.responses as any[]).map((r) => r.status).sort(), [200, 429]);
  });

  it('resets the connection', async () => {
    emulator.setFaults([{ kind: 'reset', times: 1, path: '/users' }]);
    await assert.rejects(session.get('/v1.0/users'), (error: any) => /ECONNRESET|socket hang up/i.test(`${error.code} ${error.message}`));
    assert.equal((await session.get('/v1.0/users')).status, 200);
  });

  it('truncates a JSON body (the answer ends cleanly but does not parse)', async () => {
    emulator.setFaults([{ kind: 'truncate', times: 1, path: '/users' }]);
    const answer = await session.get('/v1.0/users');
    assert.equal(answer.status, 200);
    assert.equal(answer.body, undefined);
    assert.ok(answer.text.startsWith('{"@odata.context"'));
  });

  it('stalls a body mid-way for stallMs', async () => {
    emulator.setFaults([{ kind: 'stall', times: 1, path: '/organization', stallMs: 400 }]);
    const started = Date.now();
    const answer = await session.get('/v1.0/organization');
    assert.ok(Date.now() - started >= 390);
    assert.equal(answer.body.value[0].id, emulator.tenant.tenantId);
  });

  it('makes nextLinks loop back to the page itself while a loop fault is set', async () => {
    emulator.setFaults([{ kind: 'loop', path: '/users' }]);
    const first = await session.get('/v1.0/users?$select=id');
    const second = await session.get(first.body['@odata.nextLink']);
    assert.equal(second.body['@odata.nextLink'], first.body['@odata.nextLink']);
    emulator.setFaults([]);
    const third = await session.get(first.body['@odata.nextLink']);
    assert.notEqual(third.body['@odata.nextLink'], first.body['@odata.nextLink']);
  });

  it('deletes a parent between list and fan-out: 404 Request_ResourceNotFound on its children', async () => {
    const [sp] = [...emulator.tenant.assignments.keys()];
    const group = emulator.tenant.groups[0]!.id;
    emulator.setFaults([{ kind: 'delete-before-fanout', servicePrincipalIds: [sp!], groupIds: [group] }]);
    const listed = await session.get('/v1.0/servicePrincipals?$select=id&$top=999');
    assert.ok(
      listed.body.value.some((s: any) => s.id === sp),
      'still listed',
    );
    for (const path of [`/servicePrincipals/${sp}/appRoleAssignedTo`, `/groups/${group}/members`]) {
      const answer = await session.get(`/v1.0${path}`);
      assert.equal(answer.status, 404);
      assert.equal(answer.body.error.code, 'Request_ResourceNotFound');
    }
    emulator.setFaults([{ kind: 'delete-before-fanout' }]);
    assert.equal(
      (await session.get(`/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`)).status,
      404,
      'defaults to the first parent with assignments',
    );
    emulator.setFaults([]);
  });
});
