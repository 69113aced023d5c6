// The fault matrix: every fault the emulator injects, against a full read of all four streams; each stream ends exact or fails loudly, never skipping data.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DEFAULT_PERMISSIONS, type Emulator, type ServerOptions, startEmulator } from '../emulator/index.js';
import { type RunResult, runConnector } from '../support/connector.js';
import {
  assertExactRecords,
  assertStatesNeverSkip,
  fullCatalog,
  STREAMS,
  type StreamName,
  streamOutcome,
  truthOfRun,
} from '../support/ground-truth.js';
import { assertRunLeaksNothing } from '../support/leaks.js';
import { assertReadableMessage } from '../support/messages.js';

const TENANT: ServerOptions = {
  seed: 11,
  sizes: { users: 60, servicePrincipals: 20, groups: 6, bigGroupSizes: [], assignments: 80, signIns: 300 },
  // No throttling model (the faults are the only trouble), but the time scale lets the connector pace sign-ins 100x faster.
  throttling: { enabled: false, timeScale: 100 },
};

type FailureType = 'transient_error' | 'config_error';
/** complete: exactly the ground truth; fail: an ERROR trace of that type; either: one or the other (the fault may or may not reach the stream). */
type Expect = 'complete' | { fail: FailureType } | { either: FailureType };

interface FaultCase {
  name: string;
  options?: ServerOptions;
  arrange(emulator: Emulator): void;
  /** Per stream; a stream not listed must complete with exactly the ground truth. */
  expect?: Partial<Record<StreamName, Expect>>;
  /** What the stream must yield when the fault legitimately removes data (a parent deleted mid-sync). */
  truth?(emulator: Emulator, stream: StreamName, rows: Record<string, unknown>[]): Record<string, unknown>[];
  /** Proof that the fault actually hit the run. */
  verify(emulator: Emulator, result: RunResult): void;
}

/** Retries the connector reports in its per-stream summary lines ("N retries"). */
const retriesOf = (result: RunResult) => result.logs('INFO').reduce((sum, line) => sum + Number(/ (\d+) retries,/.exec(line)?.[1] ?? 0), 0);
const retried = (min: number) => (_e: Emulator, result: RunResult) =>
  assert.ok(retriesOf(result) >= min, `expected at least ${min} retries, the connector reported ${retriesOf(result)}`);
const GRAPH = '^/v1\\.0/';
/**
 * Graph's JSON answers, not the text/plain /$count ones: half of a number is still a number (a smaller one, so a lower
 * throttling tier and estimate, never data), which no client can tell from a whole one.
 */
const GRAPH_JSON = '^/v1\\.0/(?!.*/\\$count)';

/** An application with User assignments, and a group assigned to another application: both "deleted" before their fan-out. */
function fanOutVictims(emulator: Emulator): { sp: string; group: string } {
  const entries = [...emulator.tenant.assignments];
  const sp = entries.find(([, list]) => list.some((a) => a.principalType === 'User'))?.[0];
  const group = entries.flatMap(([id, list]) => (id === sp ? [] : list)).find((a) => a.principalType === 'Group')?.principalId;
  assert.ok(sp && group, 'the tenant needs an application with user assignments and a group assigned elsewhere');
  return { sp, group: String(group) };
}

