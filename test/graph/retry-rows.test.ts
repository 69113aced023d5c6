// The error table is the only judge of a failure: a row added to it, and nothing else, changes what the client retries or re-authenticates, on Graph, in $batch and on the login host.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ERROR_POLICY, type Outcome, type PolicyRow } from '../../source-azure-client-credentials/graph/error-policy.js';
import { collect, rejection, type Setup, setup } from '../support/graph-helpers.js';

/** Runs `fn` with `row` first in the table (so it decides before any row of its own), then takes it out again. */
async function withRow<T>(row: PolicyRow, fn: () => Promise<T>): Promise<T> {
  const table = ERROR_POLICY as PolicyRow[];
  table.unshift(row);
  try {
    return await fn();
  } finally {
    table.splice(table.indexOf(row), 1);
  }
}

/** A row for a Graph answer no row of the real table retries: 400 with a made-up code. */
const graphRow = (id: string, code: string, action: PolicyRow['action']): PolicyRow => ({
  id,
  matches: (o: Outcome) => o.kind === 'http' && o.status === 400 && o.code === code,
  action,
  failureType: 'transient_error',
  message: () => `test row ${id}`,
});

describe('a row added to the error table takes effect without touching another file', () => {
  let s: Setup;
  before(async () => {
    s = await setup();
  });
  after(async () => s.close());
  beforeEach(() => {
    s.emulator.setFaults([]);
    s.emulator.resetMetrics();
    s.graph.stats(true);
  });

  const count = (label: string) => s.emulator.metrics().requests[label] ?? 0;

  test('Graph: a 400 the table fails is retried once a retry row says so', async () => {
    const fault = { kind: 'status', status: 400, code: 'TestOnly_TryAgain', times: 1, path: '/organization' } as const;
    // Control: the real table fails a 400 at once (http-400-bad-request).
    s.emulator.setFaults([fault]);
    const refused = await rejection(() => s.graph.get('/organization'));
    assert.equal(refused.row, 'http-400-bad-request');
    assert.equal(count('GET /organization'), 1);

    s.emulator.resetMetrics();
    s.emulator.setFaults([fault]);
    const org = await withRow(graphRow('test-400-retry', 'TestOnly_TryAgain', 'retry'), () =>
      s.graph.get<{ value: unknown[] }>('/organization'),
    );
    assert.equal(org.value.length, 1);
    assert.equal(count('GET /organization'), 2, 'the failed attempt and its retry');
    assert.equal(s.graph.stats().retries, 1);
  });

  test('$batch: an item the new row retries is retried alone', async () => {
    const ids = s.emulator.tenant.servicePrincipals.slice(0, 4).map((sp) => sp.id);
    const requests = ids.map((id) => ({ key: id, path: `/servicePrincipals/${id}/appRoleAssignedTo?$top=999` }));
    s.emulator.setFaults([{ kind: 'status', status: 400, code: 'TestOnly_TryAgain', times: 1, path: `/servicePrincipals/${ids[2]}/` }]);
    const pages = await withRow(graphRow('test-400-retry', 'TestOnly_TryAgain', 'retry'), () => collect(s.graph.batchPages(requests)));
    assert.deepEqual(new Set(pages.filter((p) => p.last && !p.error).map((p) => p.key)), new Set(ids));
    assert.equal(count('POST /$batch'), 2, 'one batch of four, then one with the retried item');
    assert.equal(count('batch GET /servicePrincipals/{id}/appRoleAssignedTo'), 5);
  });

  test("Graph: the row's reauthenticate action fetches a fresh token and tries once more (not a status check)", async () => {
    const row = graphRow('test-400-reauthenticate', 'TestOnly_StaleToken', 'reauthenticate');
    const fault = { kind: 'status', status: 400, code: 'TestOnly_StaleToken', path: '/organization' } as const;
    await s.graph.get('/organization'); // a token in hand
    s.emulator.resetMetrics();
    s.emulator.setFaults([{ ...fault, times: 1 }]);
    await withRow(row, () => s.graph.get('/organization'));
    assert.equal(count('GET /organization'), 2);
    assert.equal(s.emulator.metrics().tokensIssued, 1, 'one fresh token for the retry');

    // A second such answer in a row is final, classified by the same row.
    s.emulator.resetMetrics();
    s.emulator.setFaults([{ ...fault, times: 2 }]);
    const error = await withRow(row, () => rejection(() => s.graph.get('/organization')));
    assert.equal(error.row, 'test-400-reauthenticate');
    assert.equal(count('GET /organization'), 2);
    assert.equal(s.emulator.metrics().tokensIssued, 1);
  });

  test('login host: a cut connection the table retries is final once a row says fail', async () => {
    const fault = { kind: 'reset', times: 1, path: '/oauth2/v2\\.0/token' } as const;
    // Control: the real table retries a reset on the login host (network-login-host-retryable).
    s.emulator.setFaults([fault]);
    assert.ok(Array.isArray(await s.client().grantedRoles()));
    assert.equal(count('POST /{tenant}/oauth2/v2.0/token'), 1, 'the retry reached the token endpoint');

    s.emulator.resetMetrics();
    s.emulator.setFaults([fault]);
    const row: PolicyRow = {
      id: 'test-login-reset-fails',
      matches: (o) => o.kind === 'network' && o.host === 'login' && o.code === 'ECONNRESET',
      action: 'fail',
      failureType: 'transient_error',
      message: () => 'test row test-login-reset-fails',
    };
    const error = await withRow(row, () => rejection(() => s.client().grantedRoles()));
    assert.equal(error.row, 'test-login-reset-fails');
    assert.equal(count('POST /{tenant}/oauth2/v2.0/token'), 0, 'no second attempt reached the token endpoint');
  });
});
