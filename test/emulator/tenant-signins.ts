// Synthetic sign-in logs (newest first, inside and beyond retention, with ties) and the users' signInActivity they imply.
import { SP_FIRST_PARTY, SP_MANAGED_IDENTITY } from './tenant-apps.js';
import { DAY_MS, deepFreeze, formatInstant, isoTicks, type Random, TICKS_PER_SECOND } from './tenant-random.js';
import { type DirectoryContext, GUEST_DOMAINS } from './tenant-users.js';
import type { GraphObject } from './types.js';

// Nested objects come from small frozen pools shared by many sign-ins: a million sign-ins stay within a few hundred MB.
const NO_GEO = { altitude: null, latitude: null, longitude: null };
export const LOCATIONS = deepFreeze([
  {
    city: 'Redmond',
    state: 'Washington',
    countryOrRegion: 'US',
    geoCoordinates: { altitude: null, latitude: 47.6801, longitude: -122.1206 },
  },
  {
    city: 'Seattle',
    state: 'Washington',
    countryOrRegion: 'US',
    geoCoordinates: { altitude: null, latitude: 47.6062, longitude: -122.3321 },
  },
  { city: 'London', state: 'England', countryOrRegion: 'GB', geoCoordinates: { altitude: null, latitude: 51.5072, longitude: -0.1276 } },
  { city: 'München', state: 'Bayern', countryOrRegion: 'DE', geoCoordinates: { altitude: null, latitude: 48.1351, longitude: 11.582 } },
  { city: 'Toronto', state: 'Ontario', countryOrRegion: 'CA', geoCoordinates: { altitude: null, latitude: 43.6532, longitude: -79.3832 } },
  {
    city: 'Sydney',
    state: 'New South Wales',
    countryOrRegion: 'AU',
    geoCoordinates: { altitude: null, latitude: -33.8688, longitude: 151.2093 },
  },
  {
    city: 'São Paulo',
    state: 'Sao Paulo',
    countryOrRegion: 'BR',
    geoCoordinates: { altitude: null, latitude: -23.5505, longitude: -46.6333 },
  },
  {
    city: 'Bengaluru',
    state: 'Karnataka',
    countryOrRegion: 'IN',
    geoCoordinates: { altitude: null, latitude: 12.9716, longitude: 77.5946 },
  },
  // Partial and empty locations, as real payloads have them.
  { city: '', state: '', countryOrRegion: 'US', geoCoordinates: NO_GEO },
  { city: 'Dublin', state: '', countryOrRegion: 'IE', geoCoordinates: { altitude: null, latitude: 53.3498, longitude: -6.2603 } },
  { city: '', state: '', countryOrRegion: '', geoCoordinates: {} },
  { city: null, state: null, countryOrRegion: null, geoCoordinates: null },
]);
export const STATUS_OK = deepFreeze([
  { errorCode: 0, failureReason: 'Other.', additionalDetails: null },
  { errorCode: 0, failureReason: 'Other.', additionalDetails: 'MFA requirement satisfied by claim in the token' },
  { errorCode: 0, failureReason: '', additionalDetails: '' },
]);
export const STATUS_FAILED = deepFreeze([
  {
    errorCode: 50126,
    failureReason: 'Error validating credentials due to invalid username or password.',
    additionalDetails:
      "The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes.",
  },
  {
    errorCode: 50074,
    failureReason: 'Strong Authentication is required.',
    additionalDetails: 'The user was presented options to sign in using multi-factor authentication.',
  },
  {
    errorCode: 50140,
    failureReason: "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
    additionalDetails: null,
  },
  {
    errorCode: 53003,
    failureReason: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
    additionalDetails: '',
  },
  {
    errorCode: 50053,
    failureReason: 'Account is locked because user tried to sign in too many times with an incorrect user ID or password.',
    additionalDetails: null,
  },
]);
const CLIENT_APPS = [
  'Browser',
  'Browser',
  'Browser',
  'Mobile Apps and Desktop clients',
  'Mobile Apps and Desktop clients',
  'Exchange ActiveSync',
  'Other clients',
];
export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)',
  '',
];
const EMPTY: readonly never[] = Object.freeze([]);
const CA_POLICIES = [
  ['Require MFA for all users', ['Mfa']],
  ['Block legacy authentication', ['Block']],
  ['Require compliant device for admins', ['RequireCompliantDevice']],
  ['Session lifetime 12h', []],
] as const;
const RESULTS = ['success', 'notApplied', 'notEnabled', 'failure', 'reportOnlyNotApplied'];

