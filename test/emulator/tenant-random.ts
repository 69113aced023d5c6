// Seeded randomness for the synthetic tenant: a mulberry32 PRNG with GUIDs, hex and Graph-style timestamps.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_CODES = Buffer.from('0123456789abcdef', 'latin1');
const DASH = 0x2d;
/** Scratch space for building flat one-byte strings (GUIDs, timestamps) without intermediate strings. */
const SCRATCH = Buffer.alloc(64);

/** Writes `value`'s low 16 bits as 4 hex digits at `at`. */
function put4(out: Buffer, at: number, value: number): void {
  out[at] = HEX_CODES[(value >>> 12) & 15]!;
  out[at + 1] = HEX_CODES[(value >>> 8) & 15]!;
  out[at + 2] = HEX_CODES[(value >>> 4) & 15]!;
  out[at + 3] = HEX_CODES[value & 15]!;
}

function put8(out: Buffer, at: number, value: number): void {
  put4(out, at, value >>> 16);
  put4(out, at + 4, value & 0xffff);
}

/** 32-bit FNV-1a, to derive independent sub-streams from one seed and a label. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * mulberry32: tiny, fast and good enough for test data. One instance per tenant section (users, apps, ...)
 * so that changing one size does not reshuffle the other sections of the same seed.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An independent stream for `label`, derived from `seed`. */
  static forSection(seed: number, label: string): Random {
    return new Random(Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ hashLabel(label));
  }

  u32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Fills `bytes` with random bytes. */
  fill(bytes: Uint8Array): Uint8Array {
    for (let i = 0; i < bytes.length; i += 4) {
      const v = this.u32();
      bytes[i] = v & 0xff;
      if (i + 1 < bytes.length) bytes[i + 1] = (v >>> 8) & 0xff;
      if (i + 2 < bytes.length) bytes[i + 2] = (v >>> 16) & 0xff;
      if (i + 3 < bytes.length) bytes[i + 3] = v >>> 24;
    }
    return bytes;
  }

  /** A version-4-shaped lower-case GUID (written into a scratch buffer: one flat string, no garbage). */
  guid(): string {
    const a = this.u32();
    const b = this.u32();
    const c = this.u32();
    const d = this.u32();
    const out = SCRATCH;
    put8(out, 0, a);
    out[8] = DASH;
    put4(out, 9, b >>> 16);
    out[13] = DASH;
    put4(out, 14, ((b & 0x0fff) | 0x4000) >>> 0);
    out[18] = DASH;
    put4(out, 19, (((c >>> 16) & 0x3fff) | 0x8000) >>> 0);
    out[23] = DASH;
    put4(out, 24, c & 0xffff);
    put8(out, 28, d);
    return out.toString('latin1', 0, 36);
  }

  /** `length` upper-case hex characters (the shape of a concealed name). */
  upperHex(length: number): string {
    let out = '';
    while (out.length < length) out += HEX[this.u32() & 0xff]! + HEX[this.u32() & 0xff]!;
    return out.slice(0, length).toUpperCase();
  }

  /** A stride coprime to n, so that start + k*stride (mod n) visits k = 0..n-1 distinct indexes. */
  coprimeStride(n: number): number {
    if (n <= 2) return 1;
    for (;;) {
      const s = 1 + this.int(n - 1);
      if (gcd(s, n) === 1) return s;
    }
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export const DAY_MS = 86_400_000;
/** Graph's timestamps have 100-ns resolution: 10^7 ticks per second. */
export const TICKS_PER_SECOND = 10_000_000;

/** Writes `value` as `width` decimal digits at `at`. */
function putDigits(out: Buffer, at: number, value: number, width: number): void {
  for (let i = at + width - 1; i >= at; i--) {
    out[i] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
}

/**
 * "2024-03-05T10:11:12Z" for `ticks` < 0, else "2024-03-05T10:11:12.1234567Z" (`ticks` of 100 ns, 0..9999999),
 * for the whole epoch second `second`. Written directly (civil-from-days), as a million Date objects cost seconds.
 */
export function formatInstant(second: number, ticks: number): string {
  const days = Math.floor(second / 86_400);
  const secOfDay = second - days * 86_400;
  // Howard Hinnant's civil_from_days: https://howardhinnant.github.io/date_algorithms.html#civil_from_days
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const out = SCRATCH;
  putDigits(out, 0, year, 4);
  out[4] = DASH;
  putDigits(out, 5, month, 2);
  out[7] = DASH;
  putDigits(out, 8, day, 2);
  out[10] = 0x54; // T
  putDigits(out, 11, Math.floor(secOfDay / 3600), 2);
  out[13] = 0x3a; // :
  putDigits(out, 14, Math.floor(secOfDay / 60) % 60, 2);
  out[16] = 0x3a;
  putDigits(out, 17, secOfDay % 60, 2);
  if (ticks < 0) {
    out[19] = 0x5a; // Z
    return out.toString('latin1', 0, 20);
  }
  out[19] = 0x2e; // .
  putDigits(out, 20, ticks, 7);
  out[27] = 0x5a;
  return out.toString('latin1', 0, 28);
}

/** "2024-03-05T10:11:12Z": how Graph writes most directory timestamps. */
export function isoSeconds(ms: number): string {
  return formatInstant(Math.floor(ms / 1000), -1);
}

/** "2024-03-05T10:11:12.1234567Z": the whole second of `ms` plus `ticks` (0..9999999) of 100 ns. */
export function isoTicks(ms: number, ticks: number): string {
  return formatInstant(Math.floor(ms / 1000), ticks);
}

/** A random instant in [fromMs, toMs): whole seconds ("...Z") or, with probability p7, 7 fractional digits. */
export function randomTimestamp(rng: Random, fromMs: number, toMs: number, p7: number): string {
  const ms = fromMs + Math.floor(rng.next() * (toMs - fromMs));
  return rng.chance(p7) ? isoTicks(ms, rng.int(TICKS_PER_SECOND)) : isoSeconds(ms);
}

/**
 * Positions for special kinds spread evenly (with a random phase) over n slots: exact counts, deterministic,
 * O(n) whatever the size. Kind 0 is "ordinary"; a taken slot moves the newcomer to the next free one.
 */
export function placeKinds(rng: Random, n: number, counts: ReadonlyArray<readonly [kind: number, count: number]>): Uint8Array {
  const kinds = new Uint8Array(n);
  let free = n;
  for (const [kind, wanted] of counts) {
    const count = Math.min(wanted, free);
    const phase = rng.next();
    for (let k = 0; k < count; k++) {
      let pos = Math.floor(((k + phase) * n) / count) % n;
      while (kinds[pos] !== 0) pos = (pos + 1) % n;
      kinds[pos] = kind;
    }
    free -= count;
  }
  return kinds;
}

/** Deep-freezes a shared pooled value, so that a server that tried to modify one (it must not) fails loudly. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
