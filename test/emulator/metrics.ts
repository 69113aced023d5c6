// Request counters and the computed lower bound on each stream's sync time under the emulator's current model.
import type { Directory } from './directory.js';
import type { ThrottleSettings } from './throttling.js';
import { ruCost } from './throttling.js';
import type { EmulatorMetrics, Tenant, TokenRequestRecord } from './types.js';

/** One Graph request as it arrived: a whole request, or one item of a $batch. */
export interface RequestLogEntry {
  method: string;
  /** The path after the version root, ids included, e.g. /groups/8f1c.../members. */
  path: string;
  /** The version root: v1.0, or beta (sign-in event types). */
  version: 'v1.0' | 'beta';
  /** The query options in their order, names as sent and values decoded, e.g. [['$select', 'id,mail'], ['$top', '999']]. */
  query: [string, string][];
  /** 'direct' for a request of its own, 'batch' for an item of a POST /$batch. */
  via: 'direct' | 'batch';
  status: number;
}

/** The request log keeps the first this many entries after a reset (a long emulator session must not grow without end). */
export const REQUEST_LOG_LIMIT = 200_000;

export class MetricsRecorder {
  requests: Record<string, number> = {};
  /** Every Graph request and batch item since the last reset, up to REQUEST_LOG_LIMIT (requestLogDropped counts the rest). */
  requestLog: RequestLogEntry[] = [];
  requestLogDropped = 0;
  totalRequests = 0;
  throttled = 0;
  resourceUnits = 0;
  tokensIssued = 0;
  secretSeenByGraph = false;
  lastTokenRequest: TokenRequestRecord | undefined;
  /** Requests per remote (client) port, every request counted, so tests can tell which connection each came on (e.g. a proxy's). */
  remotePorts: Record<string, number> = {};
  /** HTTP requests being handled right now, and the most at once since the last reset (a $batch counts once). */
  inFlight = 0;
  peakInFlight = 0;
  /** Every access token issued, so tests can check none is ever printed (kept across reset(): a token outlives it). */
  readonly accessTokens: string[] = [];

  count(label: string) {
    this.requests[label] = (this.requests[label] ?? 0) + 1;
    this.totalRequests += 1;
  }

  /** Records a Graph request or batch item: `relative` is its path after the `version` root with its query. */
  logRequest(method: string, relative: string, via: RequestLogEntry['via'], status: number, version: RequestLogEntry['version'] = 'v1.0') {
    if (this.requestLog.length >= REQUEST_LOG_LIMIT) {
      this.requestLogDropped += 1;
      return;
    }
    let url: URL;
    try {
      url = new URL(relative.startsWith('/') ? relative : `/${relative}`, 'https://graph.invalid/');
    } catch {
      this.requestLog.push({ method, path: relative, version, query: [], via, status });
      return;
    }
    this.requestLog.push({ method: method.toUpperCase(), path: url.pathname, version, query: [...url.searchParams], via, status });
  }

  reset() {
    this.requests = {};
    this.requestLog = [];
    this.requestLogDropped = 0;
    this.totalRequests = 0;
    this.throttled = 0;
    this.resourceUnits = 0;
    this.tokensIssued = 0;
    this.secretSeenByGraph = false;
    this.lastTokenRequest = undefined;
    this.remotePorts = {};
    this.peakInFlight = this.inFlight;
  }

  /** Brackets the handling of one HTTP request, from its arrival to the end of its answer. */
  requestStarted() {
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
  }
  requestFinished() {
    this.inFlight -= 1;
  }

  peer(port: number | undefined) {
    const key = String(port ?? 'unknown');
    this.remotePorts[key] = (this.remotePorts[key] ?? 0) + 1;
  }
}

export interface FloorModel {
  tenant: Tenant;
  directory: Directory;
  throttling: ThrottleSettings;
  latencyMs: number;
  latencyPerRecordMs: number;
}

const MAX_DIRECTORY_PAGE = 999;
const MAX_EXPANDED_PAGE = 100;
const MAX_SIGNIN_PAGE = 1000;
const MAX_AUDIT_PAGE = 999;
const pagesOf = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

