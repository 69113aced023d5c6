// Judges a read against the emulator's ground truth: per-stream outcome, exact record sets, and STATEs that never skip data.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '../emulator/index.js';
import type { Message, RunResult } from './connector.js';
import { announcedLogRange, isLogStream, LOG_STREAMS, type LogStream } from './log-streams.js';
import { repoRoot } from './paths.js';

export const STREAMS = ['users', 'service_principals', 'app_role_assignments', 'sign_ins', 'directory_audits'] as const;
export type StreamName = (typeof STREAMS)[number];

/** Primary keys as the brief's record shapes define them. */
const PRIMARY_KEYS: Record<StreamName, string[]> = {
  users: ['id'],
  service_principals: ['id'],
  app_role_assignments: ['id', 'userId'],
  sign_ins: ['id'],
  directory_audits: ['id'],
};

export const keyOf = (stream: StreamName, record: Record<string, unknown>): string =>
  PRIMARY_KEYS[stream].map((field) => String(record[field])).join('\u0000');

/** integration_tests/configured_catalog.json with the log streams switched to incremental on their cursors (the way a scheduled sync runs them). */
export function fullCatalog(): { streams: any[] } {
  const catalog = JSON.parse(readFileSync(join(repoRoot, 'integration_tests', 'configured_catalog.json'), 'utf8')) as { streams: any[] };
  for (const entry of catalog.streams) {
    const name: string = entry.stream.name;
    if (isLogStream(name)) {
      entry.sync_mode = 'incremental';
      entry.cursor_field = [LOG_STREAMS[name].cursor];
      entry.destination_sync_mode = 'append';
    }
  }
  return catalog;
}

/** The range a run of a log stream announced (the last one, should it have moved its start), if it got that far. */
export function logRange(messages: Message[], stream: LogStream): { from: Date; to: Date } | undefined {
  let found: { from: Date; to: Date } | undefined;
  for (const m of messages) {
    if (m.type !== 'LOG') continue;
    found = announcedLogRange(stream, m.log.message) ?? found;
  }
  return found;
}

/** The sign_ins range a run announced, if it got that far. */
export const signInRange = (messages: Message[]): { from: Date; to: Date } | undefined => logRange(messages, 'sign_ins');

/** The ground truth of one stream for a run: a log stream over the range the run announced. */
export function truthOfRun(emulator: Emulator, stream: StreamName, messages: Message[]): Record<string, unknown>[] {
  return truthOf(emulator, stream, isLogStream(stream) ? logRange(messages, stream) : undefined);
}

/** The ground truth of one stream; the log streams need the range the run read. */
export function truthOf(emulator: Emulator, stream: StreamName, range?: { from: Date; to: Date }): Record<string, unknown>[] {
  switch (stream) {
    case 'users':
      return emulator.truth.users();
    case 'service_principals':
      return emulator.truth.servicePrincipals();
    case 'app_role_assignments':
      return emulator.truth.appRoleAssignments();
    case 'sign_ins':
      assert.ok(range, 'sign_ins: the run never announced the range it reads');
      return emulator.truth.signIns(range.from, range.to);
    case 'directory_audits':
      assert.ok(range, 'directory_audits: the run never announced the range it reads');
      return emulator.truth.directoryAudits(range.from, range.to);
  }
}

/** Exactly the expected records: no key twice, none missing, none extra, each record equal in full. */
export function assertExactRecords(
  stream: StreamName,
  actual: Record<string, unknown>[],
  expected: Record<string, unknown>[],
  label = '',
): void {
  const got = new Map<string, Record<string, unknown>>();
  const duplicates: string[] = [];
  for (const record of actual) {
    const key = keyOf(stream, record);
    if (got.has(key)) duplicates.push(key);
    got.set(key, record);
  }
  assert.deepEqual(duplicates.slice(0, 5), [], `${label}${stream}: ${duplicates.length} duplicate records`);
  const want = new Map(expected.map((r) => [keyOf(stream, r), r]));
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !want.has(k));
  assert.deepEqual(
    { missing: missing.length, extra: extra.length },
    { missing: 0, extra: 0 },
    `${label}${stream}: ${missing.length} of ${want.size} expected records missing (e.g. ${missing.slice(0, 3).join(', ')}), ${extra.length} unexpected`,
  );
  for (const [key, record] of want)
    assert.deepEqual(got.get(key), record, `${label}${stream}: record ${key} differs from the ground truth`);
}

/** Every expected record is present at least once (duplicates allowed: resumed runs re-read). */
export function assertCovers(
  stream: StreamName,
  actual: Iterable<Record<string, unknown>>,
  expected: Record<string, unknown>[],
  label = '',
): void {
  const got = new Map<string, Record<string, unknown>>();
  for (const record of actual) got.set(keyOf(stream, record), record);
  const missing = expected.filter((r) => !got.has(keyOf(stream, r)));
  assert.equal(
    missing.length,
    0,
    `${label}${stream}: ${missing.length} of ${expected.length} ground-truth records never emitted (e.g. ${missing
      .slice(0, 3)
      .map((r) => keyOf(stream, r))
      .join(', ')})`,
  );
  for (const r of expected)
    assert.deepEqual(got.get(keyOf(stream, r)), r, `${label}${stream}: record ${keyOf(stream, r)} differs from the ground truth`);
}

