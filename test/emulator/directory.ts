// Read-side indexes over a Tenant (sorted lists, id maps, sign-in time keys), rebuilt after every mutation.
import type { DirectoryChange, GraphObject, Tenant } from './types.js';

/** The change log mutations append to (tenant.changeLog); absent until something changed. */
export const changeLogOf = (tenant: Tenant): DirectoryChange[] => tenant.changeLog ?? [];

/**
 * A fixed-width sortable form of an ISO-8601 UTC instant with up to 7 fractional digits
 * ("2026-11-01T10:00:00.1234567Z"), so comparisons keep Graph's 100-ns precision. Undefined if not such an instant.
 */
export function instantKey(value: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]00:00)?$/i.exec(value);
  if (!m) return undefined;
  const [, date, hh = '00', mm = '00', ss = '00', frac = ''] = m;
  const key = `${date}T${hh}:${mm}:${ss}.${frac.padEnd(7, '0')}Z`;
  return Number.isNaN(Date.parse(key.replace(/(\.\d{3})\d{4}Z$/, '$1Z'))) ? undefined : key;
}

export const keyOfDate = (date: Date) => instantKey(date.toISOString())!;

export type ObjectKind = 'user' | 'group' | 'device' | 'servicePrincipal' | 'orgContact' | 'application';

export interface SortedList {
  items: GraphObject[];
  /** items' ids, ascending (the serving order: stable across pages even when objects are added or removed). */
  ids: string[];
}

function sortedById(objects: GraphObject[]): SortedList {
  const items = [...objects].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { items, ids: items.map((o) => o.id) };
}

export interface Directory {
  users: SortedList;
  servicePrincipals: SortedList;
  groups: SortedList;
  /** App registrations (tenant.applications), in id order. */
  applications: SortedList;
  byId: Map<string, { kind: ObjectKind; object: GraphObject }>;
  /** Sign-ins inside retention, newest first, with their instant keys (same order) for binary search. */
  signIns: GraphObject[];
  signInKeys: string[];
  retentionStartKey: string;
  /** Beta's other sign-in event types inside retention, newest first, with their instant keys (same order). */
  signInEvents: GraphObject[];
  signInEventKeys: string[];
  /** Directory audit events inside the 30-day (P1/P2) retention, newest first, with their instant keys (same order). */
  directoryAudits: GraphObject[];
  directoryAuditKeys: string[];
  /** Lists a filter selected (beta sign-ins by event type, audits in another order), by the query without its skiptoken; a few kept. */
  queryCache: Map<string, GraphObject[]>;
  /** Filtered user lists by normalized $filter (computed on first use). */
  userFilterCache: Map<string, SortedList>;
  /** Serialized records by "<projection key>" then id: each record is stringified once per projection. */
  json: Map<string, Map<string, Buffer>>;
  /** The directory extensions registered for users: lower-cased name -> Graph's spelling ($select is case-insensitive). */
  userExtensions: Map<string, string>;
}

export function retentionStart(tenant: Tenant): Date {
  return new Date(tenant.now.getTime() - tenant.retentionDays * 86_400_000);
}

/** `objects` whose `property` is an instant at or after `startKey`, newest first (ties keep their order), with their keys. */
function newestFirst(objects: GraphObject[], property: string, startKey: string): { items: GraphObject[]; keys: string[] } {
  const keyed = objects.map((o) => ({ o, k: instantKey(String(o[property])) ?? '' })).filter((e) => e.k >= startKey);
  keyed.sort((a, b) => (a.k > b.k ? -1 : a.k < b.k ? 1 : 0));
  return { items: keyed.map((e) => e.o), keys: keyed.map((e) => e.k) };
}

export function buildDirectory(tenant: Tenant): Directory {
  const byId = new Map<string, { kind: ObjectKind; object: GraphObject }>();
  const add = (kind: ObjectKind, list: GraphObject[]) => {
    for (const object of list) byId.set(object.id, { kind, object });
  };
  add('user', tenant.users);
  add('group', tenant.groups);
  add('device', tenant.devices);
  add('servicePrincipal', tenant.servicePrincipals);
  add('orgContact', tenant.contacts);
  add('application', tenant.applications ?? []);

  const retentionStartKey = keyOfDate(retentionStart(tenant));
  // Newest first, as Graph serves sign-ins; ties keep the generator's order.
  const signIns = newestFirst(tenant.signIns, 'createdDateTime', retentionStartKey);
  const events = newestFirst(tenant.signInEvents ?? [], 'createdDateTime', retentionStartKey);
  const audits = newestFirst(tenant.directoryAudits ?? [], 'activityDateTime', retentionStartKey);
  return {
    users: sortedById(tenant.users),
    servicePrincipals: sortedById(tenant.servicePrincipals),
    groups: sortedById(tenant.groups),
    applications: sortedById(tenant.applications ?? []),
    byId,
    signIns: signIns.items,
    signInKeys: signIns.keys,
    retentionStartKey,
    signInEvents: events.items,
    signInEventKeys: events.keys,
    directoryAudits: audits.items,
    directoryAuditKeys: audits.keys,
    queryCache: new Map(),
    userFilterCache: new Map(),
    json: new Map(),
    userExtensions: new Map((tenant.directoryExtensions ?? []).map((e) => [e.name.toLowerCase(), e.name])),
  };
}

/** First index i with ids[i] > id (ids ascending). */
export function indexAfter(ids: string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key satisfies `predicate`, for a predicate that is false then true along the list (binary search). */
export function firstIndexWhere(keys: string[], predicate: (key: string) => boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (predicate(keys[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
