// The state of a log stream: {"<cursor property>": "<end of the last completed window>"}, checked on the way in.
import { configError } from '../../errors.js';
import { isObject, quoted } from '../../values.js';
import { parseInstant } from './instants.js';

/**
 * Accepts {} (no cursor yet: a first sync) or {"<property>": ISO-8601 date-time} and returns the object itself, to be
 * read further by the stream. A cursor that is not a date-time is a config error naming the stream, since reading from
 * a guessed point could silently skip records. The cursor is kept exactly as given, so a state that is passed back
 * unchanged (e.g. one from the future) stays byte-identical.
 */
export function checkCursorState(raw: unknown, stream: string, property: string): Record<string, unknown> {
  if (!isObject(raw)) {
    throw configError(`The saved state of the ${stream} stream is not a JSON object. Reset the ${stream} stream to start over.`);
  }
  const value = raw[property];
  if (value !== undefined && value !== null && parseInstant(value) === undefined) {
    throw configError(
      `The saved state of the ${stream} stream is unusable: ${property} ${quoted(value)} is not an ISO-8601 date-time such as 2026-11-01T00:00:00Z. Fix the state or reset the ${stream} stream, then sync again.`,
    );
  }
  return raw;
}

/** The cursor of a checked state, exactly as saved; undefined before the first checkpoint. */
export function savedCursor(raw: Record<string, unknown>, property: string): string | undefined {
  const value = raw[property];
  return value === undefined || value === null ? undefined : (value as string);
}
