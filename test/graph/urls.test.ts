// urls.ts beyond what paging.test.ts covers: $batch item urls from a path or a link, the display form of a path, the cost a request draws per bucket.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphRequestError } from '../../source-azure-client-credentials/graph/errors.js';
import { displayRequest, GraphUrls, requestCost } from '../../source-azure-client-credentials/graph/urls.js';

const urls = new GraphUrls('https://graph.microsoft.com');

test('a $batch item url: a path as it is, a link cut below the version root, a foreign link refused', () => {
  assert.equal(urls.relative('/servicePrincipals/a/appRoleAssignedTo?$top=999'), '/servicePrincipals/a/appRoleAssignedTo?$top=999');
  assert.equal(urls.relative('https://graph.microsoft.com/beta/users?$skiptoken=X%2B'), '/users?$skiptoken=X%2B');
  assert.throws(
    () => urls.relative('https://graph.microsoft.us/v1.0/users'),
    (e: unknown) => e instanceof GraphRequestError && e.row === 'foreign-link',
  );
});

test('a path and its absolute URL display alike', () => {
  assert.equal(displayRequest('GET', '/users/delta?$deltatoken=abc'), 'GET /users/delta?$deltatoken=...');
  assert.equal(displayRequest('GET', urls.first('/users/delta', { $deltatoken: 'abc' })), 'GET /users/delta?$deltatoken=...');
});

test('identity requests draw their estimated RU, reports requests one each', () => {
  assert.equal(requestCost('identity', 'https://graph.microsoft.com/v1.0/groups/g/transitiveMembers'), 5);
  assert.equal(requestCost('reports', 'https://graph.microsoft.com/v1.0/users'), 1);
});
