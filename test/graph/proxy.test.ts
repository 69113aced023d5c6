// The connector behind a real HTTP CONNECT proxy (HTTPS_PROXY / NO_PROXY): every request tunnelled, check and read exact, refusals explained, proxy credentials never printed.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { type RunResult, runConnector } from '../support/connector.js';
import { assertExactRecords, fullCatalog, STREAMS, streamOutcome, truthOfRun } from '../support/ground-truth.js';
import { assertNoLeaks, assertRunLeaksNothing, forbiddenStrings } from '../support/leaks.js';
import { proxyEnv, startProxy, startRefusingProxy, type TestProxy } from '../support/proxy.js';

let em: Emulator;
let emulatorHost: string;
before(async () => {
  em = await startEmulator({
    seed: 23,
    sizes: { users: 40, servicePrincipals: 10, groups: 3, bigGroupSizes: [], assignments: 30, signIns: 60 },
    throttling: { enabled: false, timeScale: 100 },
  });
  emulatorHost = new URL(em.url).host;
});
after(() => em.stop());
beforeEach(() => em.resetMetrics());

const run = (args: string[], proxyUrl: string | undefined, noProxy = '', extra: { catalog?: unknown } = {}) =>
  runConnector(args, { config: em.config(), env: { ...em.env, ...proxyEnv(proxyUrl, noProxy) }, timeoutMs: 90_000, ...extra });

/** Every request the emulator received came on one of the proxy's upstream sockets; the proxy only tunnelled to the emulator. */
function assertAllThroughProxy(proxy: TestProxy, label: string): void {
  const metrics = em.metrics();
  const ports = Object.keys(metrics.remotePorts);
  assert.ok(ports.length > 0, `${label}: the emulator saw no request`);
  const direct = ports.filter((port) => !proxy.upstreamPorts.has(Number(port)));
  assert.deepEqual(
    direct,
    [],
    `${label}: requests from ports that are not the proxy's upstream sockets (${[...proxy.upstreamPorts].join(', ')})`,
  );
  assert.ok(proxy.connects.length > 0, `${label}: the proxy saw no CONNECT`);
  assert.deepEqual([...new Set(proxy.connects.map((c) => c.target))], [emulatorHost], `${label}: CONNECT targets`);
}

describe('through a proxy', () => {
  test('check SUCCEEDS and a read of all four streams equals the truth; token, OIDC metadata, Graph and $batch all went through the proxy', async () => {
    const proxy = await startProxy();
    try {
      const checked = await run(['check'], proxy.url);
      assert.deepEqual(checked.connectionStatus(), { status: 'SUCCEEDED' }, checked.stderr.slice(-500));
      assertAllThroughProxy(proxy, 'check');
      assert.ok(
        checked.logs('INFO').includes(`Connecting to ${emulatorHost} through the proxy http://127.0.0.1:${proxy.port} (HTTPS_PROXY).`),
        checked.logs('INFO').join('\n'),
      );

      em.resetMetrics();
      const read = await run(['read'], proxy.url, '', { catalog: fullCatalog() });
      assert.equal(read.code, 0, JSON.stringify(read.errors()));
      for (const stream of STREAMS) {
        assert.deepEqual(streamOutcome(read, stream), { kind: 'complete' }, stream);
        assertExactRecords(stream, read.records(stream), truthOfRun(em, stream, read.messages), 'through the proxy: ');
      }
      const requests = em.metrics().requests;
      for (const label of ['POST /{tenant}/oauth2/v2.0/token', 'GET /users', 'GET /auditLogs/signIns', 'POST /$batch']) {
        assert.ok(requests[label]! > 0, `no ${label} in ${JSON.stringify(requests)}`);
      }
      assertAllThroughProxy(proxy, 'read');
      assertRunLeaksNothing(read, em, 'read through the proxy');
    } finally {
      await proxy.close();
    }
  });

  test('NO_PROXY covering the emulator host: the connector connects directly and the proxy sees nothing', async () => {
    const proxy = await startProxy();
    try {
      const checked = await run(['check'], proxy.url, 'localhost,127.0.0.1');
      assert.deepEqual(checked.connectionStatus(), { status: 'SUCCEEDED' });
      assert.deepEqual(proxy.connects, []);
      assert.ok(em.metrics().totalRequests > 0);
      assert.ok(checked.logs('INFO').includes(`Connecting directly to ${emulatorHost} (NO_PROXY).`), checked.logs('INFO').join('\n'));
    } finally {
      await proxy.close();
    }
  });
});

