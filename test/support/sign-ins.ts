// The range a sign_ins read announces in its INFO log, so tests can compare the read with the emulator's truth for exactly that range.
import { announcedLogRange } from './log-streams.js';

/** "sign_ins: reading sign-ins with createdDateTime from <A> up to (not including) <B>..." -> [A, B), else undefined. */
export function announcedRange(logMessage: string): { from: Date; to: Date } | undefined {
  return announcedLogRange('sign_ins', logMessage);
}