const CASES: FaultCase[] = [
  {
    name: '429 storm on every Graph request (Retry-After 50 ms)',
    arrange: (e) => e.setFaults([{ kind: 'throttle', times: 10, retryAfterSeconds: 0.05 }]),
    verify: (e) => assert.ok(e.metrics().throttled >= 10),
  },
  {
    name: '429 storm on batched fan-out items',
    arrange: (e) => e.setFaults([{ kind: 'throttle', times: 8, path: 'appRoleAssignedTo|/members', retryAfterSeconds: 0.05 }]),
    verify: (e) => assert.ok(e.metrics().throttled >= 8),
  },
  {
    name: '5xx bursts (500, 502, 504, no Retry-After) on each stream',
    arrange: (e) =>
      e.setFaults([
        { kind: 'status', status: 500, times: 2, path: '^/v1\\.0/users' },
        { kind: 'status', status: 502, times: 1, path: '^/v1\\.0/servicePrincipals\\?' },
        { kind: 'status', status: 504, times: 1, path: '/members' },
        { kind: 'status', status: 500, times: 1, path: 'auditLogs' },
      ]),
    verify: retried(4),
  },
  {
    name: '503 with Retry-After',
    arrange: (e) => e.setFaults([{ kind: 'status', status: 503, times: 6, retryAfterSeconds: 0.1 }]),
    verify: retried(6),
  },
  {
    name: 'connection resets on Graph',
    arrange: (e) => e.setFaults([{ kind: 'reset', times: 4, path: GRAPH }]),
    verify: retried(4),
  },
  {
    name: 'connection resets on the login host (token and metadata requests)',
    arrange: (e) => e.setFaults([{ kind: 'reset', times: 2, path: '/oauth2/v2\\.0/token|openid-configuration' }]),
    // A cut connection to the login host is retried (policy row network-login-host-retryable): every stream completes.
    verify: (e, result) => {
      assert.ok(e.metrics().tokensIssued >= 1);
      assert.equal(result.errors().length, 0);
    },
  },
  {
    name: 'truncated JSON bodies',
    arrange: (e) => e.setFaults([{ kind: 'truncate', times: 4, path: GRAPH_JSON }]),
    verify: retried(4),
  },
  {
    name: 'stalled bodies (1.5 s mid-body)',
    arrange: (e) => e.setFaults([{ kind: 'stall', times: 2, path: GRAPH, stallMs: 1_500 }]),
    verify: (_e, result) => {
      // The stalls are absorbed inside one attempt each: the run is slower, not broken.
      assert.ok(
        result.logs('DEBUG').some((l) => / \d{4,} ms/.test(l)),
        'no request took over a second: the stall did not hit',
      );
    },
  },
  {
    name: 'token expiry mid-sync (2-second tokens)',
    // 150 ms per request stretches the read over several token lifetimes.
    options: { tokenLifetimeSeconds: 2, latencyMs: 150 },
    arrange: () => {},
    verify: (e) => assert.ok(e.metrics().tokensIssued >= 3, `only ${e.metrics().tokensIssued} tokens were issued: no renewal happened`),
  },
  {
    name: 'parent deleted mid-fan-out (an application and a group)',
    arrange: (e) => {
      const { sp, group } = fanOutVictims(e);
      e.setFaults([{ kind: 'delete-before-fanout', servicePrincipalIds: [sp], groupIds: [group] }]);
    },
    truth: (e, stream, rows) => {
      if (stream !== 'app_role_assignments') return rows;
      const { sp, group } = fanOutVictims(e);
      // Their assignments went with them: everything else must still be there.
      return rows.filter((r) => r.resourceId !== sp && r.viaGroupId !== group);
    },
    verify: (_e, result) => {
      const warns = result.logs('WARN').filter((l) => l.startsWith('app_role_assignments: skipped'));
      assert.equal(warns.length, 2, `expected one WARN for the application and one for the group: ${warns.join(' | ')}`);
    },
  },
  {
    name: 'nextLink loop on /users',
    // Three pages of users are needed: page 2 (the first with a $skiptoken) links back to itself.
    options: { sizes: { users: 2_100, servicePrincipals: 10, groups: 3, bigGroupSizes: [], assignments: 30, signIns: 100 } },
    arrange: (e) => e.setFaults([{ kind: 'loop', path: '^/v1\\.0/users\\?' }]),
    // app_role_assignments stops its /users pass once every assignee is seen: it may finish before page 2.
    expect: { users: { fail: 'transient_error' }, app_role_assignments: { either: 'transient_error' } },
    verify: (_e, result) => assert.match(streamError(result, 'users'), /next-page link/),
  },
  {
    name: 'permission 403: no AuditLog.Read.All',
    arrange: (e) => e.setPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'AuditLog.Read.All')),
    expect: { sign_ins: { fail: 'config_error' }, directory_audits: { fail: 'config_error' } },
    verify: (_e, result) => {
      assert.match(streamError(result, 'sign_ins'), /AuditLog\.Read\.All/);
      assert.match(streamError(result, 'directory_audits'), /AuditLog\.Read\.All/);
    },
  },
  {
    name: 'permission 403: no GroupMember.Read.All',
    arrange: (e) => e.setPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'GroupMember.Read.All' && p !== 'Directory.Read.All')),
    // Directory.Read.All implies GroupMember.Read.All, so it goes too: sign_ins fails with it (the emulator's Graph applies the
    // known issue that needs it), and so does directory_audits (its list page names both permissions).
    expect: {
      app_role_assignments: { fail: 'config_error' },
      sign_ins: { fail: 'config_error' },
      directory_audits: { fail: 'config_error' },
    },
    verify: (_e, result) => assert.match(streamError(result, 'app_role_assignments'), /GroupMember\.Read\.All/),
  },
  {
    name: 'licence 403: no Entra ID P1/P2',
    arrange: (e) => e.setPremium(false),
    expect: { sign_ins: { fail: 'config_error' } },
    verify: (_e, result) => assert.match(streamError(result, 'sign_ins'), /P1|P2|licen[cs]e/i),
  },
  {
    name: 'Retry-After beyond what the client honours (600 s)',
    arrange: (e) => e.setFaults([{ kind: 'throttle', times: 1, path: '^/v1\\.0/servicePrincipals\\?', retryAfterSeconds: 600 }]),
    expect: { service_principals: { fail: 'transient_error' } },
    verify: (_e, result) => assert.match(streamError(result, 'service_principals'), /throttl/i),
  },
  {
    name: '429 beyond the attempt limit',
    arrange: (e) => e.setFaults([{ kind: 'throttle', times: 13, path: '^/v1\\.0/organization', retryAfterSeconds: 0.01 }]),
    expect: { service_principals: { fail: 'transient_error' } },
    verify: (_e, result) => assert.match(streamError(result, 'service_principals'), /throttl/i),
  },
];

