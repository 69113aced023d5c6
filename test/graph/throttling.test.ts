// Pacing against the emulator's throttling model (time-scaled): the reports and identity budgets keep a sync free of 429s; when Graph throttles anyway, Retry-After brings it through.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { collect, setup } from '../support/graph-helpers.js';

const SCALE = 20; // a 10 s window lasts 500 ms

describe('pacing within Graph throttling budgets', () => {
  test('sign-in pages stay within 5 requests per window: no 429', async () => {
    const s = await setup({ throttling: { enabled: true, timeScale: SCALE, reportsPer10s: 5 }, sizes: { signIns: 40 } });
    try {
      const started = Date.now();
      const pages = await collect(s.graph.pages('/auditLogs/signIns', { query: { $top: 2 }, bucket: 'reports' }));
      const elapsed = Date.now() - started;
      assert.ok(pages.length >= 15, `${pages.length} pages`);
      assert.equal(s.emulator.metrics().throttled, 0);
      assert.equal(s.graph.stats().throttled, 0);
      // n requests at 5 per 500 ms cannot take less than (n/5 - 1) windows.
      assert.ok(elapsed >= (Math.ceil(pages.length / 5) - 1) * (10_000 / SCALE), `${pages.length} pages in ${elapsed} ms`);
      assert.ok(s.graph.stats().waitMs > 0);
    } finally {
      await s.close();
    }
  });

  test('without matching windows the same read is throttled, and Retry-After still brings it through', async () => {
    // 1-second windows here: the unpaced client must send six requests within one window to be throttled, which a
    // loaded machine does with room to spare (a request would have to take over 160 ms to miss it).
    const s = await setup({ throttling: { enabled: true, timeScale: 10, reportsPer10s: 5 }, sizes: { signIns: 40 } });
    try {
      // The client believes windows are 1000x shorter than 10 s: it does not pace at all.
      const graph = s.client({}, { env: { ...s.emulator.env, AZURE_GRAPH_TIME_SCALE: '1000' } });
      const pages = await collect(graph.pages('/auditLogs/signIns', { query: { $top: 2 }, bucket: 'reports' }));
      assert.ok(pages.length >= 15);
      assert.ok(s.emulator.metrics().throttled > 0, 'the control run is throttled');
      assert.equal(graph.stats().throttled, s.emulator.metrics().throttled);
    } finally {
      await s.close();
    }
  });

  test('identity requests stay within the RU budget: no 429', async () => {
    const s = await setup({ throttling: { enabled: true, timeScale: SCALE, ruPer10s: 40 } }, {}, { identityRuPer10s: 40 });
    try {
      const pages = await collect(s.graph.pages<{ id: string }>('/users', { query: { $top: 1, $select: 'id' } }));
      assert.equal(pages.length, s.emulator.tenant.users.length);
      assert.equal(s.emulator.metrics().throttled, 0);
      assert.ok(s.emulator.metrics().resourceUnits > 40, 'more than one window of RU was spent');
    } finally {
      await s.close();
    }
  });

  test('batched fan-out is paced by the sum of its items: no 429', async () => {
    const s = await setup({ throttling: { enabled: true, timeScale: SCALE, ruPer10s: 30 } }, {}, { identityRuPer10s: 30 });
    try {
      const ids = s.emulator.tenant.servicePrincipals.map((sp) => sp.id);
      const pages = await collect(
        s.graph.batchPages(ids.map((id) => ({ key: id, path: `/servicePrincipals/${id}/appRoleAssignedTo?$top=2` }))),
      );
      assert.equal(new Set(pages.filter((p) => p.last).map((p) => p.key)).size, ids.length);
      assert.equal(s.emulator.metrics().throttled, 0);
    } finally {
      await s.close();
    }
  });
});
