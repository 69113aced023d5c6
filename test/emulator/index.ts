// The emulator's entry point for tests, the demo and benchmarks: startEmulator() serves a seeded synthetic tenant over HTTPS.
import { createEmulator, type Emulator, type ServerOptions } from './emulator.js';
import { applyMutations } from './mutations.js';
import { generateTenant } from './tenant.js';
import { truthAppRoleAssignments, truthDirectoryAudits, truthServicePrincipals, truthSignIns, truthUsers } from './truth.js';
import { truthApplications, truthGrants, truthRoleAssignments, truthSkus } from './truth-apps.js';
import { truthGroupMembers, truthGroups } from './truth-groups.js';

export type { Emulator, MutationCounts, ServerOptions, Switches } from './emulator.js';
export { DEFAULT_PERMISSIONS } from './emulator.js';
export type { RequestLogEntry } from './metrics.js';
export { DEFAULT_SIZES } from './tenant.js';
export type { GroupMembersTruthOptions } from './truth-groups.js';

/**
 * Generates the tenant for `options.seed` and `options.sizes` (over the generator's DEFAULT_SIZES) and serves it
 * on https://127.0.0.1:<port> (ephemeral by default). Call stop() when done.
 */
export async function startEmulator(options: ServerOptions = {}): Promise<Emulator> {
  const seed = options.seed ?? 1;
  const tenant = generateTenant(seed, options.sizes ?? {}, options.now);
  return createEmulator(
    tenant,
    { ...options, seed },
    {
      truth: {
        users: (truthOptions) => truthUsers(tenant, truthOptions),
        servicePrincipals: () => truthServicePrincipals(tenant),
        appRoleAssignments: () => truthAppRoleAssignments(tenant),
        signIns: (from, to, eventTypes) => truthSignIns(tenant, from, to, eventTypes),
        directoryAudits: (from, to, retentionDays) => truthDirectoryAudits(tenant, from, to, retentionDays),
        groups: () => truthGroups(tenant),
        groupMembers: (truthOptions) =>
          truthGroupMembers(tenant, { listsServicePrincipals: options.groupMembersListServicePrincipals ?? false, ...truthOptions }),
        applications: (at) => truthApplications(tenant, at),
        oauth2PermissionGrants: () => truthGrants(tenant),
        subscribedSkus: () => truthSkus(tenant),
        directoryRoleAssignments: (options) => truthRoleAssignments(tenant, options),
      },
      mutate: (t, mutationSeed, counts) => applyMutations(t, mutationSeed, counts),
    },
  );
}