export function devicePool(rng: Random): readonly Record<string, unknown>[] {
  const pool: Record<string, unknown>[] = [];
  const oses = [
    ['Windows10', 'Edge 120.0.0'],
    ['Windows10', 'Chrome 120.0.0'],
    ['MacOs', 'Safari 17.2'],
    ['Ios', 'Mobile Safari 17.2'],
    ['Android', 'Chrome Mobile 120.0.6099'],
    ['Windows10', 'Rich Client 4.57.0.0'],
    ['', ''],
  ];
  for (let i = 0; i < 40; i++) {
    const [operatingSystem, browser] = oses[i % oses.length]!;
    const joined = i % 4 === 0;
    pool.push({
      browser,
      deviceId: joined ? rng.guid() : '',
      displayName: joined ? `LAPTOP-${rng.upperHex(7)}` : '',
      isCompliant: joined && i % 8 === 0,
      isManaged: joined,
      operatingSystem,
      trustType: joined ? (i % 8 === 0 ? 'Azure AD joined' : 'Hybrid Azure AD joined') : '',
    });
  }
  return deepFreeze(pool);
}

function policyPool(rng: Random): readonly Record<string, unknown>[][] {
  const ids = CA_POLICIES.map(() => rng.guid());
  const pool: Record<string, unknown>[][] = [[], []];
  for (let i = 0; i < 10; i++) {
    const list: Record<string, unknown>[] = [];
    CA_POLICIES.forEach(([displayName, grant], p) => {
      if ((i + p) % 3 !== 0) {
        const result = RESULTS[(i + p) % RESULTS.length]!;
        list.push({
          id: ids[p]!,
          displayName,
          enforcedGrantControls: result === 'success' || result === 'failure' ? [...grant] : [],
          enforcedSessionControls: p === 3 && result === 'success' ? ['SignInFrequency'] : [],
          result,
        });
      }
    });
    pool.push(list);
  }
  return deepFreeze(pool);
}

export function ipPool(rng: Random): string[] {
  const prefixes = ['192.0.2.', '198.51.100.', '203.0.113.'];
  return Array.from({ length: 4096 }, (_, i) =>
    i % 9 === 0
      ? `2001:db8:${(rng.u32() & 0xffff).toString(16)}::${(rng.u32() & 0xffff).toString(16)}`
      : prefixes[i % 3]! + (1 + rng.int(254)),
  );
}

/** About one user in twelve never signs in (new hires, shared mailboxes): no sign-ins, signInActivity null. */
const neverSignsIn = (userIndex: number) => userIndex % 12 === 11;

export interface SignInPlan {
  count: number;
  beyondRetention: number;
  retentionDays: number;
  /** Extra sign-ins within `minutes`, the newest `hoursAgo` before now. */
  burst?: { count: number; minutes: number; hoursAgo: number };
}

export interface GeneratedSignIns {
  signIns: GraphObject[];
  /** Index in `users` of each sign-in's user (same order as signIns). */
  userIndex: Int32Array;
}

/**
 * Offsets (100-ns ticks before `newest`) of `count` instants, non-decreasing, spanning at most `span` ticks.
 * About 1% repeat the previous instant exactly (ties), plus a forced pair and triple; about 5% fall on whole seconds.
 */
export function instants(rng: Random, count: number, span: number): { offsets: Float64Array; whole: Uint8Array } {
  const gaps = new Float64Array(count);
  let sum = 0;
  for (let i = 1; i < count; i++) sum += gaps[i] = rng.next();
  const scale = sum > 0 ? span / sum : 0;
  const offsets = new Float64Array(count);
  const whole = new Uint8Array(count);
  const tiePair = Math.floor(count / 3);
  const tieWhole = Math.floor((2 * count) / 3);
  let base = rng.next() * TICKS_PER_SECOND; // the unrounded running offset: rounding never accumulates into drift
  let t = 0;
  for (let i = 0; i < count; i++) {
    base += gaps[i]! * scale;
    const forcedTie = (i === tiePair || i === tiePair + 1 || i === tieWhole + 1) && i > 0;
    if (i > 0 && (forcedTie || rng.chance(0.01))) {
      offsets[i] = t;
      whole[i] = whole[i - 1]!;
      continue;
    }
    t = Math.max(t, Math.floor(base));
    if (i === tieWhole || rng.chance(0.05)) {
      // A larger offset is older: round up to the whole second just before the instant.
      t = Math.ceil(t / TICKS_PER_SECOND) * TICKS_PER_SECOND;
      whole[i] = 1;
    }
    offsets[i] = t;
  }
  return { offsets, whole };
}

