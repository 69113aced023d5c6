// The Graph client against the emulator: paging, resume from a link, each retry path with counted requests, no retry of other 4xx, the nextLink loop guard.
import assert from 'node:assert/strict';
import diagnostics_channel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GraphRequestError } from '../../source-azure-client-credentials/graph/errors.js';
import type { GraphPage } from '../../source-azure-client-credentials/graph/types.js';
import { collect, rejection, type Setup, setup } from '../support/graph-helpers.js';

describe('Graph client against the emulator', () => {
  let s: Setup;
  before(async () => {
    s = await setup();
  });
  after(async () => s.close());
  beforeEach(() => {
    s.emulator.setFaults([]);
    s.emulator.resetMetrics();
    s.graph.stats(true);
    s.rateLimited.length = 0;
  });

  const count = (label: string) => s.emulator.metrics().requests[label] ?? 0;

  test('pages through a collection following nextLink, one request per page', async () => {
    const pages = await collect(s.graph.pages<{ id: string }>('/users', { query: { $top: 7, $select: 'id' } }));
    const ids = pages.flatMap((p) => p.value.map((u) => u.id));
    assert.deepEqual([...ids].sort(), s.emulator.tenant.users.map((u) => u.id).sort());
    assert.equal(pages.length, Math.ceil(s.emulator.tenant.users.length / 7));
    assert.equal(count('GET /users'), pages.length);
    assert.equal(s.graph.stats().requests, pages.length);
    assert.ok(pages.slice(0, -1).every((p) => p.nextLink) && !pages.at(-1)!.nextLink);
  });

  test('list() yields the records of every page in order', async () => {
    const ids = await collect(s.graph.list<{ id: string }>('/servicePrincipals', { query: { $top: 5, $select: 'id' } }));
    assert.equal(ids.length, s.emulator.tenant.servicePrincipals.length);
    assert.equal(new Set(ids.map((x) => x.id)).size, ids.length);
  });

  test('pages() resumes from an absolute nextLink, used verbatim', async () => {
    const iterator = s.graph.pages<{ id: string }>('/users', { query: { $top: 25, $select: 'id' } })[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as GraphPage<{ id: string }>;
    await iterator.return?.();
    assert.ok(first.nextLink?.startsWith(s.emulator.url));
    const rest = await collect(s.graph.pages<{ id: string }>(first.nextLink!));
    const ids = [...first.value, ...rest.flatMap((p) => p.value)].map((u) => u.id);
    assert.deepEqual([...ids].sort(), s.emulator.tenant.users.map((u) => u.id).sort());
  });

  test('429 with Retry-After: waits as told, then succeeds (3 requests for 2 throttles)', async () => {
    s.emulator.setFaults([{ kind: 'throttle', times: 2, path: '/organization', retryAfterSeconds: 0.3 }]);
    const started = Date.now();
    const org = await s.graph.get<{ value: { id: string }[] }>('/organization');
    assert.equal(org.value[0]!.id, s.emulator.tenant.tenantId);
    assert.ok(Date.now() - started >= 600, 'honoured two Retry-After waits of 0.3 s');
    assert.equal(count('GET /organization'), 3);
    const stats = s.graph.stats();
    assert.equal(stats.requests, 3);
    assert.equal(stats.retries, 2);
    assert.equal(stats.throttled, 2);
    assert.ok(stats.waitMs >= 600);
    assert.deepEqual(s.rateLimited, [], 'waits under a second are not reported as RATE_LIMITED');
  });

  test('a Retry-After over a second is reported through onRateLimited', async () => {
    s.emulator.setFaults([{ kind: 'throttle', times: 1, path: '/organization', retryAfterSeconds: 1.2 }]);
    const started = Date.now();
    await s.graph.get('/organization');
    assert.equal(s.rateLimited.length >= 1, true);
    assert.ok(s.rateLimited[0]! >= started + 1_100 && s.rateLimited[0]! <= Date.now() + 50);
    assert.equal(count('GET /organization'), 2);
  });

  for (const status of [500, 502, 503, 504] as const) {
    test(`${status} is retried with backoff (2 requests for 1 failure)`, async () => {
      s.emulator.setFaults([{ kind: 'status', status, times: 1, path: '/organization' }]);
      await s.graph.get('/organization');
      assert.equal(count('GET /organization'), 2);
      assert.equal(s.graph.stats().retries, 1);
    });
  }

  test('a connection reset is retried (the emulator never saw the reset attempts)', async () => {
    s.emulator.setFaults([{ kind: 'reset', times: 2, path: '/organization' }]);
    await s.graph.get('/organization');
    assert.equal(s.graph.stats().requests, 3);
    assert.equal(count('GET /organization'), 1);
  });

  test('a truncated JSON body is retried', async () => {
    s.emulator.setFaults([{ kind: 'truncate', times: 1, path: '/users' }]);
    const pages = await collect(s.graph.pages('/users', { query: { $top: 999, $select: 'id' } }));
    assert.equal(pages.flatMap((p) => p.value).length, s.emulator.tenant.users.length);
    assert.equal(count('GET /users'), 2);
    assert.ok(
      s.lines.some((l) => /ERR_BODY_PARSE_FAILURE/.test(l)),
      'the retry is logged at DEBUG',
    );
  });

  test('a body that stalls past the idle timeout is retried', async () => {
    const graph = s.client({}, { timeouts: { idle: 300 } });
    // A stall far longer than the idle timeout: the retry (~0.3 s plus a backoff of at most 0.1 s) finishes seconds
    // before the stalled body would, even on a loaded machine.
    s.emulator.setFaults([{ kind: 'stall', times: 1, path: '/organization', stallMs: 5_000 }]);
    const started = Date.now();
    await graph.get('/organization');
    assert.ok(Date.now() - started < 4_000, 'did not wait for the stalled body');
    assert.equal(graph.stats().requests, 2);
    assert.equal(count('GET /organization'), 2);
  });

  for (const beforeHeaders of [false, true]) {
    const where = beforeHeaders ? 'before its headers' : 'mid-body';
    test(`reports requests wait longer than identity requests for a slow answer (stall ${where})`, async () => {
      // Test-sized timeouts: identity gives up after 300 ms of silence, reports after 2 s.
      const graph = s.client({}, { timeouts: { response: 300, idle: 300, reportsResponse: 2_000 } });
      const stall = { kind: 'stall', times: 1, stallMs: 800, beforeHeaders } as const;
      s.emulator.setFaults([{ ...stall, path: '/auditLogs/signIns' }]);
      const started = Date.now();
      const page = await graph.get<{ value: unknown[] }>('/auditLogs/signIns', { query: { $top: 5 }, bucket: 'reports' });
      assert.equal(page.value.length, 5);
      assert.ok(Date.now() - started >= 800, 'the answer was waited for');
      assert.equal(count('GET /auditLogs/signIns'), 1, 'no retry');
      assert.deepEqual({ requests: graph.stats().requests, retries: graph.stats().retries }, { requests: 1, retries: 0 });
      // The same silence on an identity request is a timeout, retried.
      s.emulator.setFaults([{ ...stall, path: '/organization' }]);
      await graph.get('/organization');
      assert.equal(count('GET /organization'), 2);
      // Longer than the reports timeout: retried too (after ~2 s), long before the 5-second stall would end.
      s.emulator.setFaults([{ ...stall, stallMs: 5_000, path: '/auditLogs/signIns' }]);
      const again = Date.now();
      await graph.get('/auditLogs/signIns', { query: { $top: 5 }, bucket: 'reports' });
      assert.ok(Date.now() - again < 4_000, 'did not wait for the stall past the reports timeout');
      assert.equal(count('GET /auditLogs/signIns'), 3);
    });
  }

  test('pages() requests the next page ahead, unless readAhead says no for that page', async () => {
    const first = async (expected: number, readAhead?: () => boolean) => {
      s.emulator.resetMetrics();
      for await (const _page of s.graph.pages('/users', { query: { $top: 10, $select: 'id' }, ...(readAhead ? { readAhead } : {}) })) break;
      // A page read ahead was sent before the break, but on a loaded machine it may take a while to arrive: wait
      // for the expected count (up to 10 s), then 200 ms more for any request that should not be there at all.
      for (const deadline = Date.now() + 10_000; count('GET /users') < expected && Date.now() < deadline; )
        await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 200));
      return count('GET /users');
    };
    assert.equal(await first(2), 2, 'by default the second page was requested while the first was consumed');
    assert.equal(await first(2, () => true), 2);
    assert.equal(await first(1, () => false), 1, 'a caller that stops after a page it said no for costs no further request');
    // readAhead false still delivers every page, each requested when the caller asks for it.
    s.emulator.resetMetrics();
    const asked: number[] = [];
    const readAhead = (page: GraphPage<{ id: string }>) => {
      asked.push(page.value.length);
      return false;
    };
    const pages = await collect(s.graph.pages<{ id: string }>('/users', { query: { $top: 10, $select: 'id' }, readAhead }));
    assert.equal(pages.flatMap((p) => p.value).length, s.emulator.tenant.users.length);
    assert.equal(count('GET /users'), pages.length);
    assert.equal(asked.length, pages.length - 1, 'asked once per page with a nextLink');
  });

  test('pages() has the page ahead written out before the caller gets the current page', async () => {
    // A caller's record loop runs in promise jobs only, which hold back every nextTick and I/O callback until it ends:
    // the page ahead must be out on the wire before that loop starts, not after it.
    const started: ClientRequest[] = [];
    const written = new Set<ClientRequest>();
    const onStart = (message: unknown) => {
      const { request } = message as { request: ClientRequest };
      if (!request.path.startsWith('/v1.0/users')) return;
      started.push(request);
      request.once('finish', () => written.add(request));
    };
    diagnostics_channel.subscribe('http.client.request.start', onStart);
    try {
      let pages = 0;
      for await (const page of s.graph.pages<{ id: string }>('/users', { query: { $top: 10, $select: 'id' } })) {
        if (++pages > 3) break;
        assert.ok(page.nextLink);
        assert.equal(started.length, pages + 1, `page ${pages}: the page ahead was requested before the caller got this page`);
        assert.ok(
          started.every((request) => written.has(request)),
          `page ${pages}: and written out`,
        );
        // A record loop: promise jobs only, as a stream's mapping and emitting is.
        for (let i = 0; i < 10_000; i++) await null;
      }
    } finally {
      diagnostics_channel.unsubscribe('http.client.request.start', onStart);
    }
  });

  test('a failure that outlasts the wait budget becomes a transient_error naming the request', async () => {
    const graph = s.client({}, { retry: { baseMs: 50, backoffCapMs: 100, budgetMs: 400, maxAttempts: 50 } });
    s.emulator.setFaults([{ kind: 'status', status: 503, times: 1_000, path: '/organization' }]);
    const error = await rejection(() => graph.get('/organization'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.failureType, 'transient_error');
    assert.equal(error.row, 'http-5xx-retryable');
    assert.equal(error.status, 503);
    assert.match(error.message, /GET \/organization/);
    assert.match(error.message, /after \d+ attempts/);
    const made = graph.stats().requests;
    assert.equal(count('GET /organization'), made);
    assert.ok(made >= 3 && made < 50, `stopped by the budget after ${made} requests`);
  });

  test('a Retry-After longer than the client honours ends at once as a transient_error', async () => {
    s.emulator.setFaults([{ kind: 'throttle', times: 1, path: '/organization', retryAfterSeconds: 30 }]);
    const error = await rejection(() => s.graph.get('/organization'));
    assert.equal(error.failureType, 'transient_error');
    assert.equal(error.row, 'http-429-throttled');
    assert.equal(count('GET /organization'), 1);
  });

  test('403 is not retried and says what to grant', async () => {
    s.emulator.setPermissions(['User.Read.All']);
    try {
      const graph = s.client(); // a new token carries the reduced roles
      assert.deepEqual(await graph.grantedRoles(), ['User.Read.All']);
      const error = await rejection(() => graph.get('/servicePrincipals', { query: { $top: 1 } }));
      assert.equal(error.status, 403);
      assert.equal(error.code, 'Authorization_RequestDenied');
      assert.equal(error.failureType, 'config_error');
      assert.match(error.message, /GET \/servicePrincipals\?\$top=1/);
      assert.match(error.message, /admin consent/);
      assert.equal(graph.stats().requests, 1);
      assert.equal(graph.stats().retries, 0);
    } finally {
      s.emulator.setPermissions([
        'User.Read.All',
        'Application.Read.All',
        'GroupMember.Read.All',
        'Organization.Read.All',
        'AuditLog.Read.All',
      ]);
    }
  });

  test('404 Request_ResourceNotFound is classified as skippable, not retried', async () => {
    const error = await rejection(() => s.graph.get('/servicePrincipals/00000000-0000-4000-8000-00000000dead/appRoleAssignedTo'));
    assert.ok(error instanceof GraphRequestError);
    assert.equal(error.status, 404);
    assert.equal(error.action, 'skip');
    assert.equal(s.graph.stats().requests, 1);
  });

  test('a nextLink that repeats stops paging with a clear error', async () => {
    s.emulator.setFaults([{ kind: 'loop', path: '/users' }]);
    const seen: number[] = [];
    const error = await rejection(async () => {
      for await (const page of s.graph.pages('/users', { query: { $top: 5, $select: 'id' } })) seen.push(page.value.length);
    });
    assert.equal(error.row, 'nextlink-loop');
    assert.equal(error.failureType, 'transient_error');
    assert.match(error.message, /already returned/);
    assert.equal(count('GET /users'), 2, 'stopped at the first repeated link');
    assert.deepEqual(seen, [5]);
  });

  test('no log line carries the secret, an access token or an Authorization header', () => {
    assert.ok(s.lines.length > 20);
    const secret = s.emulator.credentials.clientSecret;
    for (const line of s.lines) {
      assert.ok(!line.includes(secret), line);
      assert.ok(!/eyJ[\w-]{10,}/.test(line), line);
      assert.ok(!/authorization:|bearer /i.test(line), line);
    }
    assert.equal(s.emulator.metrics().secretSeenByGraph, false);
    assert.ok(
      s.lines.some((l) => /^DEBUG GET \/users\?\$top=7&\$select=id&\$skiptoken=\.\.\. 200 \d+ ms RU \d/.test(l)),
      'one DEBUG line per request',
    );
  });
});
