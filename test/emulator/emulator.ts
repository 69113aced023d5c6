// Builds a running Emulator (the API tests use) around a given Tenant: state, server, metrics and controls.
import { randomUUID } from 'node:crypto';
import { buildDirectory } from './directory.js';
import { Faults } from './faults.js';
import { floors, MetricsRecorder, snapshot, type RequestLogEntry } from './metrics.js';
import type { MutationCounts } from './mutations.js';
import { listen } from './server.js';
import { appCredentials, clientCertificateInfo, fixture, guidFrom, newSigningKey, seededRandom, type AppCredentials, type EmulatorState } from './state.js';
import { ruBudgetFor, Throttler, type ThrottleSettings } from './throttling.js';
export type { MutationCounts } from './mutations.js';
import type { DirectoryChange, EmulatorMetrics, EmulatorOptions, Fault, Tenant, TruthOptions } from './types.js';

/**
 * Every application permission the connector asks for (the default consent). Directory.Read.All is there because the
 * sign-in list needs it next to AuditLog.Read.All (see signInsRequireDirectoryRead); note that it also implies the
 * read permissions of users, groups, applications and the organization.
 */
export const DEFAULT_PERMISSIONS = ['User.Read.All', 'Application.Read.All', 'GroupMember.Read.All', 'Organization.Read.All', 'AuditLog.Read.All', 'Directory.Read.All'];


/** Emulator-only options beyond the shared contract. */
export interface ServerOptions extends EmulatorOptions {
  /** How an expired or unknown delta token is answered: 410 Gone (default) or 400 syncStateNotFound. */
  deltaExpiredStatus?: 410 | 400;
  /** Delta token lifetime (default 7 days, as for directory objects). */
  deltaTokenLifetimeSeconds?: number;
  /** The generator's "now" (default: the real now), so that a seeded tenant's dates are reproducible. */
  now?: Date;
  /**
   * Sign-ins require Directory.Read.All next to AuditLog.Read.All, as the signIn list page's documented known issue
   * says and as the connector assumes (default true; false = only AuditLog.Read.All, as newer docs list).
   */
  signInsRequireDirectoryRead?: boolean;
}

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
    signIns(from: Date, to: Date): Record<string, unknown>[];
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
  mutate(counts: MutationCounts): DirectoryChange[];
  stop(): Promise<void>;
}

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
    signInsRequireDirectoryRead: options.signInsRequireDirectoryRead ?? true,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    signingKey: newSigningKey(),
    throttler: new Throttler(throttling, `Tenant_Application/Read/${credentials.clientId}/${tenant.tenantId}`),
    faults,
    metrics: new MetricsRecorder(),
    latencyMs: options.latencyMs ?? 0,
    latencyPerRecordMs: options.latencyPerRecordMs ?? 0,
    delta: {
      tokenLifetimeMs: (options.deltaTokenLifetimeSeconds ?? 7 * 86_400) * 1000,
      expiredStatus: options.deltaExpiredStatus ?? 410,
      epoch: randomUUID().slice(0, 8),
    },
    random: seededRandom(seed),
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
        floors({ tenant, directory: state.directory, throttling, latencyMs: state.latencyMs, latencyPerRecordMs: state.latencyPerRecordMs }),
      ),
    requestLog: () => {
      if (state.metrics.requestLogDropped > 0) throw new Error(`The request log is full: ${state.metrics.requestLogDropped} requests were not logged. Call resetMetrics() more often.`);
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
    mutate: (counts) => {
      mutationRound += 1;
      const changes = model.mutate(tenant, seed * 1000 + mutationRound, counts);
      // Indexes, filtered lists and serialized records all describe the old directory.
      state.directory = buildDirectory(tenant);
      return changes;
    },
    stop: () => running.close(),
  };
}
