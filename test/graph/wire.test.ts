// What goes on the wire, checked with a scripted HTTPS server: nextLinks sent byte for byte, ConsistencyLevel on every page, an HTTP-date Retry-After honoured on the same link.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { settleConfig } from '../../source-azure-client-credentials/config.js';
import { createGraphClient } from '../../source-azure-client-credentials/graph/client.js';
import { fixture } from '../emulator/state.js';
import { captureLog, collect, FAST_RETRY } from '../support/graph-helpers.js';

const TENANT = '7c1f0e2a-0000-4000-8000-00000000c0de';
const CLIENT = '4a5b6c7d-0000-4000-8000-00000000a11c';
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const TOKEN = `${b64({ alg: 'none' })}.${b64({ roles: ['User.Read.All'], tid: TENANT })}.c2ln`;

interface Seen {
  url: string;
  consistency?: string;
  authorization?: string;
  at: number;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let throttledOnce = false;
let retryAfterDate = '';

before(async () => {
  server = createServer({ key: readFileSync(fixture('server-key.pem')), cert: readFileSync(fixture('server-cert.pem')) }, (req, res) => {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const url = req.url ?? '/';
    if (url.startsWith(`/${TENANT}/v2.0/.well-known/openid-configuration`)) {
      const t = `${base}/${TENANT}`;
      return json(200, {
        token_endpoint: `${t}/oauth2/v2.0/token`,
        authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${t}/oauth2/v2.0/logout`,
        issuer: `${t}/v2.0`,
        jwks_uri: `${t}/discovery/v2.0/keys`,
        response_modes_supported: ['query'],
      });
    }
    if (url.startsWith(`/${TENANT}/oauth2/v2.0/token`)) {
      req.resume();
      return req.on('end', () => json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: TOKEN }));
    }
    seen.push({
      url,
      consistency: req.headers.consistencylevel as string | undefined,
      authorization: req.headers.authorization,
      at: Date.now(),
    });
    // A redirect to another origin (localhost is not 127.0.0.1): the token must not follow it.
    if (url.startsWith('/v1.0/redirected')) {
      res.writeHead(302, { location: `https://localhost:${(server.address() as AddressInfo).port}/v1.0/elsewhere` });
      return res.end();
    }
    if (url.includes('$skiptoken=')) {
      if (!throttledOnce) {
        throttledOnce = true;
        retryAfterDate = new Date(Date.now() + 2_000).toUTCString();
        return json(429, { error: { code: 'TooManyRequests', message: 'Please retry again later.' } }, { 'retry-after': retryAfterDate });
      }
      return json(200, { value: [{ id: 'b' }] });
    }
    return json(200, { value: [{ id: 'a' }], '@odata.nextLink': `${base}${NEXT_PATH}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

// Odd but legal: parentheses, percent-encoded quotes, + and =, a $-option after the token. (A raw ' would be sent
// as %27: WHATWG URL parsing, which got and fetch both use, encodes it in a query; Graph's links come encoded.)
const NEXT_PATH = '/v1.0/users?$filter=startswith(displayName,%27a%27)&$count=true&$skiptoken=X%2BY%3D%3D~_.-!*&$select=id';

test('a nextLink is requested byte for byte; ConsistencyLevel goes with every page; an HTTP-date Retry-After is honoured on the same link', async () => {
  const env = { AZURE_AUTHORITY_HOST: base, AZURE_GRAPH_ENDPOINT: base, NODE_EXTRA_CA_CERTS: fixture('ca.pem') };
  const config = settleConfig(
    {
      tenant_id: TENANT,
      client_id: CLIENT,
      credentials: { auth_type: 'client_secret', client_secret: 'Qx18Q~synthetic-test-secret-value-000000000' },
    },
    env,
  );
  const graph = createGraphClient(config, { log: captureLog([]), env, retry: FAST_RETRY });
  try {
    const pages = await collect(
      graph.pages<{ id: string }>('/users', {
        query: { $filter: "startswith(displayName,'a')", $count: true },
        headers: { ConsistencyLevel: 'eventual' },
      }),
    );
    assert.deepEqual(
      pages.flatMap((p) => p.value.map((u) => u.id)),
      ['a', 'b'],
    );
    assert.equal(seen.length, 3);
    assert.equal(seen[0]!.url, '/v1.0/users?$filter=startswith(displayName,%27a%27)&$count=true');
    assert.equal(seen[1]!.url, NEXT_PATH);
    assert.equal(seen[2]!.url, NEXT_PATH, 'the retry repeats the last good link');
    assert.deepEqual(
      seen.map((s) => s.consistency),
      ['eventual', 'eventual', 'eventual'],
    );
    assert.ok(seen.every((s) => s.authorization === `Bearer ${TOKEN}`));
    // The date has whole seconds: the retry must not come before it.
    assert.ok(
      seen[2]!.at >= Date.parse(retryAfterDate),
      `retried at ${new Date(seen[2]!.at).toISOString()}, Retry-After ${retryAfterDate}`,
    );
    assert.deepEqual(await graph.grantedRoles(), ['User.Read.All']);
  } finally {
    graph.close();
  }
});

test('a redirect is never followed, so the token cannot be carried to the host it names', async () => {
  const env = { AZURE_AUTHORITY_HOST: base, AZURE_GRAPH_ENDPOINT: base, NODE_EXTRA_CA_CERTS: fixture('ca.pem') };
  const config = settleConfig(
    {
      tenant_id: TENANT,
      client_id: CLIENT,
      credentials: { auth_type: 'client_secret', client_secret: 'Qx18Q~synthetic-test-secret-value-000000000' },
    },
    env,
  );
  const graph = createGraphClient(config, { log: captureLog([]), env, retry: FAST_RETRY });
  try {
    await assert.rejects(graph.get('/redirected'));
    assert.ok(seen.some((s) => s.url === '/v1.0/redirected'));
    assert.ok(!seen.some((s) => s.url.startsWith('/v1.0/elsewhere')), 'the redirect was followed');
  } finally {
    graph.close();
  }
});
