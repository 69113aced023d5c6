// Builds a running Emulator (the API tests use) around a given Tenant: state, server, metrics and controls.
import { randomUUID } from 'node:crypto';
import { buildDirectory } from './directory.js';
import { Faults } from './faults.js';
import { floors, MetricsRecorder, type RequestLogEntry, snapshot } from './metrics.js';
import type { MutationCounts } from './mutations.js';
import { listen } from './server.js';
import {
  type AppCredentials,
  appCredentials,
  type BatchItemHeaderNames,
  clientCertificateInfo,
  type DirectoryAuditsOrder,
  type EmulatorState,
  fixture,
  guidFrom,
  newSigningKey,
  seededRandom,
} from './state.js';
import { ruBudgetFor, type ThrottleClock, Throttler, type ThrottleSettings } from './throttling.js';

export type { MutationCounts } from './mutations.js';

import type { GroupMembersTruthOptions } from './truth-groups.js';
import type { DirectoryChange, EmulatorMetrics, EmulatorOptions, Fault, Tenant, TruthOptions } from './types.js';

/**
 * Every application permission the connector needs or advises (the default consent). Directory.Read.All is there
 * because the sign-in list's known issue needs it next to AuditLog.Read.All (see signInsRequireDirectoryRead); note
 * that it also implies the read permissions of users, groups, applications and the organization.
 */
export const DEFAULT_PERMISSIONS = [
  'User.Read.All',
  'Application.Read.All',
  'GroupMember.Read.All',
  'Organization.Read.All',
  'AuditLog.Read.All',
  'Directory.Read.All',
  'LicenseAssignment.Read.All',
  'RoleManagement.Read.Directory',
];

