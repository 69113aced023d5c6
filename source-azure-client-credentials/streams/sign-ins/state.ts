// The sign_ins stream state: {"createdDateTime": "<end of the last completed window>", "signInEventTypes": [...]}, checked on the way in.
import { configError } from '../../errors.js';
import { quoted } from '../../values.js';
import { parseInstant } from '../windows/instants.js';
import { checkCursorState, savedCursor } from '../windows/state.js';

/** The sign-in event types Graph's beta signIns filters on (https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta). */
export const SIGN_IN_EVENT_TYPES = ['interactiveUser', 'nonInteractiveUser', 'servicePrincipal', 'managedIdentity'] as const;
export type SignInEventType = (typeof SIGN_IN_EVENT_TYPES)[number];

/**
 * Everything created before createdDateTime has been emitted, for the event types in signInEventTypes; both absent before
 * the first checkpoint. signInEventTypes is written only for a selection other than the default ["interactiveUser"]: a state
 * without it (every state written before the option existed, and by the default) covers interactive sign-ins only.
 */
export interface SignInsState {
  createdDateTime?: string;
  signInEventTypes?: SignInEventType[];
}

const STREAM = 'sign_ins';

/**
 * Accepts {} (no cursor yet: a first sync) or {"createdDateTime": ISO-8601 date-time}, with an optional signInEventTypes
 * list of known event types. Anything else is a config error naming the stream, since reading from a guessed point or for
 * guessed event types could silently skip sign-ins. The cursor is kept exactly as given.
 */
export function parseSignInsState(raw: unknown): SignInsState {
  const checked = checkCursorState(raw, STREAM, 'createdDateTime');
  const createdDateTime = savedCursor(checked, 'createdDateTime');
  const types = checked.signInEventTypes;
  if (types === undefined || types === null) return createdDateTime === undefined ? {} : { createdDateTime };
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => (SIGN_IN_EVENT_TYPES as readonly unknown[]).includes(t))) {
    throw configError(
      `The saved state of the ${STREAM} stream is unusable: signInEventTypes ${quoted(types)} is not a list of ${SIGN_IN_EVENT_TYPES.join(', ')}. Fix the state or reset the ${STREAM} stream, then sync again.`,
    );
  }
  return { ...(createdDateTime !== undefined ? { createdDateTime } : {}), signInEventTypes: types as SignInEventType[] };
}

/** The cursor of a parsed state in ticks, or undefined before the first checkpoint. */
export const stateCursor = (state: SignInsState | undefined): bigint | undefined =>
  state?.createdDateTime === undefined ? undefined : parseInstant(state.createdDateTime);
