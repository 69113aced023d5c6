// Time windows for the log streams (sign_ins, directory_audits): the range one sync reads, a window's $filter, and the adaptive window planner.
import {
  ceilToSecond,
  floorToSecond,
  formatInstant,
  maxTicks,
  minTicks,
  msToTicks,
  parseInstant,
  TICKS_PER_DAY,
  TICKS_PER_MINUTE,
  TICKS_PER_SECOND,
} from './instants.js';

/**
 * The oldest literal a sync uses is this much younger than the retention limit, so that clock skew
 * and the time a throttled first request waits can never push it past what Graph keeps.
 */
export const RETENTION_MARGIN_MINUTES = 15;
/**
 * A sync never reads records newer than now minus this lag: a window's end becomes the cursor, and
 * Graph publishes sign-ins and audit events with a delay (https://learn.microsoft.com/entra/identity/monitoring-health/reference-reports-latencies),
 * so a window that ends "now" would checkpoint past records still on their way. The lookback
 * (sign_in_lookback_minutes) covers later stragglers.
 */
export const END_LAG_MINUTES = 2;

/** The whole range one sync reads: [from, to), whole seconds. */
export interface SyncRange {
  from: bigint;
  to: bigint;
  /** Set when the wanted start was older than retention and was moved forward. */
  clampedFrom?: bigint;
  /** The incoming cursor: no checkpoint at or before it is emitted, so the cursor never moves backwards. */
  cursor?: bigint;
  /** True when there is nothing to read (the cursor or start_date is at or after the end). */
  empty: boolean;
}

interface RangeInput {
  nowMs: number;
  /** config.start_date (first sync only). */
  startDate?: string;
  /** The incoming state's cursor (later syncs). */
  cursor?: bigint;
  lookbackMinutes: number;
  /** How many days Graph keeps the log (https://learn.microsoft.com/entra/identity/monitoring-health/reference-reports-data-retention). */
  retentionDays: number;
}

/** The oldest instant a sync asks for when Graph keeps `retentionDays` days: the retention limit plus the margin, in whole seconds. */
export function retentionStart(nowMs: number, retentionDays: number): bigint {
  const now = msToTicks(nowMs);
  return ceilToSecond(now - BigInt(retentionDays) * TICKS_PER_DAY + BigInt(RETENTION_MARGIN_MINUTES) * TICKS_PER_MINUTE);
}