/**
 * The fastest a connector could possibly sync each stream against this emulator: the longest of
 * (a) its serial page chain (every page waits for the previous nextLink) times the per-request latency,
 * (b) its RU spend divided by the RU refill rate beyond the first full bucket, and
 * (c) for sign-ins, the reports budget (requests beyond the first window's allowance, at reportsPer10s per window).
 * Per-record latency counts for the serial lists (users, service principals, sign-ins), not for the parallel fan-out.
 */
export function floors(model: FloorModel): Record<string, number> {
  const { tenant, directory, throttling } = model;
  const windowMs = 10_000 / throttling.timeScale;
  const selectTop = new URLSearchParams('$select=id&$top=999');
  const chain = (pages: number, records: number) => pages * model.latencyMs + records * model.latencyPerRecordMs;
  const ruTime = (ru: number) => (throttling.enabled ? (Math.max(0, ru - throttling.ruPer10s) * windowMs) / throttling.ruPer10s : 0);

  // Users with their managers: $expand=manager pages 100 users at most (known issue 13635) at 2 RU a page, the
  // cheapest way to read them (scripts/manager-cost.ts measures the batched alternative).
  const userPages = pagesOf(directory.users.items.length, MAX_EXPANDED_PAGE);
  const selectExpand = new URLSearchParams('$select=id&$expand=manager&$top=999');
  const users = Math.max(chain(userPages, directory.users.items.length), ruTime(userPages * ruCost(2, selectExpand)));

  const spCount = directory.servicePrincipals.items.length;
  const spPages = pagesOf(spCount, MAX_DIRECTORY_PAGE);
  const spChain = chain(spPages + 1, spCount + 1); // + GET /organization
  const servicePrincipals = Math.max(spChain, ruTime((spPages + 1) * ruCost(1, selectTop)));

  // Fan-out: after listing service principals, every resource's assignments and every assigned group's
  // members can be read in parallel; the longest single chain and the total RU bound the rest.
  let fanRu = 0;
  let longest = 0;
  const groups = new Set<string>();
  for (const sp of tenant.servicePrincipals) {
    const list = tenant.assignments.get(sp.id) ?? [];
    const pages = pagesOf(list.length, MAX_DIRECTORY_PAGE);
    fanRu += pages * ruCost(1, selectTop);
    longest = Math.max(longest, pages);
    for (const a of list) if (a.principalType === 'Group') groups.add(String(a.principalId));
  }
  let memberChain = 0;
  for (const g of groups) {
    const members = tenant.groupMembers.get(g)?.length ?? 0;
    const pages = pagesOf(members, MAX_DIRECTORY_PAGE);
    fanRu += pages * ruCost(3, selectTop);
    memberChain = Math.max(memberChain, pages);
  }
  const appRoleAssignments =
    chain(spPages, spCount) + Math.max((longest + memberChain) * model.latencyMs, ruTime(fanRu + spPages * ruCost(1, selectTop)));

  // The log streams: a serial page chain, and the reports budget (shared by signIns and directoryAudits).
  const reportsTime = (pages: number) =>
    throttling.enabled ? (Math.max(0, pages - throttling.reportsPer10s) * windowMs) / throttling.reportsPer10s : 0;
  const logFloor = (records: number, pageSize: number) =>
    Math.max(chain(pagesOf(records, pageSize), records), reportsTime(pagesOf(records, pageSize)));
  const signIns = logFloor(directory.signIns.length, MAX_SIGNIN_PAGE);
  const directoryAudits = logFloor(directory.directoryAudits.length, MAX_AUDIT_PAGE);

  return {
    users: Math.round(users),
    service_principals: Math.round(servicePrincipals),
    app_role_assignments: Math.round(appRoleAssignments),
    sign_ins: Math.round(signIns),
    directory_audits: Math.round(directoryAudits),
  };
}

export function snapshot(recorder: MetricsRecorder, floorMs: Record<string, number>): EmulatorMetrics {
  return {
    requests: { ...recorder.requests },
    totalRequests: recorder.totalRequests,
    throttled: recorder.throttled,
    resourceUnits: recorder.resourceUnits,
    tokensIssued: recorder.tokensIssued,
    secretSeenByGraph: recorder.secretSeenByGraph,
    remotePorts: { ...recorder.remotePorts },
    peakInFlight: recorder.peakInFlight,
    ...(recorder.lastTokenRequest ? { lastTokenRequest: structuredClone(recorder.lastTokenRequest) } : {}),
    floorMs,
  };
}
