// The seeded synthetic tenant: generateTenant(seed, sizes, now) assembles users, apps, groups, assignments and sign-ins.
import { generateApplications } from './tenant-applications.js';
import { generateServicePrincipals } from './tenant-apps.js';
import { generateAssignments } from './tenant-assignments.js';
import { generateDirectoryAudits } from './tenant-audits.js';
import { generateGrants } from './tenant-consents.js';
import { generateGroupKinds } from './tenant-group-kinds.js';
import { generateGroups } from './tenant-groups.js';
import { tenantSkus, withConsumedUnits } from './tenant-licences.js';
import { isoSeconds, Random } from './tenant-random.js';
import { generateRoles } from './tenant-roles.js';
import { generateSignInEvents } from './tenant-signin-events.js';
import { fillSignInActivity, generateSignIns } from './tenant-signins.js';
import { fillUserProfiles } from './tenant-user-profiles.js';
import { type DirectoryContext, generateUsers } from './tenant-users.js';
import type { GraphObject, Tenant, TenantSizes } from './types.js';

/** A small tenant: enough of every special case for unit and integration tests, generated in milliseconds. */
export const DEFAULT_SIZES: Readonly<Required<TenantSizes>> = Object.freeze({
  users: 60,
  guestFraction: 0.05,
  servicePrincipals: 25,
  firstPartyFraction: 0.6,
  groups: 8,
  bigGroupSizes: [],
  assignments: 120,
  groupAssignmentFraction: 0.25,
  signIns: 300,
  signInsBeyondRetention: 20,
  signInBurst: { count: 0, minutes: 10, hoursAgo: 48 },
  retentionDays: 30,
  groupKinds: true,
  extraApplications: 4,
  delegatedGrants: 30,
  extraRoleAssignments: 6,
  signInEvents: { nonInteractiveUser: 120, servicePrincipal: 40, managedIdentity: 25 },
  directoryAudits: 200,
  directoryAuditsBeyondRetention: 10,
});

const DEFAULT_DOMAIN = 'contoso.example';
const INITIAL_DOMAIN = 'contoso.onmicrosoft.example';
const OTHER_DOMAINS = ['contoso.co.example', 'northwind.example'] as const;
const ORGANIZATION_NAME = 'Contoso Ltd';

/** The verified domains, the default first. */
export const VERIFIED_DOMAINS: readonly string[] = [DEFAULT_DOMAIN, ...OTHER_DOMAINS, INITIAL_DOMAIN];

function organization(rng: Random, tenantId: string): GraphObject {
  return {
    id: tenantId,
    deletedDateTime: null,
    businessPhones: ['+1 425 555 0100'],
    city: 'Redmond',
    country: null,
    countryLetterCode: 'US',
    createdDateTime: isoSeconds(Date.UTC(2015, 5, 1) + rng.int(365) * 86_400_000),
    defaultUsageLocation: null,
    displayName: ORGANIZATION_NAME,
    marketingNotificationEmails: [],
    onPremisesLastSyncDateTime: null,
    onPremisesSyncEnabled: null,
    partnerTenantType: null,
    postalCode: '98052',
    preferredLanguage: 'en',
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: 'WA',
    street: '1 Contoso Way',
    technicalNotificationMails: [`it-admins@${DEFAULT_DOMAIN}`],
    tenantType: 'AAD',
    directorySizeQuota: { used: 0, total: 300000 },
    assignedPlans: [],
    privacyProfile: null,
    provisionedPlans: [],
    verifiedDomains: VERIFIED_DOMAINS.map((name) => ({
      capabilities: name === INITIAL_DOMAIN || name === DEFAULT_DOMAIN ? 'Email, OfficeCommunicationsOnline' : 'Email',
      isDefault: name === DEFAULT_DOMAIN,
      isInitial: name === INITIAL_DOMAIN,
      name,
      type: 'Managed',
    })),
  };
}

/** What the builders need, recovered from a tenant (mutations create objects with it). */
export function contextOf(tenant: Tenant, nowMs = tenant.now.getTime()): DirectoryContext {
  return {
    tenantId: tenant.tenantId,
    defaultDomain: tenant.defaultDomain,
    initialDomain: INITIAL_DOMAIN,
    otherDomains: OTHER_DOMAINS,
    organizationName: String(tenant.organization.displayName),
    nowMs,
  };
}

