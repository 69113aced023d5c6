// Client-side pacing within Graph's throttling budgets: sliding-window budgets per bucket, what each answer teaches them, bounded concurrency.
// Limits and costs: https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits
//                   https://learn.microsoft.com/graph/throttling-limits#identity-and-access-reports-service-limits
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bucket, GraphStats } from './types.js';
import type { SelectLimit, SelectLimits } from './urls.js';

const WINDOW_MS = 10_000;
/**
 * Identity RU per app per tenant per 10 s is 3,500 (< 50 users), 5,000 (50-500) or 8,000 (> 500)
 * (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits). No header names the tier, so
 * the client counts the tenant's users (client.ts, GET /users/$count) and paces to the tier of that count; until
 * it knows, or when it cannot learn it, it assumes the smallest.
 */
export function identityTier(users: number | undefined): number {
  // A count within 10% above a threshold takes the lower tier: the count is eventually consistent, and Graph's own
  // view of the tenant's size may differ from it near the line.
  if (users === undefined || !Number.isFinite(users) || users < 50 * 1.1) return 3_500;
  return users <= 500 * 1.1 ? 5_000 : 8_000;
}
/** The share of its tier the client spends: a margin for other callers of the same app (x-ms-throttle-limit-percentage lowers it further when needed). */
const IDENTITY_SHARE = 6 / 7;
/** The identity RU per 10 s the client paces to for a tenant of `users` users: 3,000, 4,285 or 6,857. */
export const identityBudgetFor = (users: number | undefined): number => Math.floor(identityTier(users) * IDENTITY_SHARE);
/** The smallest tier's budget: the pace before the tenant's size is known. */
export const IDENTITY_RU_PER_10S = identityBudgetFor(undefined);
/** The time a request takes to reach Graph varies; widening our window keeps arrivals inside Graph's. */
const WINDOW_MARGIN = 1.05;
const WINDOW_SLACK_MS = 20;
/**
 * Requests per minute per app per tenant that may select these properties (urls.ts selectLimits): users with signInActivity
 * (https://learn.microsoft.com/graph/api/user-list#permissions, note on signInActivity), applications and service principals
 * with keyCredentials (https://learn.microsoft.com/graph/api/application-list#optional-query-parameters).
 */
const PER_MINUTE: Record<SelectLimit, number> = { signInActivity: 10, keyCredentials: 150 };

/** Budgets the client paces: the contract's buckets, plus the per-minute limits on top of the identity bucket. */
type PacedBudget = Bucket | SelectLimit;

export interface Entry {
  at: number;
  cost: number;
}

/**
 * A sliding-window budget: at most `limit` cost units in any window. Adapts with AIMD: a
 * throttle-limit-percentage header (sent from 80 % of Graph's limit) cuts the usable share; each
 * quiet window gives back a tenth.
 */
export class WindowBudget {
  private entries: Entry[] = [];
  private blockedUntil = 0;
  private share = 1;
  private lastCut = -Infinity;
  private lastRecovery: number;

  constructor(
    private limitNow: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lastRecovery = now();
  }

  /** The budget per window before any slow-down. */
  get limit(): number {
    return this.limitNow;
  }

  /** A new budget (the tenant's tier became known); what was spent in the window still counts. */
  setLimit(limit: number): void {
    if (Number.isFinite(limit) && limit >= 1) this.limitNow = limit;
  }

  /** The limit in use now (after proactive slow-downs). */
  effectiveLimit(): number {
    return Math.max(1, Math.floor(this.limit * this.share));
  }

  used(): number {
    this.prune(this.now());
    return this.entries.reduce((sum, e) => sum + e.cost, 0);
  }

  /** Milliseconds to wait before `cost` fits (0: now). */
  delay(cost: number): number {
    const now = this.now();
    this.prune(now);
    this.recover(now);
    if (now < this.blockedUntil) return this.blockedUntil - now;
    const limit = this.effectiveLimit();
    const need = Math.min(cost, limit);
    let used = this.entries.reduce((sum, e) => sum + e.cost, 0);
    if (used + need <= limit) return 0;
    for (const entry of this.entries) {
      used -= entry.cost;
      if (used + need <= limit) return Math.max(1, entry.at + this.windowMs - now);
    }
    return 1;
  }

  /** Records `cost` as spent now; returns the entry so the real charge can correct it. */
  take(cost: number): Entry {
    const entry = { at: this.now(), cost };
    this.entries.push(entry);
    return entry;
  }

  /**
   * Moves a request's entry to the moment its answer came back. Graph counts a request when it
   * arrives, which is somewhere between our send and its answer; counting from the answer keeps our
   * window behind Graph's however slow the network is. Every other entry is at or before now, so
   * moving this one to the end keeps the list in time order.
   */
  settle(entry: Entry): void {
    const index = this.entries.indexOf(entry);
    if (index < 0) return;
    this.entries.splice(index, 1);
    entry.at = this.now();
    this.entries.push(entry);
  }

  /** Replaces an estimate by the charge Graph reported (x-ms-resource-unit). */
  correct(entry: Entry, actual: number): void {
    if (Number.isFinite(actual) && actual >= 0) entry.cost = actual;
  }

