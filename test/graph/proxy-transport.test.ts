// The Graph client behind proxies, in process: routes from HTTPS_PROXY / NO_PROXY, every request (msal's too) through the tunnel, and each way a proxy can fail, classified and retried as the policy table says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import tls, { rootCertificates } from 'node:tls';
import got from 'got';
import { HttpsProxyAgent } from 'hpagent';
import { settleConfig } from '../../source-azure-client-credentials/config.js';
import { ConnectorError } from '../../source-azure-client-credentials/errors.js';
import { createGraphClient, type GraphClientDeps } from '../../source-azure-client-credentials/graph/client.js';
import { GraphRequestError } from '../../source-azure-client-credentials/graph/errors.js';
import { Agents, httpProxyOnlyWarning } from '../../source-azure-client-credentials/graph/proxy.js';
import { redact } from '../../source-azure-client-credentials/secrets.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { fixture } from '../emulator/state.js';
import { captureLog, collect, FAST_RETRY } from '../support/graph-helpers.js';
import { proxyEnv, startProxy, startRefusingProxy, type TestProxy } from '../support/proxy.js';

let em: Emulator;
let emulatorHost: string;
before(async () => {
  em = await startEmulator({
    seed: 5,
    sizes: { users: 30, servicePrincipals: 6, groups: 2, bigGroupSizes: [], assignments: 20, signIns: 10 },
  });
  emulatorHost = new URL(em.url).host;
});
after(() => em.stop());

/** The policy's attempts for a login-host request (createGraphClient caps them at 4) and for a Graph request. */
const LOGIN_ATTEMPTS = Math.min(FAST_RETRY.maxAttempts, 4);
const GRAPH_ATTEMPTS = FAST_RETRY.maxAttempts;

function client(env: Record<string, string>, lines: string[] = [], deps: Partial<GraphClientDeps> = {}) {
  return createGraphClient(settleConfig(em.config(), { ...em.env, ...env }), {
    log: captureLog(lines),
    env: { ...em.env, ...env },
    retry: FAST_RETRY,
    ...deps,
  });
}

/** The emulator's remote ports that did not come from one of the proxy's upstream sockets. */
function directPorts(proxy: TestProxy): string[] {
  return Object.keys(em.metrics().remotePorts).filter((port) => !proxy.upstreamPorts.has(Number(port)));
}

async function failure(promise: Promise<unknown>): Promise<GraphRequestError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GraphRequestError, `not a classified error: ${String(error)}`);
    return error;
  }
  assert.fail('the request succeeded');
}