/** Where a sync starts and ends: cursor minus lookback, else start_date, else retention; never past now minus the lag. */
export function planRange({ nowMs, startDate, cursor, lookbackMinutes, retentionDays }: RangeInput): SyncRange {
  const now = msToTicks(nowMs);
  const to = floorToSecond(now - BigInt(END_LAG_MINUTES) * TICKS_PER_MINUTE);
  const oldest = retentionStart(nowMs, retentionDays);
  const wanted =
    cursor !== undefined
      ? cursor - BigInt(lookbackMinutes) * TICKS_PER_MINUTE
      : startDate !== undefined
        ? parseInstant(startDate)
        : undefined;
  let from = wanted === undefined ? oldest : floorToSecond(wanted);
  const clamped = from < oldest;
  if (clamped) from = oldest;
  return {
    from,
    to,
    ...(clamped ? { clampedFrom: floorToSecond(wanted!) } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
    // A cursor at or after `to` (a sync right after the last one) still re-reads its lookback: late
    // records land there. Only when even cursor - lookback is past `to` is there nothing to read.
    empty: from >= to,
  };
}

/**
 * The $filter of window [from, to] on the cursor `property`: unquoted ISO-8601 UTC literals with the
 * documented ge and le operators (signIns: https://learn.microsoft.com/graph/api/signin-list#optional-query-parameters,
 * directoryAudits: https://learn.microsoft.com/graph/api/resources/directoryaudit#properties); a quoted
 * literal is refused. Records at exactly `to` are dropped by the reader: the next window owns them.
 */
export function windowFilter(property: string, from: bigint, to: bigint): string {
  return `${property} ge ${formatInstant(from)} and ${property} le ${formatInstant(to)}`;
}

/** True when a record of window [from, to) belongs to it; one at exactly `to` belongs to the next window. */
export const beforeWindowEnd = (instant: bigint | undefined, to: bigint): boolean => instant === undefined || instant < to;

interface PlannerOptions {
  /**
   * The first window when it is not the whole range: for answers that are not newest first (which cannot be split) and
   * for tests (AZURE_GRAPH_LOG_WINDOW_MINUTES). @default 1 hour
   */
  initial: bigint;
  min: bigint;
  max: bigint;
  /** Records a window should hold: 10 pages of 1000, well under the checkpoint ceiling. */
  targetRecords: number;
  /**
   * A window stops early (and is split) once it has yielded this many records, so that a burst the
   * planner did not foresee still checkpoints at least every 2 x this many records.
   */
  splitAfterRecords: number;
}

export const PLANNER: PlannerOptions = {
  initial: 60n * TICKS_PER_MINUTE,
  min: TICKS_PER_SECOND,
  // Growth stops here: a quiet tenant that started small (answers not newest first) reads its 30 days in a handful of requests.
  max: 7n * TICKS_PER_DAY,
  targetRecords: 10_000,
  splitAfterRecords: 25_000,
};

/**
 * The next window size from what the last one held: aim at targetRecords at the observed rate,
 * growing at most 4x and shrinking at most 8x per step (one odd window should not swing the size),
 * in whole seconds between min and max. `unbounded`: no step limit (the last window was a guess, not a size the rate chose).
 */
export function nextWindowSize(
  current: bigint,
  observed: { records: number; span: bigint },
  options: PlannerOptions = PLANNER,
  unbounded = false,
): bigint {
  let size: bigint;
  if (observed.records === 0 || observed.span <= 0n) size = current * 4n;
  else {
    const ideal = (observed.span * BigInt(options.targetRecords)) / BigInt(observed.records);
    size = unbounded ? ideal : maxTicks(minTicks(ideal, current * 4n), current / 8n);
  }
  return floorToSecond(maxTicks(options.min, minTicks(options.max, size)));
}

/**
 * Rows a range of `span` is likely to hold when `known` records have been read and `sample` of them lay in `sampleSpan`:
 * the known ones plus the sample's density over the part not yet read (`unread`). Used for ESTIMATE traces.
 */
export function estimateRows(known: number, sample: { records: number; span: bigint }, unread: bigint): number {
  if (sample.span <= 0n || unread <= 0n) return known;
  return known + Math.round(Number((unread * BigInt(sample.records)) / sample.span));
}

/**
 * Walks [from, to) in ascending windows and knows where the cursor may checkpoint.
 * The first window is the whole range (or `first`): one query costs ceil(records / page) requests, and every further window
 * costs up to one more page, so a range that fits one window is read in the fewest requests. When it holds more than
 * splitAfterRecords, answers newest first let the reader stop it and split it: a split window ([from, at) still to read,
 * [at, to) already read) is remembered as a done range; the walker reads the gap in windows sized at the observed rate,
 * then jumps over it.
 */
export class WindowWalker {
  /** Everything before `position` has been emitted. */
  position: bigint;
  size: bigint;
  /** True while the current window's size was a guess (the whole range, or `first`), not chosen from an observed rate. */
  private guessed = true;
  private readonly done: Array<{ from: bigint; to: bigint }> = [];
  private current: { from: bigint; to: bigint } | undefined;

  constructor(
    from: bigint,
    readonly end: bigint,
    private readonly options: PlannerOptions = PLANNER,
    first?: bigint,
  ) {
    this.position = from;
    this.size = first ?? end - from;
  }

  /** The next window to read, or undefined when the range is done. */
  next(): { from: bigint; to: bigint } | undefined {
    if (this.position >= this.end) return undefined;
    const nextDone = this.done[0]?.from ?? this.end;
    this.current = { from: this.position, to: minTicks(minTicks(this.position + this.size, this.end), nextDone) };
    return this.current;
  }

  /**
   * True when the current window may be given up (abandon): it is the range's first, larger than the initial size, and
   * nothing of it is out yet. A window of the initial size is read whole in any order, so abandoning happens once at most.
   */
  get mayAbandon(): boolean {
    const window = this.current;
    return this.guessed && this.done.length === 0 && window !== undefined && window.to - window.from > this.options.initial;
  }

  /** The current window was read whole; returns the new checkpoint position. */
  complete(records: number): bigint {
    const window = this.take();
    this.size = nextWindowSize(this.size, { records, span: window.to - window.from }, this.options);
    this.guessed = false;
    this.position = window.to;
    // Jump over ranges read ahead by splits.
    while (this.done[0] && this.done[0].from <= this.position) this.position = maxTicks(this.position, this.done.shift()!.to);
    return this.position;
  }

  /**
   * The current window was given up before any record came out (its answers are not newest first, so a window this
   * large could not be split): it is read again from its start in windows that start at the planner's initial size.
   */
  abandon(): void {
    this.take();
    this.size = this.options.initial;
  }

  /**
   * Where the current window could be split once the newest-first records down to `oldest` are out:
   * the next whole second after `oldest` (every record from there to the window end has been emitted).
   * Undefined when no whole second would be saved: keep reading the window then.
   */
  splitPoint(oldest: bigint): bigint | undefined {
    const window = this.current;
    if (!window) return undefined;
    const at = floorToSecond(oldest) + TICKS_PER_SECOND;
    return at < window.to && at > window.from ? at : undefined;
  }

  /**
   * The current window was stopped after `records` records down to `oldest`: [splitPoint, end) is done. The gap is read
   * in windows sized at the rate just observed, with no step limit: that rate is a measurement, the window's size was not.
   */
  split(oldest: bigint, records: number): void {
    const at = this.splitPoint(oldest);
    if (at === undefined) throw new Error('WindowWalker: this window cannot be split there');
    const window = this.take();
    this.size = nextWindowSize(this.size, { records, span: window.to - oldest }, this.options, true);
    this.guessed = false;
    this.done.unshift({ from: at, to: window.to });
    // Adjacent done ranges merge, so one jump covers them.
    if (this.done[1] && this.done[1].from <= window.to) this.done.splice(0, 2, { from: at, to: this.done[1].to });
  }

  private take(): { from: bigint; to: bigint } {
    const window = this.current;
    if (!window) throw new Error('WindowWalker: no window in progress');
    this.current = undefined;
    return window;
  }
}
