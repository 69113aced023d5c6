// The sign_ins stream: interactive sign-ins read in ascending createdDateTime windows, checkpointed after each window.
// https://learn.microsoft.com/graph/api/signin-list
import type { SignInsRecord } from '../../generated/sign-ins.js';
import type { GraphClient, GraphPage } from '../../graph/types.js';
import { joinNonEmpty } from '../derive.js';
import type { StreamDef, StreamOutput } from '../types.js';
import { formatInstant, parseInstant, TICKS_PER_SECOND } from './instants.js';
import { parseSignInsState, type SignInsState, stateCursor } from './state.js';
import { beforeWindowEnd, PLANNER, planRange, RETENTION_DAYS, type SyncRange, WindowWalker, windowFilter } from './windows.js';

/** A signIn as Graph returns it: the record without the derived loginLocation. */
type GraphSignIn = SignInsRecord;

/** The largest page Graph serves for sign-ins (https://learn.microsoft.com/graph/api/signin-list#optional-query-parameters). */
const PAGE_SIZE = 1000;

/** "Login Location" as the SaaS-management integration this connector reproduces lists it: "city, state, country", from the non-empty parts. */
export const loginLocation = (signIn: GraphSignIn): string | null =>
  joinNonEmpty([signIn.location?.city, signIn.location?.state, signIn.location?.countryOrRegion]);

interface WindowProgress {
  records: number;
  /** Oldest createdDateTime seen so far (results come newest first). */
  oldest?: bigint;
  /** The last record's createdDateTime, to check the newest-first order across pages. */
  last?: bigint;
  /** False once a record came out of newest-first order or had no readable createdDateTime: no split then. */
  ordered: boolean;
  /** True when the window was stopped early to be split. */
  stopped: boolean;
}

/** The window's progress once `signIns` (the next page) are read: records it keeps, oldest instant, order. Pure. */
function advance(progress: WindowProgress, signIns: GraphSignIn[], to: bigint): WindowProgress {
  const next = { ...progress };
  for (const signIn of signIns) {
    const created = parseInstant(signIn.createdDateTime);
    if (created === undefined || (next.last !== undefined && created > next.last)) next.ordered = false;
    if (created !== undefined) {
      next.last = created;
      if (next.oldest === undefined || created < next.oldest) next.oldest = created;
    }
    if (beforeWindowEnd(created, to)) next.records++;
  }
  return next;
}

/**
 * Reads window [from, to): `ge from and le to`, dropping records at exactly `to` (the next window
 * owns them). Stops early when more pages remain and mayStop agrees (the walker can split the window),
 * provided every record so far came newest first as Graph documents.
 */
async function* readWindow(
  graph: GraphClient,
  window: { from: bigint; to: bigint },
  mayStop: (records: number, oldest: bigint) => boolean,
  progress: WindowProgress,
): AsyncGenerator<StreamOutput<SignInsRecord>> {
  const stopsAfter = (page: GraphPage<GraphSignIn>, after: WindowProgress) =>
    page.nextLink !== undefined && after.ordered && after.oldest !== undefined && mayStop(after.records, after.oldest);
  const pages = graph.pages<GraphSignIn>('/auditLogs/signIns', {
    query: { $filter: windowFilter(window.from, window.to), $top: PAGE_SIZE },
    bucket: 'reports',
    // The same decision as below, made before the page's records are out: a page the window will
    // stop after needs no read-ahead, which would spend a reports request (2 s of the 5-per-10-s
    // budget) on a page the split reads again anyway.
    readAhead: (page) => !stopsAfter(page, advance(progress, page.value, window.to)),
  });
  for await (const page of pages) {
    const after = advance(progress, page.value, window.to);
    for (const signIn of page.value) {
      if (!beforeWindowEnd(parseInstant(signIn.createdDateTime), window.to)) continue;
      // The page is this stream's own parsed copy: the derived field is added in place, not to a copy of each sign-in.
      signIn.loginLocation = loginLocation(signIn);
      yield { kind: 'record', data: signIn };
    }
    Object.assign(progress, after);
    if (stopsAfter(page, after)) {
      progress.stopped = true;
      return; // leaving the loop closes the pager: no further page is requested
    }
  }
}