function streamError(result: RunResult, stream: StreamName): string {
  return result.errors().find((e) => e.stream_descriptor?.name === stream)?.message ?? '';
}

const outcomes: string[] = [];

describe('fault matrix: a full read of every stream under each fault', { concurrency: 4 }, () => {
  after(() => {
    console.log(
      `fault matrix: ${CASES.length} faults x ${STREAMS.length} streams = ${CASES.length * STREAMS.length} cells\n${outcomes.sort().join('\n')}`,
    );
  });

  for (const fault of CASES) {
    test(fault.name, async () => {
      const emulator = await startEmulator({ ...TENANT, ...fault.options, sizes: fault.options?.sizes ?? TENANT.sizes });
      try {
        fault.arrange(emulator);
        const result = await runConnector(['read', '--debug'], {
          config: emulator.config({ sign_in_lookback_minutes: 10 }),
          catalog: fullCatalog(),
          env: emulator.env,
          timeoutMs: 60_000,
        });
        assertRunLeaksNothing(result, emulator, fault.name);
        assert.equal(result.stderr.trim(), '', `${fault.name}: stderr is not empty`);
        let failed = 0;
        for (const stream of STREAMS) {
          const expected = fault.expect?.[stream] ?? 'complete';
          const outcome = streamOutcome(result, stream);
          const label = `${fault.name}: `;
          assert.notEqual(outcome.kind, 'absent', `${label}${stream} never ended (no COMPLETE or INCOMPLETE status)`);
          if (outcome.kind === 'complete') {
            assert.ok(
              expected === 'complete' || 'either' in expected,
              `${label}${stream} completed but should have failed with ${JSON.stringify(expected)}`,
            );
            const truth = truthOfRun(emulator, stream, result.messages);
            assertExactRecords(stream, result.records(stream), fault.truth?.(emulator, stream, truth) ?? truth, label);
          } else if (outcome.kind === 'failed') {
            failed++;
            assert.ok(expected !== 'complete', `${label}${stream} failed (${outcome.failureType}): ${outcome.message}`);
            const wanted = 'fail' in expected ? expected.fail : expected.either;
            assert.equal(outcome.failureType, wanted, `${label}${stream}: wrong failure_type: ${outcome.message}`);
            assertReadableMessage(outcome.message, `${label}${stream}`);
          }
          outcomes.push(`${fault.name} x ${stream}: ${outcome.kind === 'failed' ? `failed (${outcome.failureType})` : outcome.kind}`);
        }
        // Loud: a failed stream means a non-zero exit; a clean run exits 0.
        assert.equal(result.code !== 0, failed > 0, `${fault.name}: exit ${result.code} with ${failed} failed streams`);
        assertStatesNeverSkip(result, emulator, `${fault.name}: `);
        fault.verify(emulator, result);
      } finally {
        await emulator.stop();
      }
    });
  }
});