/** Emulator-only options beyond the shared contract. */
export interface ServerOptions extends EmulatorOptions {
  /** How an expired or unknown delta token is answered: 410 Gone (default) or 400 syncStateNotFound. */
  deltaExpiredStatus?: 410 | 400;
  /**
   * The throttling windows' clock in ms (default performance.now). A test that passes its own and moves it by hand
   * gets the same answers however slowly a loaded machine sends the requests.
   */
  throttleClock?: ThrottleClock;
  /** Delta token lifetime (default 7 days, as for directory objects). */
  deltaTokenLifetimeSeconds?: number;
  /**
   * A changed object in a changes round (from a deltaLink) carries only id and the properties that changed, as
   * users and groups do with `Prefer: return=minimal` and as service principals may always do ("at least the
   * changed properties"); created objects (and restored ones) come whole. Default false: every selected property.
   */
  deltaMinimalChanges?: boolean;
  /** A restored object does not show up in changes rounds (Microsoft warns a restore may be missing from a $select delta). Default false. */
  deltaHidesRestores?: boolean;
  /**
   * $expand=manager($select=...) answers the whole manager, ignoring the nested $select, as Microsoft's known issues list
   * says of directory objects ("No support for nesting other query parameters such as $filter and $select inside an
   * $expand query"); default false: the nested $select is honoured, as the manager page documents.
   */
  expandIgnoresNestedSelect?: boolean;
  /** The generator's "now" (default: the real now), so that a seeded tenant's dates are reproducible. */
  now?: Date;
  /**
   * Sign-ins require Directory.Read.All next to AuditLog.Read.All, as the signIn list page's documented known issue
   * says (default true, the stricter reading; false = only AuditLog.Read.All, as the page's permissions table lists).
   */
  signInsRequireDirectoryRead?: boolean;
  /**
   * Serve v1.0 sign-ins (and beta's, and directory audits in China) to tokens for a national cloud's Graph
   * (us_government_l4/l5, china). Default false: the signIn list page's national-cloud table lists the global cloud only
   * (directoryAudits': global and US Government), and the segment does not exist there.
   */
  signInsInNationalClouds?: boolean;
  /**
   * How a national cloud answers sign-ins when it does not serve them: 400 BadRequest "Resource not found for the
   * segment 'signIns'" (default, as observed in China) or 404 (reported too; sent as Request_ResourceNotFound).
   */
  signInsNationalCloudStatus?: 400 | 404;
  /**
   * List service principals among a group's members. Default false: Graph v1.0's documented known issue ("doesn't list
   * service principals", https://learn.microsoft.com/graph/api/group-list-members); true is what beta (and a fixed v1.0) does.
   */
  groupMembersListServicePrincipals?: boolean;
  /**
   * How the members of a group with hidden membership are answered to an app without Member.Read.Hidden, which Microsoft
   * documents as needed without saying how Graph refuses: 'forbidden' (default, 403 Authorization_RequestDenied) or
   * 'empty' (200 with no members).
   */
  hiddenMembershipAnswer?: 'forbidden' | 'empty';
  /**
   * A member the app may not read comes back as @odata.type and id only (default), or with every other selected property
   * as null, as the permissions overview words it ("other properties are indicated as null").
   */
  limitedMembersAsNulls?: boolean;
  /**
   * GET /roleManagement/directory/roleAssignments without a $filter is a 400, as early beta required a filter
   * (https://github.com/microsoftgraph/microsoft-graph-docs/issues/12453). Default false: the v1.0 page lists $filter among
   * the optional query parameters (https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments).
   */
  roleAssignmentsRequireFilter?: boolean;
  /**
   * A role assignment's expanded principal comes as its @odata.type and id only, unless the caller may read that kind of
   * object (User.Read.All for users, GroupMember.Read.All for groups, Application.Read.All for service principals, or
   * Directory.Read.All). Default false: Microsoft's example expands principals with RoleManagement.Read.Directory.
   */
  rolePrincipalNamesNeedReadPermission?: boolean;
  /**
   * DelegatedPermissionGrant.Read.All opens /oauth2PermissionGrants. Default false: no oauth2PermissionGrant page lists it
   * (https://learn.microsoft.com/graph/api/oauth2permissiongrant-list#permissions).
   */
  delegatedPermissionGrantReadAll?: boolean;
  /**
   * directoryAudits requires Directory.Read.All next to AuditLog.Read.All, as its list page names both as least privileged
   * (default true; false = AuditLog.Read.All alone). https://learn.microsoft.com/graph/api/directoryaudit-list#permissions
   */
  directoryAuditsRequireDirectoryRead?: boolean;
  /** The order of directoryAudits answers, which Microsoft does not document (default newestFirst, as signIns). */
  directoryAuditsOrder?: DirectoryAuditsOrder;
  /**
   * How a $batch answer names each item's headers: lower-case (default), or capitalised as in Microsoft's examples
   * ("Retry-After", "Content-Type": https://learn.microsoft.com/graph/json-batching#response-format), which Graph also sends.
   */
  batchItemHeaderNames?: BatchItemHeaderNames;
  /**
   * A directoryAudits $filter literal older than the tenant keeps (30 days with P1/P2, 7 without) is refused with 400
   * "Invalid filter clause", as signIns does (default true); false serves what is kept instead.
   */
  directoryAuditsRefuseBeyondRetention?: boolean;
}

/** The ServerOptions switches a test may change on a running emulator (they apply from the next request on). */
export type Switches = Partial<
  Pick<
    ServerOptions,
    | 'roleAssignmentsRequireFilter'
    | 'rolePrincipalNamesNeedReadPermission'
    | 'delegatedPermissionGrantReadAll'
    | 'directoryAuditsRequireDirectoryRead'
    | 'directoryAuditsOrder'
    | 'batchItemHeaderNames'
    | 'directoryAuditsRefuseBeyondRetention'
    | 'expandIgnoresNestedSelect'
  >
>;