describe('routes', () => {
  test('every request (token, Graph pages, $batch) goes through the proxy; msal never uses its own fetch client', async () => {
    const proxy = await startProxy();
    const lines: string[] = [];
    const originalFetch = globalThis.fetch;
    const fetched: string[] = [];
    // msal-node's default network client is fetch-based; with our LoginNetwork it must never be called.
    globalThis.fetch = (async (input: unknown) => {
      fetched.push(String(input));
      throw new Error('fetch must not be used');
    }) as typeof fetch;
    em.resetMetrics();
    const graph = client(proxyEnv(proxy.url), lines);
    try {
      const users = await collect(graph.list<{ id: string }>('/users', { query: { $select: 'id', $top: 7 } }));
      assert.equal(users.length, em.tenant.users.length);
      const pages = await collect(
        graph.batchPages<unknown>(
          em.tenant.servicePrincipals
            .slice(0, 3)
            .map((sp) => ({ key: String(sp.id), path: `/servicePrincipals/${sp.id}/appRoleAssignedTo?$select=id` })),
        ),
      );
      assert.ok(pages.length >= 3);
    } finally {
      graph.close();
      globalThis.fetch = originalFetch;
      await proxy.close();
    }
    const metrics = em.metrics();
    for (const label of ['POST /{tenant}/oauth2/v2.0/token', 'GET /users', 'POST /$batch']) {
      assert.ok(metrics.requests[label]! > 0, `no ${label} request: ${JSON.stringify(metrics.requests)}`);
    }
    // msal is given the authority's endpoints (token.ts authorityMetadata): it never reads the OpenID metadata.
    assert.equal(metrics.requests['GET /{tenant}/v2.0/.well-known/openid-configuration'], undefined, JSON.stringify(metrics.requests));
    assert.deepEqual(fetched, [], 'msal used its own fetch client');
    assert.deepEqual(directPorts(proxy), [], `requests that bypassed the proxy; upstream ports ${[...proxy.upstreamPorts]}`);
    assert.ok(proxy.connects.length >= 1 && proxy.connects.every((c) => c.target === emulatorHost), JSON.stringify(proxy.connects));
    // Keep-alive through the tunnel: far fewer CONNECTs than requests.
    assert.ok(proxy.connects.length < metrics.totalRequests, `${proxy.connects.length} CONNECTs for ${metrics.totalRequests} requests`);
    assert.ok(
      lines.some((l) => l === `INFO Connecting to ${emulatorHost} through the proxy http://127.0.0.1:${proxy.port} (HTTPS_PROXY).`),
      lines.join('\n'),
    );
  });

  for (const [what, noProxy] of [
    ['the host', '127.0.0.1'],
    ['host:port', () => emulatorHost],
    ['a wildcard', '*'],
    ['one entry of a list', () => `example.com, ${emulatorHost},.corp.example`],
  ] as const) {
    test(`NO_PROXY naming ${what} makes the client connect directly`, async () => {
      const proxy = await startProxy();
      const lines: string[] = [];
      em.resetMetrics();
      const graph = client(proxyEnv(proxy.url, typeof noProxy === 'function' ? noProxy() : noProxy), lines);
      try {
        await graph.get('/organization');
      } finally {
        graph.close();
        await proxy.close();
      }
      assert.deepEqual(proxy.connects, []);
      // The token and the Graph request both reached the emulator, with no proxy in between.
      const { requests } = em.metrics();
      assert.ok(requests['POST /{tenant}/oauth2/v2.0/token']! > 0 && requests['GET /organization']! > 0, JSON.stringify(requests));
      assert.ok(lines.includes(`INFO Connecting directly to ${emulatorHost} (NO_PROXY).`), lines.join('\n'));
    });
  }

  test('NO_PROXY with another port does not exempt the host', async () => {
    const proxy = await startProxy();
    const graph = client(proxyEnv(proxy.url, '127.0.0.1:1'));
    try {
      await graph.get('/organization');
    } finally {
      graph.close();
      await proxy.close();
    }
    assert.ok(proxy.connects.length >= 1);
  });

  test('route choice per host: HTTPS_PROXY, ALL_PROXY, lower case first, NO_PROXY suffixes; HTTP_PROXY alone is for http:// only', () => {
    const route = (env: Record<string, string>, target: string) => {
      const agents = new Agents({ env, connectTimeoutMs: 1000, maxSockets: 1 });
      try {
        return agents.route(target).proxy;
      } finally {
        agents.destroy();
      }
    };
    const login = 'https://login.microsoftonline.com';
    const graphRoot = 'https://graph.microsoft.com';
    assert.deepEqual(route({ HTTPS_PROXY: 'http://proxy.corp:3128' }, login), {
      display: 'http://proxy.corp:3128',
      variable: 'HTTPS_PROXY',
    });
    assert.deepEqual(route({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, login), {
      display: 'http://lower:1',
      variable: 'https_proxy',
    });
    assert.deepEqual(route({ ALL_PROXY: 'http://all:8080' }, graphRoot), { display: 'http://all:8080', variable: 'ALL_PROXY' });
    // Without a scheme a proxy is http:// (curl's rule), not the target's https.
    assert.deepEqual(route({ HTTPS_PROXY: 'proxy.corp:3128' }, login), { display: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY' });
    assert.deepEqual(route({ HTTPS_PROXY: 'https://user:pw@secure.corp' }, login), {
      display: 'https://secure.corp:443',
      variable: 'HTTPS_PROXY',
    });
    assert.equal(route({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '.microsoft.com' }, graphRoot), undefined);
    assert.deepEqual(route({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '.microsoft.com' }, login), {
      display: 'http://p:1',
      variable: 'HTTPS_PROXY',
    });
    assert.equal(route({ HTTPS_PROXY: 'http://p:1', no_proxy: 'graph.microsoft.com:443', NO_PROXY: 'other' }, graphRoot), undefined);
    assert.equal(route({ HTTP_PROXY: 'http://p:1' }, graphRoot), undefined);
    assert.match(httpProxyOnlyWarning({ HTTP_PROXY: 'http://p:1' }) ?? '', /HTTP_PROXY is set but HTTPS_PROXY is not/);
    assert.equal(httpProxyOnlyWarning({ HTTP_PROXY: 'http://p:1', HTTPS_PROXY: 'http://p:1' }), undefined);
  });

  test('an unusable proxy variable is a config_error at construction that never repeats its value', () => {
    for (const [value, pattern] of [
      ['http://us er:s3cr3t-Pa55@[bad', /HTTPS_PROXY is not a valid proxy URL/],
      ['socks5://user:s3cr3t-Pa55@proxy:1080', /socks5 proxy; the connector supports http:\/\/ and https:\/\/ proxies/],
    ] as const) {
      assert.throws(
        () => client(proxyEnv(value)),
        (error: unknown) => {
          assert.ok(error instanceof ConnectorError);
          assert.equal(error.failureType, 'config_error');
          assert.match(error.message, pattern);
          assert.ok(!error.message.includes('s3cr3t'), error.message);
          return true;
        },
      );
    }
  });

  test('proxy credentials are registered as secrets in every form hpagent or a log could carry them', () => {
    const agents = new Agents({
      env: { HTTPS_PROXY: 'http://svc-airbyte:P%40ss%3Aw0rd-Proxy@proxy.corp:3128' },
      connectTimeoutMs: 1000,
      maxSockets: 1,
    });
    agents.destroy();
    const basic = Buffer.from('svc-airbyte:P@ss:w0rd-Proxy').toString('base64');
    const text = `P@ss:w0rd-Proxy | P%40ss%3Aw0rd-Proxy | Basic ${basic} | http://svc-airbyte:P%40ss%3Aw0rd-Proxy@proxy.corp:3128`;
    const redacted = redact(text);
    for (const leak of ['P@ss:w0rd-Proxy', 'P%40ss%3Aw0rd-Proxy', basic]) assert.ok(!redacted.includes(leak), redacted);
  });
});

describe('an https:// proxy', () => {
  test('works when its certificate is trusted (NODE_EXTRA_CA_CERTS)', async () => {
    const proxy = await startProxy({ tls: { key: 'server-key.pem', cert: 'server-cert.pem' }, host: 'localhost' });
    em.resetMetrics();
    const graph = client(proxyEnv(proxy.url));
    try {
      await graph.get('/organization');
    } finally {
      graph.close();
      await proxy.close();
    }
    assert.ok(proxy.connects.length >= 1);
    assert.deepEqual(directPorts(proxy), []);
  });

  test('an untrusted certificate of the proxy is a config_error naming the proxy and NODE_EXTRA_CA_CERTS', async () => {
    const proxy = await startProxy({ tls: { key: 'other-key.pem', cert: 'other-cert.pem' }, host: 'localhost' });
    const graph = client(proxyEnv(proxy.url));
    try {
      const error = await failure(graph.get('/organization'));
      assert.equal(error.row, 'proxy-tls');
      assert.equal(error.failureType, 'config_error');
      assert.match(error.message, new RegExp(`The TLS certificate of the proxy https://localhost:${proxy.port} could not be verified`));
      assert.match(error.message, /NODE_EXTRA_CA_CERTS/);
    } finally {
      graph.close();
      await proxy.close();
    }
  });
});

describe('a proxy that fails: classified by the policy table, retried only where the table says so', () => {
  /**
   * Login host direct (127.0.0.1), Graph through the proxy (localhost, the same emulator): so each case can
   * be seen on the login host (all requests through the proxy) and on Graph (only Graph through it).
   */
  const graphOnly = (proxyUrl: string) => ({
    ...proxyEnv(proxyUrl, '127.0.0.1'),
    AZURE_GRAPH_ENDPOINT: em.url.replace('127.0.0.1', 'localhost'),
  });

  interface Case {
    name: string;
    start(): Promise<TestProxy>;
    row: string;
    failureType: 'transient_error' | 'config_error';
    retried: boolean;
    mentions: RegExp;
  }
  const cases: Case[] = [
    {
      name: 'CONNECT answered 403 (not on the allow-list)',
      start: () => startRefusingProxy(403),
      row: 'proxy-connect-refused',
      failureType: 'transient_error',
      retried: false,
      mentions: /answered CONNECT with 403/,
    },
    {
      name: 'CONNECT answered 407 (credentials needed)',
      start: async () => {
        const proxy = await startProxy({ credentials: { user: 'u', password: 'right-password' } });
        return { ...proxy, url: proxy.url.replace('right-password', 'wrong-password') };
      },
      row: 'proxy-407-credentials',
      failureType: 'config_error',
      retried: false,
      mentions: /407 Proxy Authentication Required/,
    },
    {
      name: 'CONNECT answered 502 (the proxy cannot reach the host)',
      start: () => startRefusingProxy(502),
      row: 'proxy-connect-5xx',
      failureType: 'transient_error',
      retried: true,
      mentions: /answered CONNECT with 502/,
    },
    {
      name: 'the proxy closes the connection',
      start: () => startRefusingProxy('close'),
      row: 'proxy-cut-retryable',
      failureType: 'transient_error',
      retried: true,
      mentions: /closed or did not answer .*\(ECONNRESET\)/,
    },
    {
      name: 'the proxy never answers CONNECT',
      start: () => startRefusingProxy('silent'),
      row: 'proxy-cut-retryable',
      failureType: 'transient_error',
      retried: true,
      mentions: /\(ETIMEDOUT\)/,
    },
  ];

  for (const c of cases) {
    for (const where of ['login', 'graph'] as const) {
      test(`${c.name}, on the ${where === 'login' ? 'login host' : 'Graph host'}: ${c.row}, ${c.failureType}${c.retried ? ', retried' : ', not retried'}`, async () => {
        const proxy = await c.start();
        const env = where === 'login' ? proxyEnv(proxy.url) : graphOnly(proxy.url);
        const graph = client(env, [], { timeouts: { connect: 300 } });
        try {
          const error = await failure(graph.get('/organization'));
          assert.equal(error.row, c.row, error.message);
          assert.equal(error.failureType, c.failureType);
          assert.match(error.message, c.mentions);
          assert.match(error.message, new RegExp(`proxy http://127\\.0\\.0\\.1:${proxy.port}\\b`));
          assert.match(error.message, /goes through this proxy, named by HTTPS_PROXY, and failed there before reaching Microsoft/);
          const target = where === 'login' ? emulatorHost : emulatorHost.replace('127.0.0.1', 'localhost');
          assert.match(error.message, new RegExp(`Microsoft \\(${target.replace(/\./g, '\\.')}\\)`));
          if (c.failureType === 'transient_error') assert.match(error.message, /NO_PROXY.*allowedHosts/);
          assert.ok(!/(right|wrong)-password/.test(error.message), error.message);
          const attempts = c.retried ? (where === 'login' ? LOGIN_ATTEMPTS : GRAPH_ATTEMPTS) : 1;
          assert.equal(proxy.connects.length, attempts, `CONNECTs: ${JSON.stringify(proxy.connects)}`);
        } finally {
          graph.close();
          await proxy.close();
        }
      });
    }
  }

  test('a proxy address where nothing listens: proxy-unreachable, not retried', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const lines: string[] = [];
    const graph = client(proxyEnv(`http://127.0.0.1:${port}`), lines);
    try {
      const error = await failure(graph.get('/organization'));
      assert.equal(error.row, 'proxy-unreachable');
      assert.equal(error.failureType, 'transient_error');
      assert.match(error.message, new RegExp(`Could not connect to the proxy http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
    } finally {
      graph.close();
    }
    assert.ok(!lines.some((l) => /retry/.test(l)), lines.join('\n'));
  });
});

test("hpagent's failure texts that proxy.ts reads are still the ones it reports", async () => {
  // proxy.ts turns these two code-less errors into statuses and ETIMEDOUT: if hpagent changes them, this fails.
  const secureContext = tls.createSecureContext({ ca: [...rootCertificates, readFileSync(fixture('ca.pem'), 'utf8')] });
  for (const [behaviour, text] of [
    [403, 'Bad response: 403'],
    ['silent', 'Proxy timeout'],
  ] as const) {
    const proxy = await startRefusingProxy(behaviour);
    const agent = new HttpsProxyAgent({ proxy: proxy.url, secureContext, timeout: 200 });
    try {
      await assert.rejects(got(em.url, { agent: { https: agent }, retry: { limit: 0 } }), (error: Error) => {
        assert.equal((error.cause as Error).message, text);
        assert.equal((error.cause as { code?: string }).code, undefined);
        return true;
      });
    } finally {
      agent.destroy();
      await proxy.close();
    }
  }
});
