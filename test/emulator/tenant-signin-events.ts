// Synthetic non-interactive, service-principal and managed-identity sign-ins (beta's other signInEventTypes), newest first.
import { SP_FIRST_PARTY, SP_MANAGED_IDENTITY } from './tenant-apps.js';
import { DAY_MS, type Random } from './tenant-random.js';
import { devicePool, instantStrings, instants, ipPool, LOCATIONS, STATUS_FAILED, STATUS_OK, USER_AGENTS } from './tenant-signins.js';
import type { DirectoryContext } from './tenant-users.js';
import type { GraphObject } from './types.js';

/** The event types beta adds to v1.0's interactive ones (https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta). */
export const OTHER_EVENT_TYPES = ['nonInteractiveUser', 'servicePrincipal', 'managedIdentity'] as const;
export type OtherEventType = (typeof OTHER_EVENT_TYPES)[number];

export interface SignInEventPlan {
  counts: Record<OtherEventType, number>;
  retentionDays: number;
}

/** Failed service-principal sign-ins: a wrong or expired credential (AADSTS7000215, 7000222). */
const SP_FAILED = [
  { errorCode: 7000215, failureReason: 'Invalid client secret is provided.', additionalDetails: null },
  { errorCode: 7000222, failureReason: 'The provided client secret keys are expired.', additionalDetails: null },
];

/**
 * `plan.counts` sign-ins of each other event type, spread over the retention window and interleaved in time (with ties),
 * in beta's signIn shape: v1.0's properties plus signInEventTypes. Non-interactive ones belong to users (token refreshes
 * in the name of a user, isInteractive false); service-principal ones to an application signing in with its own
 * credential (no user, servicePrincipalId set); managed-identity ones to a managed identity's service principal.
 */
export function generateSignInEvents(
  rng: Random,
  ctx: DirectoryContext,
  users: GraphObject[],
  sps: GraphObject[],
  kinds: Uint8Array,
  plan: SignInEventPlan,
): GraphObject[] {
  const types = OTHER_EVENT_TYPES.flatMap((type) => Array.from({ length: plan.counts[type] }, () => type));
  if (types.length === 0 || users.length === 0 || sps.length === 0) return [];
  // Interleave the types: a seeded shuffle.
  for (let i = types.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [types[i], types[j]] = [types[j]!, types[i]!];
  }
  const devices = devicePool(rng);
  const ips = ipPool(rng);
  const apps = sps.filter((_, i) => kinds[i] !== SP_MANAGED_IDENTITY);
  const identities = sps.filter((_, i) => kinds[i] === SP_MANAGED_IDENTITY);
  const resources = sps.filter((_, i) => kinds[i] === SP_FIRST_PARTY);
  const newestMs = ctx.nowMs - 30_000;
  const oldestMs = ctx.nowMs - plan.retentionDays * DAY_MS + 2 * 3_600_000;
  const created = instantStrings(instants(rng, types.length, Math.max(0, newestMs - oldestMs) * 10_000), Math.floor(newestMs / 1000));
  return types.map((type, i) => {
    const workload = type !== 'nonInteractiveUser';
    const user = workload ? undefined : rng.pick(users);
    const app = type === 'managedIdentity' ? rng.pick(identities.length ? identities : sps) : rng.pick(apps.length ? apps : sps);
    const resource = resources.length ? rng.pick(resources) : app;
    const ok = rng.chance(workload ? 0.95 : 0.9);
    return {
      id: rng.guid(),
      createdDateTime: created[i]!,
      userDisplayName: user ? user.displayName : null,
      userPrincipalName: user ? user.userPrincipalName : null,
      userId: user ? user.id : '',
      appId: app.appId,
      appDisplayName: app.displayName,
      ipAddress: type === 'managedIdentity' ? '' : ips[rng.int(ips.length)],
      clientAppUsed: workload ? '' : 'Mobile Apps and Desktop clients',
      userAgent: workload ? '' : rng.pick(USER_AGENTS),
      correlationId: rng.guid(),
      conditionalAccessStatus: 'notApplied',
      isInteractive: false,
      riskDetail: 'none',
      riskLevelAggregated: 'none',
      riskLevelDuringSignIn: 'none',
      riskState: 'none',
      riskEventTypes: [],
      riskEventTypes_v2: [],
      resourceDisplayName: resource.displayName,
      resourceId: resource.appId,
      resourceTenantId: ctx.tenantId,
      homeTenantId: ctx.tenantId,
      servicePrincipalId: workload ? app.id : '',
      servicePrincipalName: workload ? app.displayName : null,
      authenticationAppDeviceDetails: null,
      status: ok ? STATUS_OK[i % 3]! : workload ? rng.pick(SP_FAILED) : rng.pick(STATUS_FAILED),
      deviceDetail: workload
        ? { browser: '', deviceId: '', displayName: '', isCompliant: false, isManaged: false, operatingSystem: '', trustType: '' }
        : rng.pick(devices),
      location: type === 'managedIdentity' ? { city: '', state: '', countryOrRegion: '', geoCoordinates: {} } : rng.pick(LOCATIONS),
      appliedConditionalAccessPolicies: [],
      // Beta-only properties: how the sign-in was made, and the event type the filter matches.
      authenticationRequirement: workload ? 'singleFactorAuthentication' : 'multiFactorAuthentication',
      signInEventTypes: [type],
    };
  });
}
