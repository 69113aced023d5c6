// The sign_ins stream state: {"createdDateTime": "<end of the last completed window>"}, checked on the way in.
import { configError } from '../../errors.js';
import { isObject, quoted } from '../../values.js';
import { parseInstant } from './instants.js';

/** Everything created before createdDateTime has been emitted; absent before the first checkpoint. */
export interface SignInsState {
  createdDateTime?: string;
}

const STREAM = 'sign_ins';

/**
 * Accepts {} (no cursor yet: a first sync) or {"createdDateTime": ISO-8601 date-time}. A cursor that
 * is not a date-time is a config error naming the stream, since reading from a guessed point could
 * silently skip sign-ins. The cursor is kept exactly as given, so a state that is passed back
 * unchanged (e.g. one from the future) stays byte-identical.
 */
export function parseSignInsState(raw: unknown): SignInsState {
  if (!isObject(raw)) {
    throw configError(`The saved state of the ${STREAM} stream is not a JSON object. Reset the ${STREAM} stream to start over.`);
  }
  const value = raw.createdDateTime;
  if (value === undefined || value === null) return {};
  if (parseInstant(value) === undefined) {
    throw configError(
      `The saved state of the ${STREAM} stream is unusable: createdDateTime ${quoted(value)} is not an ISO-8601 date-time such as 2026-11-01T00:00:00Z. Fix the state or reset the ${STREAM} stream, then sync again.`,
    );
  }
  return { createdDateTime: value as string };
}

/** The cursor of a parsed state in ticks, or undefined before the first checkpoint. */
export const stateCursor = (state: SignInsState | undefined): bigint | undefined =>
  state?.createdDateTime === undefined ? undefined : parseInstant(state.createdDateTime);
