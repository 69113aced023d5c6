// Retry-After parsing, full-jitter backoff with its cap, and the total wait budget.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  nextRetry,
  parseRetryAfter,
  type RetryPolicy,
} from '../../source-azure-client-credentials/graph/retry.js';

const policy: RetryPolicy = { baseMs: 1000, backoffCapMs: 8000, maxRetryAfterMs: 60_000, budgetMs: 20_000, maxAttempts: 6 };

test('Retry-After in whole and fractional seconds', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter('2.128'), 2128);
  assert.equal(parseRetryAfter(' 0.5 '), 500);
  assert.equal(parseRetryAfter(['7', '9']), 7000);
});

test('Retry-After as an HTTP date, relative to now; a past date means now', () => {
  const now = Date.parse('2026-11-26T10:00:00Z');
  assert.equal(parseRetryAfter('Thu, 26 Nov 2026 10:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Thu, 26 Nov 2026 09:59:00 GMT', now), 0);
});

test('an absent or unreadable Retry-After is undefined', () => {
  assert.equal(parseRetryAfter(undefined), undefined);
  assert.equal(parseRetryAfter(''), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter('-1'), undefined);
});

test('backoff grows exponentially under full jitter and is capped per wait', () => {
  const top = () => 1; // the ceiling of the jitter range
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, top)),
    [1000, 2000, 4000, 8000, 8000, 8000],
  );
  assert.equal(
    backoffDelay(3, policy, () => 0),
    0,
  );
  assert.equal(
    backoffDelay(3, policy, () => 0.5),
    2000,
  );
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(10, policy);
    assert.ok(d >= 0 && d <= policy.backoffCapMs);
  }
});

test('Retry-After is honoured as given instead of backoff', () => {
  assert.deepEqual(
    nextRetry(1, 2128, 0, policy, () => 1),
    { retry: true, delayMs: 2128 },
  );
  assert.deepEqual(
    nextRetry(1, 0, 0, policy, () => 1),
    { retry: true, delayMs: 0 },
  );
});

test('a Retry-After beyond the longest honoured wait gives up at once', () => {
  assert.deepEqual(nextRetry(1, 61_000, 0, policy), { retry: false, reason: 'retry-after-too-long' });
});

test('the total wait budget turns further retries into a failure', () => {
  assert.deepEqual(nextRetry(2, 5000, 15_000, policy), { retry: true, delayMs: 5000 });
  assert.deepEqual(nextRetry(2, 5001, 15_000, policy), { retry: false, reason: 'budget' });
  // Simulate a request that keeps failing without Retry-After: it stops within the budget.
  let waited = 0;
  let attempt = 1;
  for (;;) {
    const verdict = nextRetry(attempt, undefined, waited, { ...policy, maxAttempts: 100 }, () => 1);
    if (!verdict.retry) {
      assert.equal(verdict.reason, 'budget');
      break;
    }
    waited += verdict.delayMs;
    attempt++;
  }
  assert.ok(waited <= policy.budgetMs);
  assert.equal(waited, 1000 + 2000 + 4000 + 8000); // the next 8000 would exceed 20000
});

test('attempts are bounded', () => {
  assert.deepEqual(nextRetry(6, 10, 0, policy), { retry: false, reason: 'attempts' });
  assert.equal(nextRetry(5, 10, 0, policy).retry, true);
});

test('the defaults are sane: a cap per wait, a budget of minutes', () => {
  assert.ok(DEFAULT_RETRY_POLICY.backoffCapMs <= 60_000);
  assert.ok(DEFAULT_RETRY_POLICY.budgetMs >= 60_000 && DEFAULT_RETRY_POLICY.budgetMs <= 30 * 60_000);
});
