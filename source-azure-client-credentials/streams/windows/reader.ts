// The window engine of the log streams: reads [start, now - lag) in ascending time windows on a cursor property, checkpointing after each.
// sign_ins (createdDateTime) and directory_audits (activityDateTime) are this engine with their own endpoint, nouns and records.
import { matchesRow } from '../../graph/errors.js';
import type { GraphClient, GraphPage, GraphVersion } from '../../graph/types.js';
import type { Logger } from '../../logger.js';
import type { ReadContext, StreamOutput } from '../types.js';
import { floorToSecond, formatInstant, parseInstant, TICKS_PER_MINUTE, TICKS_PER_SECOND } from './instants.js';
import {
  beforeWindowEnd,
  estimateRows,
  PLANNER,
  planRange,
  retentionStart,
  type SyncRange,
  WindowWalker,
  windowFilter,
} from './windows.js';

/** One window's request: the path below the version root, its query (with the window's $filter) and the Graph version. */
export interface WindowRequest {
  path: string;
  query: Record<string, string | number>;
  version?: GraphVersion;
}

/** What a log stream tells the engine. */
export interface WindowedLog<G extends object, R> {
  stream: string;
  /** The DateTimeOffset property the windows filter and the cursor follows, e.g. createdDateTime. */
  cursor: string;
  /** The records in messages, plural, e.g. "sign-ins". */
  noun: string;
  /** What Graph keeps, for the retention warning, e.g. "sign-in logs". */
  logs: string;
  /** Days Graph keeps the log (https://learn.microsoft.com/entra/identity/monitoring-health/reference-reports-data-retention). */
  retentionDays: number;
  /**
   * A shorter retention some tenants have (directory audits: 7 days without a P1/P2 licence). A range that starts before it
   * is read as usual; if Graph refuses the first window's literal as invalid (400, as signIns does beyond retention), the
   * range is moved forward to this retention, with a warning, and read again. Absent: a refusal fails the stream.
   */
  shortRetention?: { days: number; tenants: string };
  /** The request for the window whose $filter on the cursor is `filter`. */
  request(filter: string): WindowRequest;
  /** The record a Graph item becomes (derived fields added); the item is the engine's to give: it may be changed and returned. */
  record(item: G): R;
}

/** What one read brings: the client, the clock, where to start, and the shape of a checkpoint. */
export interface WindowedRead {
  graph: GraphClient;
  log: Logger;
  nowMs: number;
  /** config.start_date (used without a cursor). */
  startDate?: string;
  /** The saved cursor; undefined on a first sync (or a restart). */
  cursor?: bigint;
  lookbackMinutes: number;
  /** The state of a checkpoint at `position` (an ISO-8601 instant). */
  checkpoint(position: string): object;
}

/**
 * What every log stream passes from its read context: the client, the clock, start_date, the lookback (one option,
 * sign_in_lookback_minutes, for every log: audit events are published late too,
 * https://learn.microsoft.com/entra/identity/monitoring-health/reference-reports-latencies) and the saved cursor.
 */