/**
 * A deterministic tenant for `seed`: the same seed, sizes and `now` give the same objects, ids included.
 * Each section draws from its own seeded stream, so changing one size does not reshuffle the others.
 * Objects are in Graph's v1.0 shape; treat them as read-only (nested sign-in objects are shared and frozen),
 * and change the tenant only through mutations.ts. Counts are exact: `groups` includes the big groups (each capped
 * at the number of users) and excludes the nine groups of other kinds that `groupKinds` adds, `assignments` is the total of appRoleAssignedTo entries, and `signIns` fall inside
 * retention with `signInsBeyondRetention` more before it (and `signInBurst.count` more inside it).
 */
export function generateTenant(seed: number, sizes: Partial<TenantSizes> = {}, now: Date = new Date()): Tenant {
  const s = { ...DEFAULT_SIZES, ...sizes } as Required<TenantSizes>;
  const rng = (label: string) => Random.forSection(seed, label);
  const tenantRng = rng('tenant');
  const tenantId = tenantRng.guid();
  const org = organization(tenantRng, tenantId);
  const ctx: DirectoryContext = {
    tenantId,
    defaultDomain: DEFAULT_DOMAIN,
    initialDomain: INITIAL_DOMAIN,
    otherDomains: OTHER_DOMAINS,
    organizationName: ORGANIZATION_NAME,
    nowMs: now.getTime(),
  };
  const users = generateUsers(rng('users'), ctx, s.users, s.guestFraction);
  const profiles = fillUserProfiles(rng('userProfiles'), users, now.getTime());
  const { servicePrincipals, kinds } = generateServicePrincipals(rng('apps'), ctx, s.servicePrincipals, s.firstPartyFraction);
  const g = generateGroups(rng('groups'), ctx, s.groups, s.bigGroupSizes, users, servicePrincipals);
  const assignments = generateAssignments(rng('assignments'), ctx, {
    users,
    groups: g.groups,
    groupMembers: g.groupMembers,
    servicePrincipals,
    kinds,
    landmarks: g.landmarks,
    target: s.assignments,
    groupFraction: s.groupAssignmentFraction,
  });
  // Generated after the assignments, from their own section: the groups of every kind are never assigned, and the
  // assignments (and every other section) stay exactly what they were before these groups existed.
  if (s.groupKinds) {
    const kinds = generateGroupKinds(rng('groupKinds'), ctx, {
      users,
      groups: g.groups,
      devices: g.devices,
      contacts: g.contacts,
      servicePrincipals,
    });
    g.groups.push(...kinds.groups);
    for (const [id, members] of kinds.members) g.groupMembers.set(id, members);
    g.landmarks.hiddenGroup = kinds.hiddenGroup;
  }
  const plan = { count: s.signIns, beyondRetention: s.signInsBeyondRetention, retentionDays: s.retentionDays, burst: s.signInBurst };
  const signIns = generateSignIns(rng('signIns'), ctx, users, servicePrincipals, kinds, plan);
  fillSignInActivity(rng('signInActivity'), ctx, users, signIns, s.retentionDays);
  const owners = { users: users.filter((u) => u.userType !== 'Guest'), servicePrincipals };
  const apps = generateApplications(rng('applications'), ctx, servicePrincipals, kinds, owners, s.extraApplications);
  const roles = generateRoles(
    rng('roles'),
    { users, groups: g.groups, servicePrincipals, applications: apps.applications },
    s.extraRoleAssignments,
  );
  // Sections of their own, drawn last: the sections above keep their exact data.
  const signInEvents = generateSignInEvents(rng('signInEvents'), ctx, users, servicePrincipals, kinds, {
    counts: s.signInEvents,
    retentionDays: s.retentionDays,
  });
  const directoryAudits = generateDirectoryAudits(rng('directoryAudits'), ctx, users, g.groups, servicePrincipals, kinds, {
    count: s.directoryAudits,
    beyondRetention: s.directoryAuditsBeyondRetention,
    retentionDays: s.retentionDays,
  });
  return {
    tenantId,
    defaultDomain: DEFAULT_DOMAIN,
    organization: org,
    users,
    servicePrincipals,
    groups: g.groups,
    groupMembers: g.groupMembers,
    devices: g.devices,
    contacts: g.contacts,
    assignments,
    signIns: signIns.signIns,
    now,
    retentionDays: s.retentionDays,
    landmarks: g.landmarks,
    applications: apps.applications,
    applicationOwners: apps.owners,
    oauth2PermissionGrants: generateGrants(rng('grants'), { servicePrincipals, kinds, users }, s.delegatedGrants),
    subscribedSkus: withConsumedUnits(tenantSkus(seed, users.length), users),
    roleDefinitions: roles.roleDefinitions,
    roleAssignments: roles.roleAssignments,
    signInEvents,
    directoryAudits,
    managers: profiles.managers,
    directoryExtensions: profiles.directoryExtensions,
  };
}
