// The log streams (sign_ins, directory_audits): the range each read announces in its INFO log, and each one's cursor, for judging reads against the truth.

/** Each log stream's cursor property and the noun its announcement uses. */
export const LOG_STREAMS = {
  sign_ins: { cursor: 'createdDateTime', noun: 'sign-ins' },
  directory_audits: { cursor: 'activityDateTime', noun: 'audit events' },
} as const;
export type LogStream = keyof typeof LOG_STREAMS;

/**
 * The connector's test-only first log window (AZURE_GRAPH_LOG_WINDOW_MINUTES): a small test tenant's range read in windows
 * that start at 1 hour and grow, so that it checkpoints several times, as a big tenant's range does. Without it a range
 * that fits one window (25,000 records) is one window and one checkpoint.
 */
export const SMALL_WINDOWS = { AZURE_GRAPH_LOG_WINDOW_MINUTES: '60' } as const;

export const isLogStream = (stream: string): stream is LogStream => stream in LOG_STREAMS;

/**
 * "<stream>: reading <noun> with <cursor> from <A> up to (not including) <B>..." -> [A, B), else undefined.
 * (A read that falls back to a shorter retention announces a second range: the last one is what it read.)
 */
export function announcedLogRange(stream: LogStream, logMessage: string): { from: Date; to: Date } | undefined {
  const { cursor, noun } = LOG_STREAMS[stream];
  const match = new RegExp(`^${stream}: reading ${noun} with ${cursor} from (\\S+) up to \\(not including\\) (\\S+?)[ .]`).exec(logMessage);
  return match ? { from: new Date(match[1]!), to: new Date(match[2]!) } : undefined;
}