/** Two instant lists (offsets ascending) merged into one, ascending; `later` is shifted by `shift` ticks first. */
function merged(a: ReturnType<typeof instants>, b: ReturnType<typeof instants>, shift: number): ReturnType<typeof instants> {
  const count = a.offsets.length + b.offsets.length;
  const offsets = new Float64Array(count);
  const whole = new Uint8Array(count);
  for (let i = 0, j = 0, k = 0; k < count; k++) {
    const takeA = j >= b.offsets.length || (i < a.offsets.length && a.offsets[i]! <= b.offsets[j]! + shift);
    offsets[k] = takeA ? a.offsets[i]! : b.offsets[j]! + shift;
    whole[k] = takeA ? a.whole[i++]! : b.whole[j++]!;
  }
  return { offsets, whole };
}

/**
 * The instants of instants() as Graph writes them, newest first: `offset` ticks before the newest whole second plus its
 * fraction, whole seconds without fraction; a tie is exactly the previous string. Draws nothing from the random source.
 */
export function instantStrings({ offsets, whole }: ReturnType<typeof instants>, newestSecond: number): string[] {
  const strings: string[] = new Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) {
    const offset = offsets[i]!;
    if (i > 0 && offset === offsets[i - 1]) {
      strings[i] = strings[i - 1]!; // a tie: exactly the same string
      continue;
    }
    // offset ticks before the newest whole second + its fraction: split into whole seconds and a remainder.
    const back = Math.ceil(offset / TICKS_PER_SECOND);
    const fraction = back * TICKS_PER_SECOND - offset;
    strings[i] = formatInstant(newestSecond - back, whole[i] ? -1 : fraction);
  }
  return strings;
}

export function generateSignIns(
  rng: Random,
  ctx: DirectoryContext,
  users: GraphObject[],
  sps: GraphObject[],
  kinds: Uint8Array,
  plan: SignInPlan,
): GeneratedSignIns {
  const n = users.length;
  const burst = plan.burst?.count ?? 0;
  const inRetention = plan.count + burst;
  const total = n && sps.length ? inRetention + plan.beyondRetention : 0;
  const signIns: GraphObject[] = new Array(total);
  const userIndex = new Int32Array(total);
  if (total === 0) return { signIns: [], userIndex };
  const devices = devicePool(rng);
  const policies = policyPool(rng);
  const ips = ipPool(rng);
  const guestTenants = new Map<string, string>(GUEST_DOMAINS.map((d) => [d, rng.guid()]));
  // Apps people sign in to: Microsoft's first few (Office, Graph, Teams...) and the non-Microsoft applications.
  const microsoft = sps.filter((_, i) => kinds[i] === SP_FIRST_PARTY).slice(0, 8);
  const others = sps.filter((_, i) => kinds[i] !== SP_FIRST_PARTY && kinds[i] !== SP_MANAGED_IDENTITY);
  const graphApp = sps.find((sp) => sp.displayName === 'Microsoft Graph') ?? microsoft[0] ?? sps[0]!;
  const appPool = microsoft.length + others.length ? [...microsoft, ...others] : sps;
  const stride = rng.coprimeStride(n);
  const homeTenant = users.map((u) => {
    const upn = String(u.userPrincipalName ?? '');
    const hash = upn.indexOf('#EXT#');
    return hash < 0 ? ctx.tenantId : (guestTenants.get(upn.slice(upn.lastIndexOf('_', hash) + 1, hash)) ?? ctx.tenantId);
  });

  const newestMs = ctx.nowMs - 30_000; // sign-ins show up with some delay
  const oldestMs = ctx.nowMs - plan.retentionDays * DAY_MS + 2 * 3_600_000;
  let { offsets, whole } = instants(rng, plan.count, Math.max(0, newestMs - oldestMs) * 10_000);
  if (burst > 0) {
    // Drawn after the steady sign-ins, so a tenant without a burst is the same as before bursts existed.
    const storm = instants(rng, burst, plan.burst!.minutes * 60 * TICKS_PER_SECOND);
    ({ offsets, whole } = merged({ offsets, whole }, storm, Math.max(0, plan.burst!.hoursAgo * 3_600_000 - 30_000) * 10_000));
  }
  const newestSecond = Math.floor(newestMs / 1000);
  const build = (i: number, createdDateTime: string): void => {
    // Skewed towards a minority of heavy users, spread over the list by a coprime stride.
    const r = rng.next();
    let u = (Math.floor(n * r * r) * stride + 7) % n;
    if (neverSignsIn(u)) u = (u + 1) % n;
    const user = users[u]!;
    const app = microsoft.length && rng.chance(0.5) ? rng.pick(microsoft) : rng.pick(appPool);
    const resource = rng.chance(0.5) ? app : graphApp;
    const ok = rng.chance(0.85);
    const status = ok ? STATUS_OK[i % 3]! : rng.pick(STATUS_FAILED);
    const applied = policies[rng.int(policies.length)]!;
    const risky = rng.chance(0.02);
    userIndex[i] = u;
    signIns[i] = {
      id: rng.guid(),
      createdDateTime,
      userDisplayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      userId: user.id,
      appId: app.appId,
      appDisplayName: app.displayName,
      ipAddress: ips[rng.int(ips.length)],
      clientAppUsed: rng.pick(CLIENT_APPS),
      userAgent: rng.pick(USER_AGENTS),
      correlationId: rng.guid(),
      conditionalAccessStatus: status.errorCode === 53003 ? 'failure' : applied.length ? 'success' : 'notApplied',
      isInteractive: true, // v1.0 lists interactive user sign-ins only
      riskDetail: risky ? 'none' : rng.chance(0.1) ? 'hidden' : 'none',
      riskLevelAggregated: risky ? 'medium' : 'none',
      riskLevelDuringSignIn: risky ? 'low' : 'none',
      riskState: risky ? 'atRisk' : 'none',
      riskEventTypes: risky ? ['unfamiliarFeatures'] : EMPTY,
      riskEventTypes_v2: risky ? ['unfamiliarFeatures'] : EMPTY,
      resourceDisplayName: resource.displayName,
      resourceId: resource.appId,
      resourceTenantId: ctx.tenantId,
      homeTenantId: homeTenant[u],
      servicePrincipalId: '',
      servicePrincipalName: null,
      authenticationAppDeviceDetails: null,
      status,
      deviceDetail: rng.pick(devices),
      // A handful have no location object at all.
      location: rng.chance(0.002) ? null : rng.pick(LOCATIONS),
      appliedConditionalAccessPolicies: applied,
    };
  };
  const created = instantStrings({ offsets, whole }, newestSecond);
  for (let i = 0; i < inRetention; i++) build(i, created[i]!);
  // Older than retention: Graph no longer serves them, the truth must not include them.
  const beyondNewest = ctx.nowMs - (plan.retentionDays + 1) * DAY_MS;
  for (let i = 0; i < plan.beyondRetention; i++) {
    const ms = beyondNewest - ((i + rng.next()) / Math.max(1, plan.beyondRetention)) * 45 * DAY_MS;
    build(inRetention + i, isoTicks(ms, rng.int(TICKS_PER_SECOND)));
  }
  return { signIns, userIndex };
}

