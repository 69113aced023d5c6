// Unit tests of the log streams' window engine (sign_ins, directory_audits): 7-digit instants, filter literals, the sync range, the planner and the walker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ceilToSecond,
  floorToSecond,
  formatInstant,
  msToTicks,
  parseInstant,
  TICKS_PER_DAY,
  TICKS_PER_MINUTE,
  TICKS_PER_SECOND,
} from '../../source-azure-client-credentials/streams/windows/instants.js';
import {
  beforeWindowEnd,
  END_LAG_MINUTES,
  estimateRows,
  nextWindowSize,
  PLANNER,
  planRange,
  RETENTION_MARGIN_MINUTES,
  WindowWalker,
  windowFilter,
} from '../../source-azure-client-credentials/streams/windows/windows.js';

const t = (iso: string): bigint => {
  const ticks = parseInstant(iso);
  assert.ok(ticks !== undefined, `${iso} should parse`);
  return ticks;
};

test('instants keep all 7 fractional digits that Date would lose', () => {
  const a = t('2026-11-01T10:00:00.1234567Z');
  const b = t('2026-11-01T10:00:00.1234568Z');
  assert.equal(b - a, 1n);
  assert.equal(formatInstant(a), '2026-11-01T10:00:00.1234567Z');
  // Fewer digits are padded, more are truncated to 100 ns.
  assert.equal(t('2026-11-01T10:00:00.5Z'), t('2026-11-01T10:00:00.5000000Z'));
  assert.equal(t('2026-11-01T10:00:00.123456789Z'), t('2026-11-01T10:00:00.1234567Z'));
  assert.equal(t('2026-11-01T10:00:00Z') % TICKS_PER_SECOND, 0n);
});

test('instants honour offsets and reject what is not a real ISO date-time', () => {
  assert.equal(t('2026-11-01T12:00:00+02:00'), t('2026-11-01T10:00:00Z'));
  assert.equal(t('2026-11-01T07:30:00.25-02:30'), t('2026-11-01T10:00:00.25Z'));
  for (const bad of [
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-01',
    '2026-11-01 10:00:00Z',
    'yesterday',
    '',
    '2026-11-01T10:00:00',
  ]) {
    assert.equal(parseInstant(bad), undefined, bad);
  }
  assert.equal(parseInstant(1762000000000), undefined);
  assert.equal(parseInstant(null), undefined);
});

test('instants check the calendar and the clock digit by digit, as Date.parse with a round trip did', () => {
  // Leap days: every 4 years, except centuries not divisible by 400 (proleptic Gregorian, year 0 included).
  assert.equal(t('2024-02-29T00:00:00Z'), msToTicks(Date.UTC(2024, 1, 29)));
  assert.equal(t('2000-02-29T12:00:00Z'), msToTicks(Date.UTC(2000, 1, 29, 12)));
  assert.equal(t('0000-02-29T00:00:00Z'), msToTicks(Date.parse('0000-02-29T00:00:00Z')));
  assert.equal(t('0099-12-31T23:59:59Z'), msToTicks(Date.parse('0099-12-31T23:59:59Z')), 'not 1999 as Date.UTC would read year 99');
  assert.equal(t('9999-12-31T23:59:59.9999999Z'), msToTicks(Date.parse('9999-12-31T23:59:59Z')) + 9_999_999n);
  assert.equal(t('1969-12-31T23:59:59Z'), -TICKS_PER_SECOND);
  // z, surrounding whitespace, a long fraction, extreme offsets.
  assert.equal(t(' 2026-11-01T10:00:00.1z\n'), t('2026-11-01T10:00:00.1Z'));
  assert.equal(t('2026-11-01T00:00:00+14:00'), t('2026-10-31T10:00:00Z'));
  assert.equal(t('2026-11-01T00:00:00-12:00'), t('2026-11-01T12:00:00Z'));
  assert.equal(t('2026-11-01T00:00:00.00000019999Z'), 1n + t('2026-11-01T00:00:00Z'));
  for (const bad of [
    '2023-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-11-00T00:00:00Z',
    '2026-11-01T24:00:00Z',
    '2026-11-01T10:60:00Z',
    '2026-11-01T10:00:60Z',
    '2026-11-01t10:00:00Z',
    '2026-11-01T10:00:00.Z',
    '2026-11-01T10:00:00ZZ',
    '2026-11-01T10:00:00+0200',
    '2026-11-01T10:00:00+02:0',
    '2026-11-01T10:00:00.5',
    '+2026-11-01T10:00:00Z',
    '2026-1-01T10:00:00Z',
    '2026-11-01T10:0a:00Z',
    '2026-11-01T10:00:00\u0663Z',
  ]) {
    assert.equal(parseInstant(bad), undefined, bad);
  }
});

