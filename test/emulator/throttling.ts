// Graph's throttling model: the identity RU token bucket, the reports request window, and the headers they produce.
// Limits: https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits
// and https://learn.microsoft.com/graph/throttling-limits#identity-and-access-reports-service-limits
export interface ThrottleSettings {
  enabled: boolean;
  /** Graph's windows are divided by this (10 = a 10 s window lasts 1 s). */
  timeScale: number;
  ruPer10s: number;
  reportsPer10s: number;
}

export interface ThrottleOutcome {
  allowed: boolean;
  /** Headers for the answer: x-ms-resource-unit always; percentage above 0.8; Retry-After and scope on 429. */
  headers: Record<string, string>;
}

/** RU budget per app per tenant per 10 s by tenant size (users): 3,500 under 50, 5,000 for 50-500, 8,000 above. */
export function ruBudgetFor(userCount: number): number {
  return userCount < 50 ? 3500 : userCount <= 500 ? 5000 : 8000;
}

/**
 * A request's RU cost: a base per endpoint (users 2, group members 3, most others 1), minus 1 with $select,
 * minus 1 with $top under 20, plus 1 with $expand; never below 1.
 */
export function ruCost(base: number, params: URLSearchParams): number {
  let cost = base;
  if (params.has('$select')) cost -= 1;
  const top = Number(params.get('$top'));
  if (params.has('$top') && top < 20) cost -= 1;
  if (params.has('$expand')) cost += 1;
  return Math.max(1, cost);
}

/** The windows' clock in ms: performance.now, or a test's own (moved by hand, so that a loaded machine cannot change the answers). */
export type ThrottleClock = () => number;

/** Refills continuously at capacity per window; a throttled request still spends its cost (retrying early makes it worse). */
class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    private readonly clock: ThrottleClock,
  ) {
    this.tokens = capacity;
    this.last = clock();
  }
  private refill(now: number) {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.capacity) / this.windowMs);
    this.last = now;
  }
  take(cost: number, now = this.clock()): { allowed: boolean; retryAfterMs: number; usage: number } {
    this.refill(now);
    const allowed = this.tokens >= cost;
    // The penalty is bounded so that a client hammering the endpoint recovers within one window.
    this.tokens = Math.max(-this.capacity, this.tokens - cost);
    const retryAfterMs = allowed ? 0 : ((cost - this.tokens) * this.windowMs) / this.capacity;
    return { allowed, retryAfterMs, usage: (this.capacity - this.tokens) / this.capacity };
  }
}

/** At most `limit` accepted requests in any sliding window; refused requests are not recorded. */
class SlidingWindow {
  private readonly times: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: ThrottleClock,
  ) {}
  take(now = this.clock()): { allowed: boolean; retryAfterMs: number; usage: number } {
    while (this.times.length && this.times[0]! <= now - this.windowMs) this.times.shift();
    if (this.times.length >= this.limit) {
      return { allowed: false, retryAfterMs: this.times[0]! + this.windowMs - now, usage: 1 };
    }
    this.times.push(now);
    return { allowed: true, retryAfterMs: 0, usage: this.times.length / this.limit };
  }
}

export type Budget = 'directory' | 'reports' | 'signInActivity' | 'keyCredentials';

export class Throttler {
  private readonly directory: TokenBucket;
  private readonly reports: SlidingWindow;
  /** users?$select=signInActivity has its own limit of 10 requests per minute (per tenant, per app). */
  private readonly signInActivity: SlidingWindow;
  /**
   * applications and servicePrincipals selecting keyCredentials: 150 requests per minute per tenant
   * (https://learn.microsoft.com/graph/api/application-list#optional-query-parameters).
   */
  private readonly keyCredentials: SlidingWindow;

  constructor(
    readonly settings: ThrottleSettings,
    private readonly scope: string,
    clock: ThrottleClock = () => performance.now(),
  ) {
    const window = 10_000 / settings.timeScale;
    this.directory = new TokenBucket(settings.ruPer10s, window, clock);
    this.reports = new SlidingWindow(settings.reportsPer10s, window, clock);
    this.signInActivity = new SlidingWindow(10, 60_000 / settings.timeScale, clock);
    this.keyCredentials = new SlidingWindow(150, 60_000 / settings.timeScale, clock);
  }

  /** Charges one request (or batch item) against its budget. */
  charge(budget: Budget, cost: number): ThrottleOutcome {
    const headers: Record<string, string> = { 'x-ms-resource-unit': String(cost) };
    if (!this.settings.enabled) return { allowed: true, headers };
    const results = [budget === 'reports' ? this.reports.take() : this.directory.take(cost)];
    if (budget === 'signInActivity') results.push(this.signInActivity.take());
    if (budget === 'keyCredentials') results.push(this.keyCredentials.take());
    const refused = results.find((r) => !r.allowed);
    const usage = Math.max(...results.map((r) => r.usage));
    if (usage > 0.8) headers['x-ms-throttle-limit-percentage'] = Math.min(1.8, usage).toFixed(1);
    if (!refused) return { allowed: true, headers };
    // Retry-After is in seconds and may be fractional (e.g. 2.128); never 0, so a client always waits.
    headers['retry-after'] = String(Math.max(0.001, Math.ceil(refused.retryAfterMs) / 1000));
    headers['x-ms-throttle-scope'] = this.scope;
    headers['x-ms-throttle-information'] = budget === 'reports' ? 'RequestLimitExceeded' : 'ResourceUnitLimitExceeded';
    return { allowed: false, headers };
  }
}