/**
 * signInActivity as Graph reports it: the newest interactive sign-in, the newest successful one, and a
 * non-interactive one; null for some users who never signed in. https://learn.microsoft.com/graph/api/resources/signinactivity
 */
export function fillSignInActivity(
  rng: Random,
  ctx: DirectoryContext,
  users: GraphObject[],
  { signIns, userIndex }: GeneratedSignIns,
  retentionDays: number,
): void {
  const last = new Int32Array(users.length).fill(-1);
  const lastOk = new Int32Array(users.length).fill(-1);
  for (let i = 0; i < signIns.length; i++) {
    const u = userIndex[i]!;
    if (last[u] === -1) last[u] = i;
    if (lastOk[u] === -1 && (signIns[i]!.status as { errorCode: number }).errorCode === 0) lastOk[u] = i;
  }
  const retentionStartMs = ctx.nowMs - retentionDays * DAY_MS;
  for (let u = 0; u < users.length; u++) {
    const nonInteractive = rng.chance(0.6) ? isoTicks(ctx.nowMs - rng.next() * retentionDays * DAY_MS, rng.int(TICKS_PER_SECOND)) : null;
    if (last[u] === -1) {
      if (neverSignsIn(u)) continue; // signInActivity stays null
      // Signed in before the retention window only.
      const old = isoTicks(retentionStartMs - rng.next() * 300 * DAY_MS, rng.int(TICKS_PER_SECOND));
      users[u]!.signInActivity = {
        lastSignInDateTime: old,
        lastSignInRequestId: rng.guid(),
        lastNonInteractiveSignInDateTime: nonInteractive,
        lastNonInteractiveSignInRequestId: nonInteractive && rng.guid(),
        lastSuccessfulSignInDateTime: null,
        lastSuccessfulSignInRequestId: null,
      };
      continue;
    }
    const s = signIns[last[u]!]!;
    const ok = lastOk[u] === -1 ? null : signIns[lastOk[u]!]!;
    users[u]!.signInActivity = {
      lastSignInDateTime: s.createdDateTime,
      lastSignInRequestId: s.id,
      lastNonInteractiveSignInDateTime: nonInteractive,
      lastNonInteractiveSignInRequestId: nonInteractive && rng.guid(),
      lastSuccessfulSignInDateTime: ok?.createdDateTime ?? null,
      lastSuccessfulSignInRequestId: ok?.id ?? null,
    };
  }
}
