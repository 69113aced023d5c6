// Log instants as BigInt 100-ns ticks: Graph writes createdDateTime and activityDateTime with up to 7 fractional digits, Date keeps 3.

/** 100-nanosecond ticks, the resolution of Graph's DateTimeOffset values. */
const TICKS_PER_MS = 10_000n;
export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_MINUTE = 60n * TICKS_PER_SECOND;
export const TICKS_PER_DAY = 24n * 60n * TICKS_PER_MINUTE;

const DIGIT_0 = 48;

/** The number written by the ASCII digits value[start, end), or -1 when any of them is not a digit. */
function digits(value: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = value.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** One Gregorian cycle: the calendar repeats every 400 years, 146,097 days. */
const MS_PER_400_YEARS = 146_097 * 86_400_000;

/** Date.UTC of a valid date and time for any year 0-9999 (Date.UTC itself reads years 0-99 as 1900-1999). */
const utc = (year: number, month: number, day: number, hour: number, minute: number, second: number): number =>
  year < 100
    ? Date.UTC(year + 400, month - 1, day, hour, minute, second) - MS_PER_400_YEARS
    : Date.UTC(year, month - 1, day, hour, minute, second);

/**
 * Parses an ISO-8601 date-time with a Z or ±hh:mm offset into ticks since the epoch:
 * YYYY-MM-DDThh:mm:ss, optionally .fraction (any number of digits), then Z (or z) or ±hh:mm; surrounding whitespace is
 * ignored. Fractional digits beyond 7 are truncated. Returns undefined for anything else, including impossible calendar
 * dates (2026-02-30) and times (24:00:00, 10:60:00). Read digit by digit: it runs for every record of the log streams.
 */
export function parseInstant(value: unknown): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const length = text.length;
  // The shortest form is YYYY-MM-DDThh:mm:ssZ (20 characters).
  if (length < 20) return undefined;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84) return undefined; // - - T
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined; // : :
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
    return undefined;
  if (day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  let at = 19;
  let fraction = 0;
  if (text.charCodeAt(at) === 46) {
    // .fraction: at least one digit; the first 7 count, in 100-ns ticks.
    const start = ++at;
    while (at < length) {
      const d = text.charCodeAt(at) - DIGIT_0;
      if (d < 0 || d > 9) break;
      if (at - start < 7) fraction = fraction * 10 + d;
      at++;
    }
    const count = at - start;
    if (count === 0) return undefined;
    if (count < 7) fraction *= 10 ** (7 - count);
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(at);
  if (zone === 90 || zone === 122) {
    // Z or z
    if (at + 1 !== length) return undefined;
  } else if (zone === 43 || zone === 45) {
    // ±hh:mm
    if (at + 6 !== length || text.charCodeAt(at + 3) !== 58) return undefined;
    const hours = digits(text, at + 1, at + 3);
    const minutes = digits(text, at + 4, at + 6);
    if (hours < 0 || minutes < 0) return undefined;
    offsetMinutes = (zone === 45 ? -1 : 1) * (hours * 60 + minutes);
  } else return undefined;
  const ms = utc(year, month, day, hour, minute, second) - offsetMinutes * 60_000;
  return BigInt(ms) * TICKS_PER_MS + BigInt(fraction);
}

/** UTC ISO-8601: `YYYY-MM-DDTHH:mm:ssZ` for whole seconds, else with exactly 7 fractional digits. */
export function formatInstant(ticks: bigint): string {
  const seconds = floorToSecond(ticks);
  const base = new Date(Number(seconds / TICKS_PER_MS)).toISOString().slice(0, 19);
  const fraction = ticks - seconds;
  return fraction === 0n ? `${base}Z` : `${base}.${fraction.toString().padStart(7, '0')}Z`;
}

export const msToTicks = (ms: number): bigint => BigInt(Math.floor(ms)) * TICKS_PER_MS;

export function floorToSecond(ticks: bigint): bigint {
  const rest = ticks % TICKS_PER_SECOND;
  return rest < 0n ? ticks - rest - TICKS_PER_SECOND : ticks - rest;
}

export function ceilToSecond(ticks: bigint): bigint {
  const floor = floorToSecond(ticks);
  return floor === ticks ? ticks : floor + TICKS_PER_SECOND;
}

export const minTicks = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxTicks = (a: bigint, b: bigint): bigint => (a > b ? a : b);
