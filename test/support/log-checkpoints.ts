// Log-stream unit tests' instants (100-ns ticks, written apart from the connector's parser) and their checkpoint check.
import assert from 'node:assert/strict';
import type { StreamOutput } from '../../source-azure-client-credentials/streams/types.js';

const SECOND = 10_000_000n;

/** UTC ISO-8601 of ticks: whole seconds end in Z, anything finer has 7 fractional digits. */
export function isoOf(ticks: bigint): string {
  const fraction = ticks % SECOND;
  const seconds = new Date(Number((ticks - fraction) / 10_000n)).toISOString().slice(0, 19);
  return fraction === 0n ? `${seconds}Z` : `${seconds}.${fraction.toString().padStart(7, '0')}Z`;
}

/** Ticks of a UTC instant with up to 7 fractional digits; anything else fails the test. */
export function ticksOf(iso: string): bigint {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?Z$/.exec(iso);
  assert.ok(match, `not a UTC instant with at most 7 fractional digits: ${iso}`);
  return BigInt(Date.parse(`${match[1]}Z`)) * 10_000n + BigInt((match[2] ?? '').padEnd(7, '0'));
}

export interface CheckpointRule<E> {
  /** The range's start: events before it are not owed. */
  from: bigint;
  /** The most records between two checkpoints. */
  maxRecords: number;
  /** When an event happened, as the test made it. */
  instantOf: (event: E) => bigint;
  /** The cursor a checkpoint's state holds. */
  cursorOf: (state: object) => string;
  /** What the events are called in a failure message. */
  noun: string;
}

/**
 * Every checkpoint covers every event in [from, cursor) emitted before it; checkpoints strictly ascend; at most
 * `maxRecords` records apart. Returns the last checkpoint's cursor (0 without one).
 */
export function assertCheckpointsSound<E extends { id: string }>(
  outputs: readonly StreamOutput<unknown>[],
  all: readonly E[],
  rule: CheckpointRule<E>,
): bigint {
  const emitted = new Set<string>();
  let last = 0n;
  let since = 0;
  for (const output of outputs) {
    if (output.kind === 'record') {
      emitted.add((output.data as { id: string }).id);
      since++;
      continue;
    }
    if (output.kind !== 'checkpoint') continue;
    const cursor = ticksOf(rule.cursorOf(output.state));
    assert.ok(cursor > last, 'checkpoints strictly ascend');
    assert.ok(since <= rule.maxRecords, `a checkpoint after ${since} records`);
    last = cursor;
    since = 0;
    const missing = all.filter((e) => rule.instantOf(e) >= rule.from && rule.instantOf(e) < cursor && !emitted.has(e.id));
    assert.equal(missing.length, 0, `checkpoint ${isoOf(cursor)} passed ${missing.length} unread ${rule.noun}`);
  }
  return last;
}
