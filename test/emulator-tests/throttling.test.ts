// The emulator's throttling model: RU bucket with 429 + Retry-After and throttle headers, the reports window, time scale.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startMiniEmulator } from '../emulator/mini-tenant.js';
import { graphSession } from '../emulator/test-client.js';

describe('emulator throttling', () => {
  // These tests move the throttling clock by hand: however slowly a loaded machine sends the requests, they all
  // fall in the same window, and the window ends exactly when the test says.
  it('throttles directory requests beyond the RU budget with 429, Retry-After and throttle headers', async () => {
    let clockMs = 0;
    const emulator = await startMiniEmulator(
      { users: 20 },
      { throttling: { enabled: true, ruPer10s: 10, timeScale: 10 }, throttleClock: () => clockMs },
    );
    try {
      const session = await graphSession(emulator);
      const answers = [];
      for (let i = 0; i < 7; i += 1) answers.push(await session.get('/v1.0/users'));
      // users without $select cost 2 RU: five pass, then 429.
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 200, 200, 200, 429, 429],
      );
      assert.equal(answers[4]!.headers['x-ms-throttle-limit-percentage'], '1.0');
      assert.equal(answers[0]!.headers['x-ms-throttle-limit-percentage'], undefined);
      const throttled = answers[5]!;
      assert.equal(throttled.body.error.code, 'TooManyRequests');
      // Window 10 s / 10 = 1 s for 10 RU (100 ms per RU); the refused requests still spent their cost, so the
      // bucket is at -2 RU after the sixth (4 RU short of one request: 0.4 s) and -4 RU after the seventh (0.6 s).
      assert.equal(throttled.headers['retry-after'], '0.4');
      assert.match(
        String(throttled.headers['x-ms-throttle-scope']),
        new RegExp(`^Tenant_Application/Read/${emulator.credentials.clientId}/${emulator.tenant.tenantId}$`),
      );
      assert.equal(throttled.headers['x-ms-throttle-information'], 'ResourceUnitLimitExceeded');
      const latest = answers[6]!;
      assert.equal(latest.headers['retry-after'], '0.6');
      clockMs += Number(latest.headers['retry-after']) * 1000;
      assert.equal((await session.get('/v1.0/users')).status, 200);
      assert.equal(emulator.metrics().throttled, 2);
      assert.equal(emulator.metrics().resourceUnits, 16);
    } finally {
      await emulator.stop();
    }
  });

  it('allows 5 sign-in requests per (scaled) 10 s window', async () => {
    let clockMs = 0;
    const emulator = await startMiniEmulator(
      { signIns: 10 },
      { throttling: { enabled: true, timeScale: 20 }, throttleClock: () => clockMs },
    );
    try {
      const session = await graphSession(emulator);
      const answers = [];
      for (let i = 0; i < 6; i += 1) answers.push(await session.get('/v1.0/auditLogs/signIns'));
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 200, 200, 200, 429],
      );
      assert.equal(answers[5]!.headers['retry-after'], '0.5');
      assert.equal(answers[5]!.headers['x-ms-throttle-information'], 'RequestLimitExceeded');
      // The window is 10 s / 20 = 500 ms: still full a millisecond before it ends (a refused request is not counted), free at its end.
      clockMs = 499;
      assert.equal((await session.get('/v1.0/auditLogs/signIns')).status, 429);
      clockMs = 500;
      assert.equal((await session.get('/v1.0/auditLogs/signIns')).status, 200);
      assert.equal(emulator.env.AZURE_GRAPH_TIME_SCALE, '20');
    } finally {
      await emulator.stop();
    }
  });

  it('computes a floor per stream from the model (reports budget dominates sign-ins)', async () => {
    const emulator = await startMiniEmulator({ signIns: 20_000 }, { throttling: { enabled: true, timeScale: 10 }, latencyMs: 5 });
    try {
      const floor = emulator.metrics().floorMs;
      // 20 pages of 1000; 5 per 1 s window after the first 5: (20 - 5) / 5 * 1000 ms.
      assert.equal(floor.sign_ins, 3000);
      // users: 1 page (30 users) x 5 ms.
      assert.equal(floor.users, 5);
      assert.ok(floor.app_role_assignments! >= 10 && floor.service_principals! >= 10);
    } finally {
      await emulator.stop();
    }
  });

  it('does not throttle when the model is off but still reports x-ms-resource-unit', async () => {
    const emulator = await startMiniEmulator({}, { throttling: { enabled: false, ruPer10s: 1 } });
    try {
      const session = await graphSession(emulator);
      for (let i = 0; i < 5; i += 1) {
        const answer = await session.get('/v1.0/users');
        assert.equal(answer.status, 200);
        assert.equal(answer.headers['x-ms-resource-unit'], '2');
      }
    } finally {
      await emulator.stop();
    }
  });
});
