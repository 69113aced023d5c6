// The range a sign_ins read announces in its INFO log, so tests can compare the read with the emulator's truth for exactly that range.

const ANNOUNCED = /^sign_ins: reading sign-ins with createdDateTime from (\S+) up to \(not including\) (\S+?)[ .]/;

/** "sign_ins: reading sign-ins with createdDateTime from <A> up to (not including) <B>..." -> [A, B), else undefined. */
export function announcedRange(logMessage: string): { from: Date; to: Date } | undefined {
  const match = ANNOUNCED.exec(logMessage);
  return match ? { from: new Date(match[1]!), to: new Date(match[2]!) } : undefined;
}