export interface Emulator {
  url: string;
  env: Record<string, string>;
  credentials: AppCredentials;
  config(overrides?: Record<string, unknown>): Record<string, unknown>;
  tenant: Tenant;
  truth: {
    users(options?: TruthOptions): Record<string, unknown>[];
    servicePrincipals(): Record<string, unknown>[];
    appRoleAssignments(): Record<string, unknown>[];
    /** sign_ins in [from, to): interactive ones by default (v1.0), or those of `eventTypes` (beta). */
    signIns(from: Date, to: Date, eventTypes?: readonly string[]): Record<string, unknown>[];
    /** directory_audits in [from, to), of the last `retentionDays` (default: the tenant's 30; 7 without a licence). */
    directoryAudits(from: Date, to: Date, retentionDays?: number): Record<string, unknown>[];
    groups(): Record<string, unknown>[];
    groupMembers(options?: GroupMembersTruthOptions): Record<string, unknown>[];
    /** The applications stream with nextCredentialExpiry judged at `at` (the instant the connector logs as its sync's start). */
    applications(at: Date): Record<string, unknown>[];
    oauth2PermissionGrants(): Record<string, unknown>[];
    subscribedSkus(): Record<string, unknown>[];
    /** principalNames false: the principals' names are not readable (rolePrincipalNamesNeedReadPermission without the permission). */
    directoryRoleAssignments(options?: { principalNames?: boolean }): Record<string, unknown>[];
  };
  metrics(): EmulatorMetrics;
  /** Every Graph request and $batch item since the last resetMetrics(), in arrival order (method, path, query, status). */
  requestLog(): RequestLogEntry[];
  resetMetrics(): void;
  /** Every access token the token endpoint issued so far (for leak checks). */
  issuedTokens(): string[];
  setFaults(faults: Fault[]): void;
  setPermissions(permissions: string[]): void;
  setPremium(premium: boolean): void;
  /** Changes ServerOptions switches of the running emulator (roles, grants, directory audits, $expand): see Switches. */
  configure(switches: Switches): void;
  mutate(counts: MutationCounts): DirectoryChange[];
  /** Moves the delta tokens' clock forward: every token issued so far is that much older (e.g. past its 7-day lifetime). */
  advanceDeltaClock(seconds: number): void;
  /** Moves the access tokens' clock forward: every token issued so far is that much older (e.g. expired), new ones are fresh. */
  advanceTokenClock(seconds: number): void;
  stop(): Promise<void>;
}

/** The truth of an emulator whose tenant has none (hand-built tenants): every stream empty. */
export const NO_TRUTH: Emulator['truth'] = {
  users: () => [],
  servicePrincipals: () => [],
  appRoleAssignments: () => [],
  signIns: () => [],
  directoryAudits: () => [],
  groups: () => [],
  groupMembers: () => [],
  applications: () => [],
  oauth2PermissionGrants: () => [],
  subscribedSkus: () => [],
  directoryRoleAssignments: () => [],
};

/** What the tenant generator's companions provide: ground truth and mutations. */
export interface TenantModel {
  truth: Emulator['truth'];
  mutate(tenant: Tenant, seed: number, counts: MutationCounts): DirectoryChange[];
}