  /** Nothing goes out before `until` (epoch ms): Graph said Retry-After. */
  block(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  /**
   * Graph reports usage at `percentage` of its limit (0.8 .. 1.8): cut the share, at most twice per
   * window, but only when that is more than this client's own spending explains. A client running
   * at its own full budget sees 1.0 on its last request of a window; halving then would only make
   * it slower than Graph allows. Usage beyond our own share means another caller of the same app.
   */
  pressure(percentage: number): void {
    const now = this.now();
    if (!(percentage >= 0.8) || now - this.lastCut < this.windowMs / 2) return;
    if (percentage <= this.used() / this.limit + 0.05) return;
    this.lastCut = now;
    this.lastRecovery = now;
    this.share = Math.max(0.1, this.share * (percentage >= 1 ? 0.5 : 0.75));
  }

  private recover(now: number): void {
    while (this.share < 1 && now - this.lastRecovery >= this.windowMs) {
      this.share = Math.min(1, this.share + 0.1);
      this.lastRecovery += this.windowMs;
    }
    if (this.share >= 1) this.lastRecovery = now;
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop]!.at <= now - this.windowMs) drop++;
    if (drop > 0) this.entries.splice(0, drop);
  }
}

export interface PacerOptions {
  /** AZURE_GRAPH_TIME_SCALE: Graph's windows are divided by it (test-only; default 1). */
  timeScale: number;
  identityRuPer10s: number;
  reportsPer10s: number;
  /** The client's counters: the pacer adds its waits and the 429 answers it learns of (default: counters of its own). */
  stats?: GraphStats;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What one answer (a whole response, or the items of a $batch answer) teaches the pacer; see Pacer.learn. */
export interface Lesson {
  /** The entry acquire() recorded for the request, settled at the answer's arrival. */
  entry?: Entry;
  /** x-ms-resource-unit: what Graph charged for the request (identity bucket), replacing the entry's estimate. */
  charged?: number;
  /** x-ms-throttle-limit-percentage: how near the app is to Graph's limit (sent from 0.8 on). */
  limitPercentage?: number;
  /** How many 429 answers it carried. */
  throttled?: number;
  /** Retry-After: nothing of the bucket goes out before this instant (epoch ms). */
  blockedUntil?: number;
}

/**
 * The pacing headers of an answer, by lower-case name (as got gives them; a $batch item's are looked up whatever their case).
 * https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits ; a value that is not a number is ignored.
 */
export function pacingHeaders(headers: Record<string, string | string[] | undefined>): Pick<Lesson, 'charged' | 'limitPercentage'> {
  const number = (name: string) => {
    const value = Number(headers[name]);
    return Number.isFinite(value) ? value : undefined;
  };
  return { charged: number('x-ms-resource-unit'), limitPercentage: number('x-ms-throttle-limit-percentage') };
}

/** One budget per bucket; acquire() waits until a request's cost fits, learn() takes in what each answer says. */
export class Pacer {
  private readonly budgets: Record<PacedBudget, WindowBudget>;
  private readonly stats: GraphStats;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(options: PacerOptions) {
    this.stats = options.stats ?? { requests: 0, retries: 0, throttled: 0, waitMs: 0 };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
    const window = (ms: number) => (ms * WINDOW_MARGIN) / options.timeScale + WINDOW_SLACK_MS;
    this.budgets = {
      identity: new WindowBudget(options.identityRuPer10s, window(WINDOW_MS), this.now),
      reports: new WindowBudget(options.reportsPer10s, window(WINDOW_MS), this.now),
      signInActivity: new WindowBudget(PER_MINUTE.signInActivity, window(60_000), this.now),
      keyCredentials: new WindowBudget(PER_MINUTE.keyCredentials, window(60_000), this.now),
    };
  }

  /**
   * Waits until `cost` fits in the bucket, and each of `limits` (the request's count of per-minute limited requests) in
   * its own budget; records them, and returns the entry and the time waited.
   * `onLongWait(until)` hears of each wait over a second (the read command reports RATE_LIMITED).
   */
  async acquire(
    bucket: Bucket,
    cost: number,
    onLongWait?: (until: number) => void,
    limits: SelectLimits = {},
  ): Promise<{ entry: Entry; waitedMs: number }> {
    const budget = this.budgets[bucket];
    const extras = (Object.entries(limits) as [SelectLimit, number][])
      .filter(([, count]) => count > 0)
      .map(([limit, count]) => [this.budgets[limit], count] as const);
    let waitedMs = 0;
    for (;;) {
      const delay = Math.max(budget.delay(cost), ...extras.map(([extra, count]) => extra.delay(count)));
      if (delay <= 0) {
        for (const [extra, count] of extras) extra.take(count);
        return { entry: budget.take(cost), waitedMs };
      }
      if (delay > 1_000) onLongWait?.(this.now() + delay);
      await this.sleep(delay);
      waitedMs += delay;
      this.stats.waitMs += delay;
    }
  }

  /** Paces the identity bucket to `ruPer10s` from now on (the tenant's tier, identityBudgetFor). */
  setIdentityBudget(ruPer10s: number): void {
    this.budgets.identity.setLimit(ruPer10s);
  }

  /**
   * The one entry for what an answer teaches: the request's cost is settled at the answer and corrected to
   * Graph's charge, the limit percentage slows the bucket down, a Retry-After blocks it, 429s are counted.
   */
  learn(bucket: Bucket, lesson: Lesson): void {
    const budget = this.budgets[bucket];
    if (lesson.entry) {
      budget.settle(lesson.entry);
      // Only the identity bucket is charged in RU; reports count requests.
      if (lesson.charged !== undefined && bucket === 'identity') budget.correct(lesson.entry, lesson.charged);
    }
    if (lesson.limitPercentage) budget.pressure(lesson.limitPercentage);
    if (lesson.throttled) this.stats.throttled += lesson.throttled;
    if (lesson.blockedUntil !== undefined) budget.block(lesson.blockedUntil);
  }
}

/** At most `limit` tasks at once, first come first served. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