function describeRange(range: SyncRange, lookbackMinutes: number): string {
  const span = `createdDateTime from ${formatInstant(range.from)} up to (not including) ${formatInstant(range.to)}`;
  return range.cursor === undefined
    ? `sign_ins: reading sign-ins with ${span}.`
    : `sign_ins: reading sign-ins with ${span} (the saved cursor ${formatInstant(range.cursor)} minus the ${lookbackMinutes}-minute lookback; sign-ins read again are de-duplicated by id).`;
}

export const signIns: StreamDef<SignInsRecord, SignInsState> = {
  name: 'sign_ins',
  schemaName: 'sign_ins',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh', 'incremental'],
  cursorField: ['createdDateTime'],
  // The sign-in list's permissions table names AuditLog.Read.All alone as least privileged; a known-issue
  // note on the same page says Directory.Read.All is needed too
  // (https://learn.microsoft.com/graph/api/signin-list#permissions). Only the first is required: the
  // second is advice, so an app granted AuditLog.Read.All alone is tried, and a 403 then names the fix.
  permissions: [['AuditLog.Read.All']],
  advisedPermissions: {
    requirement: [['Directory.Read.All']],
    reason:
      "Microsoft's sign-in list page notes a known issue that requires Directory.Read.All next to AuditLog.Read.All (https://learn.microsoft.com/graph/api/signin-list#permissions)",
  },
  // The page's national-cloud table lists v1.0 GET /auditLogs/signIns in the global cloud only, and China
  // tenants get "Resource not found for the segment 'signIns'" (https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/3189).
  availability: { clouds: ['global'], data: 'sign-in logs', page: 'https://learn.microsoft.com/graph/api/signin-list' },
  // signIns documents only $top, $skiptoken and $filter (https://learn.microsoft.com/graph/api/signin-list#optional-query-parameters): no $select.
  probes: [{ path: '/auditLogs/signIns', query: { $top: 1 }, bucket: 'reports' }],
  parseState: (raw) => parseSignInsState(raw),

  async *read({ graph, config, log, state, now = Date.now }) {
    const cursor = stateCursor(state);
    const range = planRange({
      nowMs: now(),
      ...(config.start_date ? { startDate: config.start_date } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
      lookbackMinutes: config.sign_in_lookback_minutes,
    });
    if (range.empty) {
      log.info(
        `sign_ins: nothing to read: the ${cursor !== undefined ? 'saved cursor minus the lookback' : 'start_date'} is at or after ${formatInstant(range.to)} (now minus the publishing lag). The state is kept as it is.`,
      );
      return;
    }
    if (range.clampedFrom !== undefined) {
      log.warn(
        `sign_ins: ${cursor !== undefined ? 'the saved cursor minus the lookback' : 'start_date'} (${formatInstant(range.clampedFrom)}) is older than the ${RETENTION_DAYS} days Microsoft Graph keeps sign-in logs; reading from ${formatInstant(range.from)} instead. Sign-ins before that are no longer available.`,
      );
    }
    log.info(describeRange(range, config.sign_in_lookback_minutes));

    const walker = new WindowWalker(range.from, range.to);
    for (let window = walker.next(); window; window = walker.next()) {
      const progress: WindowProgress = { records: 0, ordered: true, stopped: false };
      const mayStop = (records: number, oldest: bigint) => records >= PLANNER.splitAfterRecords && walker.splitPoint(oldest) !== undefined;
      yield* readWindow(graph, window, mayStop, progress);
      if (progress.stopped) {
        walker.split(progress.oldest!, progress.records);
        log.debug(
          `sign_ins: window ${windowFilter(window.from, window.to)} holds more than ${progress.records} sign-ins; reading its older part in smaller windows.`,
        );
        continue;
      }
      const position = walker.complete(progress.records);
      log.debug(
        `sign_ins: window ${windowFilter(window.from, window.to)} done (${progress.records} sign-ins); next window ${walker.size / TICKS_PER_SECOND} s.`,
      );
      // The cursor never moves backwards: windows inside the lookback end before the saved cursor.
      if (range.cursor === undefined || position > range.cursor)
        yield { kind: 'checkpoint', state: { createdDateTime: formatInstant(position) } };
    }
  },
};