export function readFrom(
  { graph, config, log, now = Date.now }: ReadContext<unknown>,
  cursor: bigint | undefined,
): Omit<WindowedRead, 'checkpoint'> {
  return {
    graph,
    log,
    nowMs: now(),
    ...(config.start_date ? { startDate: config.start_date } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
    lookbackMinutes: config.sign_in_lookback_minutes,
  };
}

interface WindowProgress {
  records: number;
  /** Oldest cursor value seen so far (results come newest first when Graph keeps its documented order). */
  oldest?: bigint;
  /** The last record's cursor value, to check the newest-first order across pages. */
  last?: bigint;
  /** The ids of the records out so far in the oldest record's whole second: a split reads that second again. */
  tail: { second: bigint; ids: string[] } | undefined;
  /** False once a record came out of newest-first order or had no readable cursor value: no split then. */
  ordered: boolean;
  /** True when the window was stopped early to be split. */
  stopped: boolean;
  /** True when the window was given up before its first record came out (its answers are not newest first). */
  abandoned: boolean;
}

const instantOf = (item: object, cursor: string): bigint | undefined => parseInstant((item as Record<string, unknown>)[cursor]);
const idOf = (item: object): string | undefined => {
  const id = (item as Record<string, unknown>).id;
  return typeof id === 'string' ? id : undefined;
};

/**
 * The window's progress once `items` (the next page, less those already out; `instants[i]` is the cursor value of
 * `items[i]`) are read: records it keeps, oldest instant, order. Pure.
 */
function advance(
  progress: WindowProgress,
  items: readonly object[],
  instants: readonly (bigint | undefined)[],
  to: bigint,
): WindowProgress {
  const next = { ...progress };
  for (let i = 0; i < items.length; i++) {
    const at = instants[i];
    if (at === undefined || (next.last !== undefined && at > next.last)) next.ordered = false;
    if (at !== undefined) {
      next.last = at;
      if (next.oldest === undefined || at < next.oldest) next.oldest = at;
    }
    if (!beforeWindowEnd(at, to)) continue;
    next.records++;
    const id = idOf(items[i]!);
    if (at === undefined || id === undefined) continue;
    const second = floorToSecond(at);
    if (next.tail?.second === second) next.tail = { second, ids: [...next.tail.ids, id] };
    else if (next.tail === undefined || second < next.tail.second) next.tail = { second, ids: [id] };
  }
  return next;
}

/** An estimate of the rows of the range (an ESTIMATE trace). */
type Estimate = { kind: 'estimate'; rows: number };

/** What a window's reader is told besides its bounds. */
interface WindowControl {
  /** Whether the walker can split the window once `records` are out down to `oldest`. */
  mayStop(records: number, oldest: bigint): boolean;
  /** Whether the window may be given up on its first page when that page is not newest first (walker.mayAbandon). */
  mayAbandon: boolean;
  /** Ids already emitted by a split window whose second this window reads again: not emitted twice. */
  skip: ReadonlySet<string>;
  /** Called with each page's progress (and whether more pages follow) before its records are yielded; may return an output to yield first. */
  onPage(after: WindowProgress, more: boolean): Estimate | undefined;
}

/**
 * Reads window [from, to): `ge from and le to`, dropping records at exactly `to` (the next window owns them).
 * Records may come in any order; when more pages remain, every record so far came newest first (as Graph documents
 * for signIns) and mayStop agrees (the walker can split the window), the window stops early, and its read part is
 * left to the walker. A first page that is not newest first gives up a window that may be abandoned, before any of
 * its records is out.
 */
async function* readWindow<G extends object, R>(
  spec: WindowedLog<G, R>,
  graph: GraphClient,
  window: { from: bigint; to: bigint },
  control: WindowControl,
  progress: WindowProgress,
): AsyncGenerator<StreamOutput<R>> {
  const { cursor } = spec;
  const fresh = (items: G[]) => (control.skip.size === 0 ? items : items.filter((item) => !control.skip.has(idOf(item) ?? '')));
  /**
   * A page's new items, their cursor values (each parsed once) and the progress after them: worked out when readAhead
   * asks about the page, and reused when the page comes out right after (progress does not move in between).
   */
  let studied: { page: GraphPage<G>; items: G[]; instants: (bigint | undefined)[]; after: WindowProgress } | undefined;
  const study = (page: GraphPage<G>) => {
    if (studied?.page !== page) {
      const items = fresh(page.value);
      const instants = items.map((item) => instantOf(item, cursor));
      studied = { page, items, instants, after: advance(progress, items, instants, window.to) };
    }
    return studied;
  };
  const stopsAfter = (page: GraphPage<G>, after: WindowProgress) =>
    page.nextLink !== undefined && after.ordered && after.oldest !== undefined && control.mayStop(after.records, after.oldest);
  const abandons = (page: GraphPage<G>, after: WindowProgress) =>
    control.mayAbandon && progress.records === 0 && page.nextLink !== undefined && !after.ordered;
  const { path, query, version } = spec.request(windowFilter(cursor, window.from, window.to));
  let first = true;
  const pages = graph.pages<G>(path, {
    query,
    ...(version ? { version } : {}),
    bucket: 'reports',
    // The same decisions as below, made before the page's records are out: a page the window will stop after (or
    // give up on) needs no read-ahead, which would spend a reports request (2 s of the 5-per-10-s budget) on a page
    // read again anyway.
    readAhead: (page) => {
      const { after } = study(page);
      return !stopsAfter(page, after) && !(first && abandons(page, after));
    },
  });
  for await (const page of pages) {
    const { items, instants, after } = study(page);
    studied = undefined;
    if (first && abandons(page, after)) {
      progress.abandoned = true;
      return;
    }
    first = false;
    const note = control.onPage(after, page.nextLink !== undefined);
    if (note) yield note;
    for (let i = 0; i < items.length; i++) {
      if (!beforeWindowEnd(instants[i], window.to)) continue;
      yield { kind: 'record', data: spec.record(items[i]!) };
    }
    Object.assign(progress, after);
    if (stopsAfter(page, after)) {
      progress.stopped = true;
      return; // leaving the loop closes the pager: no further page is requested
    }
  }
}

function describeRange(spec: WindowedLog<object, unknown>, range: SyncRange, lookbackMinutes: number): string {
  const span = `${spec.cursor} from ${formatInstant(range.from)} up to (not including) ${formatInstant(range.to)}`;
  return range.cursor === undefined
    ? `${spec.stream}: reading ${spec.noun} with ${span}.`
    : `${spec.stream}: reading ${spec.noun} with ${span} (the saved cursor ${formatInstant(range.cursor)} minus the ${lookbackMinutes}-minute lookback; ${spec.noun} read again are de-duplicated by id).`;
}

const capitalised = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/**
 * The test-only first window (AZURE_GRAPH_LOG_WINDOW_MINUTES, like AZURE_GRAPH_TIME_SCALE): small test tenants then
 * checkpoint several windows, as big tenants do; unset (always, in production), the first window is the whole range.
 */
function firstWindow(env: NodeJS.ProcessEnv = process.env): bigint | undefined {
  const minutes = Number(env.AZURE_GRAPH_LOG_WINDOW_MINUTES);
  return Number.isInteger(minutes) && minutes > 0 ? BigInt(minutes) * TICKS_PER_MINUTE : undefined;
}

/**
 * Walks one planned range window by window: records, a checkpoint after each completed window, and ESTIMATEs of the
 * range's rows. The estimate is what the walk has seen, never an extra request: the density of the first page of the
 * first window (newest first, so the page spans [its oldest record, the range end)) over the rest of the range, made
 * again from the first split (25 pages, a far better sample), or, when the answers are not newest first, from the first
 * completed window. A range read in one page gets none: it is done before a progress bar could help.
 */
async function* walk<G extends object, R>(spec: WindowedLog<G, R>, read: WindowedRead, range: SyncRange): AsyncGenerator<StreamOutput<R>> {
  const { stream, noun } = spec;
  const walker = new WindowWalker(range.from, range.to, PLANNER, firstWindow());
  const skip = new Set<string>();
  let total = 0;
  let estimates = 0;
  const estimate = (known: number, sample: { records: number; span: bigint }, unread: bigint): Estimate => {
    estimates++;
    return { kind: 'estimate', rows: estimateRows(known, sample, unread) };
  };
  for (let window = walker.next(); window; window = walker.next()) {
    const progress: WindowProgress = { records: 0, tail: undefined, ordered: true, stopped: false, abandoned: false };
    const first = window.from === range.from && window.to === range.to;
    const current = window;
    const control: WindowControl = {
      mayStop: (records, oldest) => records >= PLANNER.splitAfterRecords && walker.splitPoint(oldest) !== undefined,
      mayAbandon: walker.mayAbandon,
      skip,
      onPage: (after, more) => {
        if (!first || estimates > 0 || !more || !after.ordered || after.oldest === undefined) return undefined;
        // The page's records are not yet counted in total: they are yielded after the estimate.
        return estimate(total + after.records, { records: after.records, span: current.to - after.oldest }, after.oldest - current.from);
      },
    };
    const before = total;
    for await (const output of readWindow(spec, read.graph, window, control, progress)) {
      if (output.kind === 'record') total++;
      yield output;
    }
    const filter = windowFilter(spec.cursor, window.from, window.to);
    if (progress.abandoned) {
      walker.abandon();
      read.log.info(
        `${stream}: Microsoft Graph does not answer ${filter} newest first, so the range cannot be split where it gets large; reading it in windows that start at ${PLANNER.initial / TICKS_PER_MINUTE} minutes instead.`,
      );
      continue;
    }
    if (progress.stopped) {
      // The records of the oldest one's second are out, and the next windows read that second again.
      for (const id of progress.tail?.ids ?? []) skip.add(id);
      if (first && estimates === 1)
        yield estimate(total, { records: progress.records, span: window.to - progress.oldest! }, progress.oldest! - window.from);
      walker.split(progress.oldest!, progress.records);
      read.log.debug(`${stream}: window ${filter} holds more than ${progress.records} ${noun}; reading its older part in smaller windows.`);
      continue;
    }
    const position = walker.complete(progress.records);
    if (estimates === 0 && position < range.to)
      yield estimate(total, { records: total - before, span: window.to - window.from }, range.to - position);
    read.log.debug(`${stream}: window ${filter} done (${progress.records} ${noun}); next window ${walker.size / TICKS_PER_SECOND} s.`);
    // The cursor never moves backwards: windows inside the lookback end before the saved cursor.
    if (range.cursor === undefined || position > range.cursor)
      yield { kind: 'checkpoint', state: read.checkpoint(formatInstant(position)) };
  }
}

/**
 * Reads a log stream from the saved cursor minus the lookback (or start_date, or the retention limit) up to now minus the
 * publishing lag, in ascending windows; the state only moves after a whole window, so a sync killed at any point resumes
 * without a gap. Windows adapt to volume (PLANNER), and a burst that overfills one splits it when Graph answers newest
 * first. Every request draws from the reports budget.
 */
export async function* readWindowed<G extends object, R>(spec: WindowedLog<G, R>, read: WindowedRead): AsyncGenerator<StreamOutput<R>> {
  const { stream, noun, logs } = spec;
  const origin = read.cursor !== undefined ? 'the saved cursor minus the lookback' : 'start_date';
  const plan = (retentionDays: number) =>
    planRange({
      nowMs: read.nowMs,
      ...(read.startDate ? { startDate: read.startDate } : {}),
      ...(read.cursor !== undefined ? { cursor: read.cursor } : {}),
      lookbackMinutes: read.lookbackMinutes,
      retentionDays,
    });
  const range = plan(spec.retentionDays);
  if (range.empty) {
    read.log.info(
      `${stream}: nothing to read: the ${origin} is at or after ${formatInstant(range.to)} (now minus the publishing lag). The state is kept as it is.`,
    );
    return;
  }
  if (range.clampedFrom !== undefined) {
    read.log.warn(
      `${stream}: ${origin} (${formatInstant(range.clampedFrom)}) is older than the ${spec.retentionDays} days Microsoft Graph keeps ${logs}; reading from ${formatInstant(range.from)} instead. ${capitalised(noun)} before that are no longer available.`,
    );
  }
  read.log.info(describeRange(spec, range, read.lookbackMinutes));
  const short = spec.shortRetention;
  let emitted = false;
  try {
    for await (const output of walk(spec, read, range)) {
      emitted = true;
      yield output;
    }
  } catch (caught) {
    // Only the first window's literal can be older than what the tenant keeps: anything already out, another error, or a
    // range inside the short retention is a real failure.
    if (emitted || !short || !matchesRow(caught, 'http-400-bad-request') || range.from >= retentionStart(read.nowMs, short.days))
      throw caught;
    const shorter = plan(short.days);
    read.log.warn(
      `${stream}: Microsoft Graph refused ${spec.cursor} ${formatInstant(range.from)} as invalid (400), as it does for a date older than it keeps: ` +
        `the tenant keeps ${logs} for ${short.days} days (${short.tenants}). Reading from ${formatInstant(shorter.from)} instead; ${noun} before that are no longer available.`,
    );
    if (shorter.empty) return;
    read.log.info(describeRange(spec, shorter, read.lookbackMinutes));
    yield* walk(spec, read, shorter);
  }
}