describe('a proxy that refuses', () => {
  /** check FAILED and every stream of a read failed, each with a message that names the proxy and says what to do. */
  async function assertRefusal(
    proxyUrl: string,
    display: string,
    failureType: string,
    pattern: RegExp,
    forbidden: string[] = [],
  ): Promise<RunResult[]> {
    const checked = await run(['check'], proxyUrl);
    assert.equal(checked.code, 0);
    const status = checked.connectionStatus();
    assert.equal(status?.status, 'FAILED');
    const names = new RegExp(`proxy ${display.replace(/[.:/]/g, '\\$&')}\\b`);
    assert.match(status!.message!, names);
    assert.match(status!.message!, pattern);
    assert.match(status!.message!, /goes through this proxy, named by HTTPS_PROXY, and failed there before reaching Microsoft/);

    const read = await run(['read'], proxyUrl, '', { catalog: fullCatalog() });
    assert.equal(read.code, 1);
    for (const stream of STREAMS) {
      const outcome = streamOutcome(read, stream);
      assert.equal(outcome.kind, 'failed', stream);
      if (outcome.kind !== 'failed') continue;
      assert.equal(outcome.failureType, failureType, `${stream}: ${outcome.message}`);
      assert.match(outcome.message, names);
      assert.match(outcome.message, pattern);
    }
    for (const [label, result] of [
      ['check', checked],
      ['read', read],
    ] as const)
      assertNoLeaks(result, forbiddenStrings(em, forbidden), label);
    assert.equal(em.metrics().totalRequests, 0, 'a request reached the emulator past a refusing proxy');
    return [checked, read];
  }

  test('CONNECT answered 403: transient_error naming the proxy, NO_PROXY and the allowed hosts', async () => {
    const proxy = await startRefusingProxy(403);
    try {
      await assertRefusal(proxy.url, proxy.url, 'transient_error', /answered CONNECT with 403.*HTTPS_PROXY and NO_PROXY.*allowedHosts/);
      // Not retried: one CONNECT for check, one per stream for read.
      assert.equal(proxy.connects.length, 1 + STREAMS.length);
    } finally {
      await proxy.close();
    }
  });

  test('CONNECT answered 407 (wrong proxy password): config_error naming the proxy; the password never printed', async () => {
    const proxy = await startProxy({ credentials: { user: 'svc-airbyte', password: 'Right-Proxy-Pa55word' } });
    const wrong = 'Wr0ng-Proxy-Pa55word';
    const url = proxy.url.replace('Right-Proxy-Pa55word', wrong);
    try {
      await assertRefusal(url, `http://127.0.0.1:${proxy.port}`, 'config_error', /407 Proxy Authentication Required/, [
        wrong,
        Buffer.from(`svc-airbyte:${wrong}`).toString('base64'),
        url,
      ]);
    } finally {
      await proxy.close();
    }
  });
});

describe('proxy credentials', () => {
  test('user:password in HTTPS_PROXY is sent as Proxy-Authorization on every CONNECT and never printed', async () => {
    const credentials = { user: 'svc-airbyte', password: 'Pr0xy:P@ss/w0rd%-Secret' };
    const proxy = await startProxy({ credentials });
    const basic = Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64');
    try {
      const checked = await run(['check', '--debug'], proxy.url);
      assert.deepEqual(checked.connectionStatus(), { status: 'SUCCEEDED' });
      em.resetMetrics();
      const read = await run(['read', '--debug'], proxy.url, '', { catalog: fullCatalog() });
      assert.equal(read.code, 0, JSON.stringify(read.errors()));
      assert.ok(read.logs('DEBUG').length > 10, 'DEBUG logging was not on: the test would prove little');
      assertAllThroughProxy(proxy, 'read with credentials');
      assert.ok(
        proxy.connects.every((c) => c.authorization === `Basic ${basic}`),
        JSON.stringify(proxy.connects.map((c) => c.authorization !== undefined)),
      );
      const forbidden = forbiddenStrings(em, [credentials.password, basic, proxy.url]);
      for (const [label, result] of [
        ['check', checked],
        ['read', read],
      ] as const) {
        assertNoLeaks(result, forbidden, label);
        assert.ok(!result.stdout.includes(`${credentials.user}:`), `${label}: the proxy's user info appeared`);
      }
    } finally {
      await proxy.close();
    }
  });
});