export async function createEmulator(tenant: Tenant, options: ServerOptions, model: TenantModel): Promise<Emulator> {
  const seed = options.seed ?? 1;
  const timeScale = options.throttling?.timeScale ?? 1;
  const throttling: ThrottleSettings = {
    enabled: options.throttling?.enabled ?? false,
    timeScale,
    ruPer10s: options.throttling?.ruPer10s ?? ruBudgetFor(tenant.users.length),
    reportsPer10s: options.throttling?.reportsPer10s ?? 5,
  };
  const credentials = appCredentials(tenant.tenantId, seed);
  const certificate = clientCertificateInfo(credentials.clientCertificate.certificatePath);
  const faults = new Faults();
  faults.set(options.faults ?? []);
  const appObjectId = guidFrom(`app-sp:${seed}:${tenant.tenantId}`);
  const state: EmulatorState = {
    url: '',
    tenant,
    directory: buildDirectory(tenant),
    credentials,
    clientCertificateKey: certificate.key,
    clientThumbprints: certificate.prints,
    appObjectId,
    permissions: [...(options.permissions ?? DEFAULT_PERMISSIONS)],
    premium: options.premium ?? true,
    expandIgnoresNestedSelect: options.expandIgnoresNestedSelect ?? false,
    signInsRequireDirectoryRead: options.signInsRequireDirectoryRead ?? true,
    signInsInNationalClouds: options.signInsInNationalClouds ?? false,
    signInsNationalCloudStatus: options.signInsNationalCloudStatus ?? 400,
    roleAssignmentsRequireFilter: options.roleAssignmentsRequireFilter ?? false,
    rolePrincipalNamesNeedReadPermission: options.rolePrincipalNamesNeedReadPermission ?? false,
    delegatedPermissionGrantReadAll: options.delegatedPermissionGrantReadAll ?? false,
    directoryAuditsRequireDirectoryRead: options.directoryAuditsRequireDirectoryRead ?? true,
    directoryAuditsOrder: options.directoryAuditsOrder ?? 'newestFirst',
    batchItemHeaderNames: options.batchItemHeaderNames ?? 'lower',
    directoryAuditsRefuseBeyondRetention: options.directoryAuditsRefuseBeyondRetention ?? true,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    accessTokenClockOffsetMs: 0,
    signingKey: newSigningKey(),
    throttler: new Throttler(throttling, `Tenant_Application/Read/${credentials.clientId}/${tenant.tenantId}`, options.throttleClock),
    faults,
    metrics: new MetricsRecorder(),
    latencyMs: options.latencyMs ?? 0,
    latencyPerRecordMs: options.latencyPerRecordMs ?? 0,
    delta: {
      tokenLifetimeMs: (options.deltaTokenLifetimeSeconds ?? 7 * 86_400) * 1000,
      expiredStatus: options.deltaExpiredStatus ?? 410,
      epoch: randomUUID().slice(0, 8),
      minimalChanges: options.deltaMinimalChanges ?? false,
      hidesRestores: options.deltaHidesRestores ?? false,
      clockOffsetMs: 0,
    },
    random: seededRandom(seed),
    groups: {
      listServicePrincipals: options.groupMembersListServicePrincipals ?? false,
      hiddenAnswer: options.hiddenMembershipAnswer ?? 'forbidden',
      limitedAsNulls: options.limitedMembersAsNulls ?? false,
    },
  };
  const running = await listen(state, options.port ?? 0);
  let mutationRound = 0;
  const env = {
    AZURE_AUTHORITY_HOST: running.url,
    AZURE_GRAPH_ENDPOINT: running.url,
    NODE_EXTRA_CA_CERTS: fixture('ca.pem'),
    AZURE_GRAPH_TIME_SCALE: String(timeScale),
  };
  return {
    url: running.url,
    env,
    credentials,
    tenant,
    truth: model.truth,
    config: (overrides = {}) => ({
      tenant_id: tenant.tenantId,
      client_id: credentials.clientId,
      credentials: { auth_type: 'client_secret', client_secret: credentials.clientSecret },
      ...overrides,
    }),
    metrics: () =>
      snapshot(
        state.metrics,
        floors({
          tenant,
          directory: state.directory,
          throttling,
          latencyMs: state.latencyMs,
          latencyPerRecordMs: state.latencyPerRecordMs,
        }),
      ),
    requestLog: () => {
      if (state.metrics.requestLogDropped > 0)
        throw new Error(
          `The request log is full: ${state.metrics.requestLogDropped} requests were not logged. Call resetMetrics() more often.`,
        );
      return state.metrics.requestLog.map((entry) => ({ ...entry, query: entry.query.map(([k, v]) => [k, v] as [string, string]) }));
    },
    resetMetrics: () => state.metrics.reset(),
    issuedTokens: () => [...state.metrics.accessTokens],
    setFaults: (list) => faults.set(list),
    setPermissions: (permissions) => {
      state.permissions = [...permissions];
    },
    setPremium: (premium) => {
      state.premium = premium;
    },
    configure: (switches) => {
      for (const [name, value] of Object.entries(switches)) {
        if (value !== undefined) Object.assign(state, { [name]: value });
      }
      // Answers computed under the old switches (e.g. a directoryAudits order) must not be served again.
      state.directory.queryCache.clear();
    },
    mutate: (counts) => {
      mutationRound += 1;
      const changes = model.mutate(tenant, seed * 1000 + mutationRound, counts);
      // Indexes, filtered lists and serialized records all describe the old directory.
      state.directory = buildDirectory(tenant);
      return changes;
    },
    advanceDeltaClock: (seconds) => {
      state.delta.clockOffsetMs += seconds * 1000;
    },
    advanceTokenClock: (seconds) => {
      state.accessTokenClockOffsetMs += seconds * 1000;
    },
    stop: () => running.close(),
  };
}
