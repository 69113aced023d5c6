// When to try a failed Graph request again: Retry-After parsing, exponential backoff with full jitter, per-wait cap and total budget.
// Throttling guidance: https://learn.microsoft.com/graph/throttling#best-practices-to-handle-throttling

export interface RetryPolicy {
  /** Ceiling of the first backoff wait (ms); it doubles with each attempt. */
  baseMs: number;
  /** Cap on one backoff wait (ms) when Graph gave no Retry-After. */
  backoffCapMs: number;
  /** Longest Retry-After the client honours (ms); a longer one ends the request as a transient failure. */
  maxRetryAfterMs: number;
  /** Total time one request may spend waiting between its attempts (ms) before it is given up. */
  budgetMs: number;
  /** Most attempts one request may make, whatever the waits. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 1_000,
  backoffCapMs: 30_000,
  maxRetryAfterMs: 120_000,
  budgetMs: 10 * 60_000,
  maxAttempts: 12,
};

/**
 * Retry-After as milliseconds: delta-seconds (Graph sends fractional values such as "2.128") or an
 * HTTP date (RFC 9110 section 10.2.3). Undefined when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // HTTP dates (IMF-fixdate, RFC 850, asctime) all start with a day name.
  if (!/^[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/): uniform in [0, min(cap, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.backoffCapMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

export type RetryVerdict = { retry: true; delayMs: number } | { retry: false; reason: 'attempts' | 'budget' | 'retry-after-too-long' };

/**
 * The wait before attempt `attempt + 1`, given that `attempt` attempts failed and `waitedMs` was
 * already spent waiting for this request. A Retry-After is honoured as given (retrying earlier only
 * earns another 429, since throttled requests still count); otherwise backoff with full jitter.
 */
export function nextRetry(
  attempt: number,
  retryAfterMs: number | undefined,
  waitedMs: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryVerdict {
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts' };
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) return { retry: false, reason: 'retry-after-too-long' };
  const delayMs = retryAfterMs ?? backoffDelay(attempt, policy, random);
  if (waitedMs + delayMs > policy.budgetMs) return { retry: false, reason: 'budget' };
  return { retry: true, delayMs };
}
