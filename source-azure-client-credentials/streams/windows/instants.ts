// Log instants as BigInt 100-ns ticks: Graph writes createdDateTime and activityDateTime with up to 7 fractional digits, Date keeps 3.

/** 100-nanosecond ticks, the resolution of Graph's DateTimeOffset values. */
const TICKS_PER_MS = 10_000n;
export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_MINUTE = 60n * TICKS_PER_SECOND;
export const TICKS_PER_DAY = 24n * 60n * TICKS_PER_MINUTE;

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses an ISO-8601 date-time with a Z or ±hh:mm offset into ticks since the epoch.
 * Fractional digits beyond 7 are truncated. Returns undefined for anything else, including
 * impossible calendar dates (2026-02-30), which Date.parse would silently roll over.
 */
export function parseInstant(value: unknown): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ISO.exec(value.trim());
  if (!match) return undefined;
  const [, seconds, fraction = '', zone] = match as unknown as [string, string, string | undefined, string];
  const ms = Date.parse(`${seconds}Z`);
  // Round trip: Date.parse accepts 2026-02-30 and silently means March 2.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== seconds) return undefined;
  const offsetMinutes =
    zone.toUpperCase() === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const fractionTicks = BigInt(fraction.slice(0, 7).padEnd(7, '0'));
  return (BigInt(ms) - BigInt(offsetMinutes * 60_000)) * TICKS_PER_MS + fractionTicks;
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