test('instants agree with Date.parse for every hour of four centuries of leap-year rules', () => {
  // 1600-2401 in steps of 7 days and 1 hour: every month length and leap rule, both sides of the epoch.
  const step = 7 * 86_400_000 + 3_600_000;
  for (let ms = Date.UTC(1600, 0, 1); ms < Date.UTC(2401, 0, 1); ms += step) {
    const iso = new Date(ms).toISOString(); // YYYY-MM-DDThh:mm:ss.sssZ
    assert.equal(parseInstant(iso), msToTicks(ms), iso);
  }
});

test('whole-second rounding works before and after the epoch', () => {
  const x = t('2026-11-01T10:00:00.9Z');
  assert.equal(formatInstant(floorToSecond(x)), '2026-11-01T10:00:00Z');
  assert.equal(formatInstant(ceilToSecond(x)), '2026-11-01T10:00:01Z');
  assert.equal(ceilToSecond(t('2026-11-01T10:00:00Z')), t('2026-11-01T10:00:00Z'));
  assert.equal(formatInstant(floorToSecond(t('1969-12-31T23:59:59.5Z'))), '1969-12-31T23:59:59Z');
});

test('the window filter uses unquoted UTC literals with ge and le on the cursor property', () => {
  assert.equal(
    windowFilter('createdDateTime', t('2026-11-01T00:00:00Z'), t('2026-11-01T06:30:00Z')),
    'createdDateTime ge 2026-11-01T00:00:00Z and createdDateTime le 2026-11-01T06:30:00Z',
  );
  assert.equal(
    windowFilter('activityDateTime', t('2026-11-01T00:00:00.5Z'), t('2026-11-01T06:30:00Z')),
    'activityDateTime ge 2026-11-01T00:00:00.5000000Z and activityDateTime le 2026-11-01T06:30:00Z',
  );
  assert.doesNotMatch(windowFilter('createdDateTime', t('2026-11-01T00:00:00Z'), t('2026-11-02T00:00:00Z')), /'/);
});

test('a record at exactly the window end belongs to the next window, compared at 100 ns', () => {
  const end = t('2026-11-01T06:00:00Z');
  assert.equal(beforeWindowEnd(t('2026-11-01T06:00:00.0000000Z'), end), false);
  assert.equal(beforeWindowEnd(t('2026-11-01T06:00:00+00:00'), end), false);
  assert.equal(beforeWindowEnd(t('2026-11-01T05:59:59.9999999Z'), end), true);
  // Same millisecond as the end but 100 ns later: Date would call it equal; it is after the end.
  assert.equal(beforeWindowEnd(t('2026-11-01T06:00:00.0000001Z'), end), false);
  // A record whose date cannot be read is kept rather than lost.
  assert.equal(beforeWindowEnd(undefined, end), true);
});

const NOW = Date.parse('2026-12-01T12:00:00.750Z');
const now = t('2026-12-01T12:00:00.750Z');
/** The sign-in logs' retention (P1/P2); directory audits keep the same 30 days, or 7 without a licence. */
const RETENTION_DAYS = 30;

test('first sync without start_date: the retention window minus a margin, up to now minus the lag', () => {
  const range = planRange({ nowMs: NOW, lookbackMinutes: 10, retentionDays: RETENTION_DAYS });
  assert.equal(range.to, floorToSecond(now - BigInt(END_LAG_MINUTES) * TICKS_PER_MINUTE));
  assert.equal(formatInstant(range.to), '2026-12-01T11:58:00Z');
  assert.equal(
    range.from,
    ceilToSecond(now - BigInt(RETENTION_DAYS) * TICKS_PER_DAY + BigInt(RETENTION_MARGIN_MINUTES) * TICKS_PER_MINUTE),
  );
  assert.equal(formatInstant(range.from), '2026-11-01T12:15:01Z');
  assert.equal(range.clampedFrom, undefined, 'the default start is not a clamp worth a warning');
  assert.equal(range.empty, false);
});

test('a shorter retention (directory audits without a licence: 7 days) moves the default start and the clamp forward', () => {
  const range = planRange({ nowMs: NOW, lookbackMinutes: 10, retentionDays: 7 });
  assert.equal(formatInstant(range.from), '2026-11-24T12:15:01Z');
  assert.equal(range.clampedFrom, undefined);
  const old = planRange({ nowMs: NOW, startDate: '2026-11-20T00:00:00Z', lookbackMinutes: 10, retentionDays: 7 });
  assert.equal(formatInstant(old.from), '2026-11-24T12:15:01Z');
  assert.equal(formatInstant(old.clampedFrom!), '2026-11-20T00:00:00Z');
});

test('first sync: start_date inside retention is used; older is clamped and reported', () => {
  const inside = planRange({ nowMs: NOW, startDate: '2026-11-20T00:00:00Z', lookbackMinutes: 10, retentionDays: RETENTION_DAYS });
  assert.equal(formatInstant(inside.from), '2026-11-20T00:00:00Z');
  assert.equal(inside.clampedFrom, undefined);
  const old = planRange({ nowMs: NOW, startDate: '2025-01-01T00:00:00Z', lookbackMinutes: 10, retentionDays: RETENTION_DAYS });
  assert.equal(formatInstant(old.from), '2026-11-01T12:15:01Z');
  assert.equal(formatInstant(old.clampedFrom!), '2025-01-01T00:00:00Z');
  const future = planRange({ nowMs: NOW, startDate: '2027-01-01T00:00:00Z', lookbackMinutes: 10, retentionDays: RETENTION_DAYS });
  assert.equal(future.empty, true);
});

test('later syncs start at the cursor minus the lookback; only a cursor past the end by more than the lookback reads nothing', () => {
  const later = planRange({ nowMs: NOW, cursor: t('2026-12-01T08:00:00.5Z'), lookbackMinutes: 10, retentionDays: RETENTION_DAYS });
  assert.equal(formatInstant(later.from), '2026-12-01T07:50:00Z');
  assert.equal(later.cursor, t('2026-12-01T08:00:00.5Z'));
  assert.equal(later.empty, false);
  // Inside the lag: the lookback before the cursor is still read (the stream emits no checkpoint behind
  // the cursor); with no lookback there is nothing to read.
  const recent = planRange({ nowMs: NOW, cursor: t('2026-12-01T11:59:00Z'), lookbackMinutes: 10, retentionDays: RETENTION_DAYS });
  assert.equal(recent.empty, false);
  assert.equal(formatInstant(recent.from), '2026-12-01T11:49:00Z');
  assert.equal(planRange({ nowMs: NOW, cursor: t('2026-12-01T11:59:00Z'), lookbackMinutes: 0, retentionDays: RETENTION_DAYS }).empty, true);
  assert.equal(
    planRange({ nowMs: NOW, cursor: t('2121-01-01T00:00:00Z'), lookbackMinutes: 10, retentionDays: RETENTION_DAYS }).empty,
    true,
  );
  // A cursor older than retention (a paused connection) is clamped like start_date.
  const stale = planRange({ nowMs: NOW, cursor: t('2026-10-01T00:00:00Z'), lookbackMinutes: 10, retentionDays: RETENTION_DAYS });
  assert.equal(formatInstant(stale.from), '2026-11-01T12:15:01Z');
  assert.equal(formatInstant(stale.clampedFrom!), '2026-09-30T23:50:00Z');
});

test('the planner aims at the target, grows when quiet and shrinks when busy, within bounds', () => {
  const hour = 60n * TICKS_PER_MINUTE;
  // 2,500 records in an hour: 4 hours would hold the 10,000 target.
  assert.equal(nextWindowSize(hour, { records: 2_500, span: hour }), 4n * hour);
  // Quiet: an empty window grows 4x, never past the maximum.
  assert.equal(nextWindowSize(hour, { records: 0, span: hour }), 4n * hour);
  assert.equal(nextWindowSize(PLANNER.max, { records: 0, span: PLANNER.max }), PLANNER.max);
  // Busy: 40,000 in an hour -> 15 minutes; 1,000,000 in an hour shrinks at most 8x.
  assert.equal(nextWindowSize(hour, { records: 40_000, span: hour }), 15n * TICKS_PER_MINUTE);
  assert.equal(nextWindowSize(hour, { records: 1_000_000, span: hour }), hour / 8n);
  // Never under a second, always whole seconds.
  assert.equal(nextWindowSize(TICKS_PER_SECOND, { records: 1_000_000, span: TICKS_PER_SECOND }), TICKS_PER_SECOND);
  assert.equal(nextWindowSize(hour, { records: 7, span: hour }) % TICKS_PER_SECOND, 0n);
});

test('the walker reads the whole range as its first window; a first window of 1 hour grows 4x per quiet window', () => {
  const from = t('2026-11-01T00:00:00Z');
  const end = t('2026-11-03T00:00:00Z');
  const whole = new WindowWalker(from, end);
  assert.deepEqual(whole.next(), { from, to: end });
  assert.equal(whole.complete(10), end);
  assert.equal(whole.next(), undefined);
  // The test-only first window (AZURE_GRAPH_LOG_WINDOW_MINUTES) and the one after an abandoned window: 1 h, 4 h, 16 h, rest.
  const walker = new WindowWalker(from, end, PLANNER, PLANNER.initial);
  let expectedFrom = from;
  let windows = 0;
  for (let w = walker.next(); w; w = walker.next()) {
    assert.equal(w.from, expectedFrom);
    assert.ok(w.to > w.from && w.to <= end);
    assert.equal(walker.complete(10), w.to);
    expectedFrom = w.to;
    windows++;
  }
  assert.equal(expectedFrom, end);
  assert.equal(windows, 4);
});

test('a first window larger than the initial size may be abandoned once: the range is read again from 1-hour windows', () => {
  const from = t('2026-11-01T00:00:00Z');
  const end = t('2026-11-03T00:00:00Z');
  const walker = new WindowWalker(from, end);
  walker.next();
  assert.equal(walker.mayAbandon, true);
  walker.abandon();
  const again = walker.next()!;
  assert.deepEqual(again, { from, to: from + PLANNER.initial }, 'the same start, at the initial size');
  assert.equal(walker.mayAbandon, false, 'a window of the initial size is read whole in any order');
  assert.equal(walker.complete(3), from + PLANNER.initial);
  walker.next();
  assert.equal(walker.mayAbandon, false);
  // A range within the initial size is one window that is never abandoned.
  const short = new WindowWalker(from, from + PLANNER.initial);
  short.next();
  assert.equal(short.mayAbandon, false);
});

test('after a split the gap is read at the observed rate, without the 8x shrink limit (the first window was a guess)', () => {
  const from = t('2026-10-01T00:00:00Z');
  const end = t('2026-10-31T00:00:00Z');
  const walker = new WindowWalker(from, end);
  walker.next();
  // 25,000 records newest first over the last 2.5 days: 10,000 fit in 1 day, where the 8x limit would have allowed 3.75.
  walker.split(t('2026-10-28T12:00:00Z'), 25_000);
  const gap = walker.next()!;
  assert.equal(gap.from, from);
  assert.equal(gap.to - gap.from, 24n * 60n * TICKS_PER_MINUTE);
});

test('estimateRows: the known rows plus the sample density over the unread span', () => {
  const day = 24n * 60n * TICKS_PER_MINUTE;
  assert.equal(estimateRows(1_000, { records: 1_000, span: day / 4n }, 29n * day), 1_000 + 116_000);
  assert.equal(estimateRows(25_000, { records: 25_000, span: 7n * day }, 0n), 25_000);
  assert.equal(estimateRows(12, { records: 0, span: 0n }, day), 12);
});

test('a split window leaves its newer part done: the walker reads the gap, then jumps over it', () => {
  const from = t('2026-11-01T00:00:00Z');
  const end = t('2026-11-01T01:00:00Z');
  const walker = new WindowWalker(from, end);
  const w = walker.next()!;
  assert.equal(w.to, end);
  // 25,000 records read newest first down to 00:40:10.3: everything from 00:40:11 on is out.
  const oldest = t('2026-11-01T00:40:10.3Z');
  assert.equal(walker.splitPoint(oldest), t('2026-11-01T00:40:11Z'));
  walker.split(oldest, 25_000);
  let position = from;
  const seen: Array<[string, string]> = [];
  for (let next = walker.next(); next; next = walker.next()) {
    assert.ok(next.to <= t('2026-11-01T00:40:11Z'), 'never re-reads the done part');
    seen.push([formatInstant(next.from), formatInstant(next.to)]);
    position = walker.complete(100);
  }
  assert.equal(position, end, 'the last gap window jumps the cursor to the end of the split window');
  assert.equal(seen[0]![0], '2026-11-01T00:00:00Z');
  assert.equal(seen.at(-1)![1], '2026-11-01T00:40:11Z');
  // No whole second to gain: no split.
  const tight = new WindowWalker(from, end);
  tight.next();
  assert.equal(tight.splitPoint(t('2026-11-01T00:59:59.5Z')), undefined);
});

test('nested splits merge their done ranges', () => {
  const from = t('2026-11-01T00:00:00Z');
  const walker = new WindowWalker(from, t('2026-11-01T01:00:00Z'));
  walker.next();
  walker.split(t('2026-11-01T00:30:00.5Z'), 25_000); // done: [00:30:01, 01:00)
  const gap = walker.next()!;
  assert.equal(gap.from, from);
  // The gap is capped by the done range or by the shrunken size; make it reach the done range.
  assert.ok(gap.to <= t('2026-11-01T00:30:01Z'));
  let w = gap;
  while (w.to < t('2026-11-01T00:30:01Z')) {
    walker.complete(1);
    w = walker.next()!;
  }
  walker.split(t('2026-11-01T00:20:00Z'), 25_000); // done: [00:20:01, 01:00) after merging
  let position = 0n;
  for (let next = walker.next(); next; next = walker.next()) {
    assert.ok(next.to <= t('2026-11-01T00:20:01Z'));
    position = walker.complete(1);
  }
  assert.equal(formatInstant(position), '2026-11-01T01:00:00Z');
});