export type Outcome = { kind: 'complete' } | { kind: 'failed'; failureType: string; message: string } | { kind: 'absent' };

/** How a stream ended in a run: its last status, and its ERROR trace when it failed. */
export function streamOutcome(result: RunResult, stream: StreamName): Outcome {
  const statuses = result.statuses(stream).filter((s) => s !== 'RUNNING');
  const last = statuses.at(-1);
  if (last === 'COMPLETE') return { kind: 'complete' };
  if (last === 'INCOMPLETE') {
    const errors = result.errors().filter((e) => e.stream_descriptor?.name === stream);
    assert.equal(errors.length, 1, `${stream} is INCOMPLETE: expected exactly one ERROR trace naming it, got ${errors.length}`);
    return { kind: 'failed', failureType: errors[0].failure_type, message: errors[0].message };
  }
  return { kind: 'absent' };
}

/** The cursor a log stream's STATE message saved. */
export const logCursorOf = (m: Message, stream: LogStream): string | undefined =>
  m.state.stream?.stream_state?.[LOG_STREAMS[stream].cursor];

/**
 * No STATE of any stream may skip data. Full-refresh streams checkpoint nothing ({}), so their STATEs
 * cannot skip anything: assert that they stay empty. For a log stream, at every STATE, every ground-truth
 * record in [range start, cursor) has already been emitted by this run, and the cursor never passes
 * the end of the range the run reads (so it never passes the last fully-read window).
 * `inherited` holds the cursors the run was given (a STATE may repeat them unchanged).
 */
export function assertStatesNeverSkip(
  result: RunResult,
  emulator: Emulator,
  label = '',
  inherited: Partial<Record<LogStream, string>> = {},
): void {
  const seen = new Set<string>();
  for (const m of result.messages) {
    if (m.type === 'RECORD' && isLogStream(m.record.stream)) seen.add(`${m.record.stream}\u0000${m.record.data.id}`);
    if (m.type !== 'STATE') continue;
    const stream = m.state.stream?.stream_descriptor?.name as StreamName;
    if (!isLogStream(stream)) {
      assert.deepEqual(m.state.stream.stream_state, {}, `${label}${stream}: a full-refresh stream checkpointed a non-empty state`);
      continue;
    }
    const cursor = logCursorOf(m, stream);
    if (cursor === undefined || cursor === inherited[stream]) continue;
    const range = logRange(result.messages.slice(0, result.messages.indexOf(m)), stream);
    assert.ok(range, `${label}${stream}: STATE ${cursor} emitted before the range was announced`);
    assert.ok(
      Date.parse(cursor) <= range.to.getTime(),
      `${label}${stream}: STATE cursor ${cursor} is past the end of the range read (${range.to.toISOString()})`,
    );
    const due = truthOf(emulator, stream, { from: range.from, to: new Date(cursor) });
    const missing = due.filter((r) => !seen.has(`${stream}\u0000${r.id}`));
    assert.equal(
      missing.length,
      0,
      `${label}${stream}: STATE ${cursor} would skip ${missing.length} records not yet emitted (e.g. ${missing[0]?.id})`,
    );
  }
}

/**
 * What Airbyte keeps of a run for one stream: its records up to its last STATE. Records printed after it belong to
 * no checkpoint, and Airbyte discards them with a failed attempt; the next attempt starts from that STATE.
 */
export function committedPart(messages: Message[], stream: string): { records: any[]; states: Message[]; discarded: number } {
  const ofStream = messages.filter(
    (m) => (m.type === 'RECORD' && m.record.stream === stream) || (m.type === 'STATE' && m.state.stream.stream_descriptor.name === stream),
  );
  const end = ofStream.findLastIndex((m) => m.type === 'STATE') + 1;
  const kept = ofStream.slice(0, end);
  return {
    records: kept.filter((m) => m.type === 'RECORD').map((m) => m.record.data),
    states: kept.filter((m) => m.type === 'STATE'),
    discarded: ofStream.slice(end).length,
  };
}

/** The last STATE of each stream, as the platform passes it to the next sync. */
export function lastStatePerStream(messages: Message[]): Message['state'][] {
  const last = new Map<string, Message['state']>();
  for (const m of messages) if (m.type === 'STATE') last.set(m.state.stream.stream_descriptor.name, m.state);
  // The platform strips sourceStats; the connector must accept it either way, so pass what Airbyte stores.
  return [...last.values()].map((s) => ({ type: 'STREAM', stream: s.stream }));
}
