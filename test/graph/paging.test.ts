// Pure paging pieces: query encoding, link handling (verbatim, same origin), the nextLink loop guard, log paths, token claims.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphRequestError } from '../../source-azure-client-credentials/graph/errors.js';
import { LinkGuard, toPage } from '../../source-azure-client-credentials/graph/paging.js';
import { renewalMarginMs, rolesOf } from '../../source-azure-client-credentials/graph/token.js';
import { displayRequest, encodeQuery, GraphUrls } from '../../source-azure-client-credentials/graph/urls.js';

const urls = new GraphUrls('https://graph.microsoft.com');

test('first requests: query values encoded, $ and commas kept readable', () => {
  assert.equal(urls.first('/users', { $select: 'id,mail', $top: 999 }), 'https://graph.microsoft.com/v1.0/users?$select=id,mail&$top=999');
  assert.equal(
    encodeQuery({ $filter: "createdDateTime ge 2026-11-01T00:00:00Z and userType eq 'Guest'" }),
    "?$filter=createdDateTime%20ge%202026-11-01T00:00:00Z%20and%20userType%20eq%20'Guest'",
  );
  assert.equal(encodeQuery({}), '');
});

test('absolute links are used verbatim and must be on the Graph root', () => {
  const link = 'https://graph.microsoft.com/v1.0/auditLogs/signins?$top=1000&$skiptoken=a%2Bb%3D%3D&$filter=x';
  assert.equal(urls.resolve(link, { ignored: 1 }), link);
  assert.equal(urls.relative(link), '/auditLogs/signins?$top=1000&$skiptoken=a%2Bb%3D%3D&$filter=x');
  for (const bad of ['https://evil.example/v1.0/users', 'https://graph.microsoft.com.evil.example/v1.0/users']) {
    assert.throws(
      () => urls.resolve(bad),
      (e: unknown) => e instanceof GraphRequestError && e.row === 'foreign-link' && e.failureType === 'config_error',
    );
  }
});

test('the loop guard lets distinct links through and stops a repeated one', () => {
  const guard = new LinkGuard({ request: 'GET /users' });
  guard.check('https://g/v1.0/users?$skiptoken=1');
  guard.check('https://g/v1.0/users?$skiptoken=2');
  assert.throws(
    () => guard.check('https://g/v1.0/users?$skiptoken=1'),
    (e: unknown) =>
      e instanceof GraphRequestError && e.row === 'nextlink-loop' && e.failureType === 'transient_error' && /GET \/users/.test(e.message),
  );
});

test('pages keep their links exactly as returned', () => {
  assert.deepEqual(toPage({ value: [{ id: 1 }], '@odata.nextLink': 'https://g/v1.0/x?$skiptoken=Z' }), {
    value: [{ id: 1 }],
    nextLink: 'https://g/v1.0/x?$skiptoken=Z',
  });
  assert.deepEqual(toPage({ value: [], '@odata.deltaLink': 'https://g/v1.0/users/delta?$deltatoken=D' }), {
    value: [],
    deltaLink: 'https://g/v1.0/users/delta?$deltatoken=D',
  });
  assert.deepEqual(toPage({}), { value: [] });
});

test('log lines show method and path without paging tokens', () => {
  assert.equal(
    displayRequest('GET', 'https://graph.microsoft.com/v1.0/users?$top=999&$skiptoken=SECRETISH'),
    'GET /users?$top=999&$skiptoken=...',
  );
  assert.equal(displayRequest('GET', 'https://graph.microsoft.com/v1.0/users/delta?$deltatoken=abc'), 'GET /users/delta?$deltatoken=...');
  assert.equal(displayRequest('POST', 'https://127.0.0.1:4443/v1.0/$batch'), 'POST /$batch');
});

test('roles come from the token claim; none means []', () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  assert.deepEqual(rolesOf(jwt({ roles: ['User.Read.All', 'AuditLog.Read.All'] })), ['User.Read.All', 'AuditLog.Read.All']);
  assert.deepEqual(rolesOf(jwt({ aud: 'x' })), []);
  assert.deepEqual(rolesOf('opaque'), []);
});

test('tokens are renewed 5 minutes early, or a fifth of a short lifetime plus a second early', () => {
  assert.equal(renewalMarginMs(3_599_000), 300_000);
  assert.equal(renewalMarginMs(60_000), 13_000);
  assert.equal(renewalMarginMs(5_000), 2_000);
});
