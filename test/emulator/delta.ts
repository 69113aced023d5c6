// Delta queries for users, servicePrincipals, groups and applications: a full first round, then only the changes recorded in
// tenant.changeLog since the deltaLink's sequence number (optionally minimal entries, hidden restores); groups carry
// members@delta when `members` is selected (or nothing is).
// https://learn.microsoft.com/graph/delta-query-overview ; https://learn.microsoft.com/graph/api/group-delta
import type { GraphRequest } from './collections.js';
import { groupListSelectProblem, PAGE } from './collections.js';
import { changeLogOf, indexAfter } from './directory.js';
import { managerDelta, selectsManager } from './managers.js';
import { decodeToken, encodeToken, jsonBytes, pageJson, readSelect } from './paging.js';
import { ODATA_TYPE, project, projectionIn, serialize } from './project.js';
import { graphError, type Reply, rawJsonReply } from './reply.js';
import type { DirectoryChange, GraphObject } from './types.js';

type Resource = 'users' | 'servicePrincipals' | 'groups' | 'applications';
const ENTITY = { users: 'user', servicePrincipals: 'servicePrincipal', groups: 'group', applications: 'application' } as const;

interface DeltaToken {
  /** 'i' initial round page, 'c' changes round page, 'd' deltaLink. */
  d: 'i' | 'c' | 'd';
  r: Resource;
  /** $select of the first call, baked into every later token. */
  s: string[] | null;
  /** Change sequence: the round's base (i, d) or the last change included (c: upTo). */
  seq: number;
  from?: number;
  a?: string;
  o?: number;
  /** Emulator instance, and issue time (ms) for expiry. */
  e: string;
  t: number;
}

/**
 * The $select a request to a collection or its delta is served with: its own, or the one a delta token carries (null: none,
 * every default property; a list's paging token keeps the $select beside it); undefined for a token that is not this emulator's.
 */
export function deltaSelect(params: URLSearchParams): string[] | null | undefined {
  const own = readSelect(params);
  if (own) return own;
  const token = params.get('$deltatoken') ?? params.get('$skiptoken');
  if (token === null) return null;
  const decoded = decodeToken(token) as Partial<DeltaToken> | undefined;
  if (!decoded) return undefined;
  return 's' in decoded ? (decoded.s ?? null) : null;
}

/** The delta tokens' clock: the wall clock plus what tests advanced it by (aging every token issued so far). */
const now = (state: GraphRequest['state']) => Date.now() + state.delta.clockOffsetMs;

const lastSeq = (changes: DirectoryChange[]) => changes[changes.length - 1]?.seq ?? 0;

/** An expired or unknown delta token: 410 Gone with a Location to restart, or 400 syncStateNotFound (configurable). */
function expired(req: GraphRequest, resource: Resource): Reply {
  if (req.state.delta.expiredStatus === 410) {
    return graphError(410, 'resyncRequired', 'The delta token has expired or is invalid. Restart the sync from scratch.', {
      location: `${req.state.url}/v1.0/${resource}/delta`,
    });
  }
  return graphError(400, 'syncStateNotFound', 'The sync state generation could not be found. Restart the sync from scratch.');
}

export function delta(req: GraphRequest, resource: Resource): Reply {
  const { state, params } = req;
  const token = params.get('$deltatoken') ?? params.get('$skiptoken');
  const others = [...params.keys()].filter((k) => !/^\$(skiptoken|deltatoken)$/i.test(k));
  let current: DeltaToken;
  const changes = changeLogOf(state.tenant);
  if (token === null) {
    for (const option of ['$top', '$orderby', '$expand', '$filter', '$search']) {
      if (params.has(option))
        return graphError(400, 'Request_UnsupportedQuery', `${option} is not supported on ${resource}/delta by the emulator.`);
    }
    const refused = resource === 'groups' ? groupListSelectProblem(params) : undefined;
    if (refused) return refused;
    current = { d: 'i', r: resource, s: readSelect(params) ?? null, seq: lastSeq(changes), e: state.delta.epoch, t: now(state) };
  } else {
    if (others.length) {
      return graphError(
        400,
        'Request_BadRequest',
        'Query options are only allowed on the first delta call; they are carried by the tokens. Call the nextLink or deltaLink verbatim.',
      );
    }
    if (token === 'latest' && params.has('$deltatoken')) {
      // "From now on": no data, only a deltaLink.
      const link = linkFor(req, { d: 'd', r: resource, s: null, seq: lastSeq(changes), e: state.delta.epoch, t: now(state) });
      return rawJsonReply(200, pageJson(context(req, resource, undefined), [], { delta: link }), {}, 0);
    }
    const decoded = decodeToken(token) as DeltaToken | undefined;
    if (!decoded || decoded.e !== state.delta.epoch || decoded.r !== resource || now(state) - decoded.t > state.delta.tokenLifetimeMs) {
      return expired(req, resource);
    }
    current = decoded;
  }
  const select = current.s ?? undefined;
  const fields = projectionIn(state.directory, ENTITY[resource], select);
  // Group delta: `members` selected, or no $select at all, adds members@delta (https://learn.microsoft.com/graph/api/group-delta).
  const withMembers = resource === 'groups' && (select === undefined || select.some((f) => f.toLowerCase() === 'members'));
  // $select=manager tracks the user's manager as a manager@delta annotation.
  const manager = resource === 'users' && selectsManager(select);
  const render = (o: GraphObject, names: string[] | undefined, round: Parameters<typeof managerDelta>[2], members?: GraphObject[]) => {
    const record = withMembers ? { ...project(o, names), 'members@delta': members ?? memberEntries(state, o.id) } : project(o, names);
    const annotation = manager ? managerDelta(state, o.id, round) : undefined;
    return annotation ? { ...record, 'manager@delta': annotation } : record;
  };
  const list = state.directory[resource];
  if (current.d === 'i') {
    const start = current.a === undefined ? 0 : indexAfter(list.ids, current.a);
    const items = list.items.slice(start, start + PAGE.directoryDefault);
    const key = `${resource}|${fields?.join(',') ?? '*'}|${withMembers}|${manager ? 'manager@delta' : ''}`;
    const records = serialize(state.directory, key, items, (o) => render(o, fields, {}));
    const done = start + items.length >= list.items.length;
    const links = done
      ? { delta: linkFor(req, { ...current, d: 'd', a: undefined, t: now(state) }) }
      : { next: linkFor(req, { ...current, a: items[items.length - 1]!.id }) };
    return rawJsonReply(200, pageJson(context(req, resource, select), records, links), {}, items.length);
  }
  // A changes round: from a deltaLink (d) or continuing one (c). Changes are collapsed per object (last wins).
  const from = current.d === 'd' ? current.seq : current.from!;
  const upTo = current.d === 'd' ? lastSeq(changes) : current.seq;
  const byObject = new Map<string, DirectoryChange[]>();
  for (const change of changes) {
    if (change.resource !== resource || change.seq <= from || change.seq > upTo) continue;
    const list = byObject.get(change.id) ?? [];
    byObject.delete(change.id);
    byObject.set(change.id, [...list, change]);
  }
  const { minimalChanges, hidesRestores } = state.delta;
  // Hidden restores, and groups whose only changes are membership changes that the first call did not select, are left
  // out before paging, so every page of the round sees the same list.
  const pending = [...byObject.values()].filter(
    (list) => !(hidesRestores && list[list.length - 1]!.how === 'restored') && (withMembers || !list.every(membershipOnly)),
  );
  const offset = current.d === 'c' ? (current.o ?? 0) : 0;
  const page = pending.slice(offset, offset + PAGE.directoryDefault);
  const records = page.map((list) => {
    const change = list[list.length - 1]!;
    const entry = state.directory.byId.get(change.id);
    if (change.kind === 'updated' && entry) {
      const names = changedFields(list, entry.object, fields, minimalChanges, hidesRestores);
      // A group new to the client lists all its members; otherwise members@delta carries the membership changes.
      const created = list.some((c) => c.how === 'created' || c.how === 'restored');
      const round = { changes: list, minimal: minimalChanges, whole: isWhole(list, hidesRestores) };
      return jsonBytes(render(entry.object, names, round, created ? undefined : memberChanges(state, list)));
    }
    const reason = change.kind === 'changed' ? 'changed' : 'deleted';
    return jsonBytes({ '@odata.type': ODATA_TYPE[ENTITY[resource]], id: change.id, '@removed': { reason } });
  });
  const links =
    offset + page.length >= pending.length
      ? { delta: linkFor(req, { d: 'd', r: resource, s: current.s, seq: upTo, e: state.delta.epoch, t: now(state) }) }
      : {
          next: linkFor(req, {
            d: 'c',
            r: resource,
            s: current.s,
            seq: upTo,
            from,
            o: offset + page.length,
            e: state.delta.epoch,
            t: current.t,
          }),
        };
  return rawJsonReply(200, pageJson(context(req, resource, select), records, links), {}, page.length);
}

/**
 * The properties a changes round serves for an updated object: every selected one, or (minimal mode) id and the
 * selected ones that changed in the round's window, unless the object is new to the client (created, or restored
 * when restores are reported), which comes whole.
 */
function changedFields(
  list: DirectoryChange[],
  object: GraphObject,
  fields: string[] | undefined,
  minimal: boolean,
  hidesRestores: boolean,
): string[] | undefined {
  if (!minimal || isWhole(list, hidesRestores)) return fields;
  const changed = new Set(list.flatMap((c) => (c.kind === 'updated' && (c.how ?? 'modified') === 'modified' ? (c.properties ?? []) : [])));
  return (fields ?? Object.keys(object)).filter((f) => f === 'id' || changed.has(f));
}

/**
 * A group's membership change and nothing else: without `members` in the $select it is not reported, since "if only an
 * unselected property changes, the object does not appear" (https://learn.microsoft.com/graph/delta-query-overview). Other
 * changes of unselected properties are still reported (more than Graph sends, which a client must tolerate anyway).
 */
function membershipOnly(change: DirectoryChange): boolean {
  const properties = change.properties ?? [];
  return (
    change.kind === 'updated' &&
    (change.how ?? 'modified') === 'modified' &&
    properties.length > 0 &&
    properties.every((p) => p === 'members')
  );
}

const memberEntry = (state: GraphRequest['state'], id: string) => {
  const kind = state.directory.byId.get(id)?.kind ?? 'user';
  return { '@odata.type': ODATA_TYPE[kind], id };
};

/** A group's current direct members as members@delta entries (only ids come back: https://learn.microsoft.com/graph/delta-query-groups). */
function memberEntries(state: GraphRequest['state'], groupId: string): GraphObject[] {
  return (state.tenant.groupMembers.get(groupId) ?? []).map((id) => memberEntry(state, id));
}

/** The membership changes in a changes round: added members as plain entries, removed ones with @removed (reason "deleted"). */
function memberChanges(state: GraphRequest['state'], list: DirectoryChange[]): GraphObject[] {
  const net = new Map<string, boolean>();
  for (const change of list) {
    for (const id of change.membersAdded ?? []) net.set(id, true);
    for (const id of change.membersRemoved ?? []) net.set(id, false);
  }
  return [...net].map(([id, added]) => (added ? memberEntry(state, id) : { ...memberEntry(state, id), '@removed': { reason: 'deleted' } }));
}
/** An object new to the client in this window (created, or restored when restores are reported) comes whole. */
const isWhole = (list: DirectoryChange[], hidesRestores: boolean) =>
  list.some((c) => c.how === 'created' || (c.how === 'restored' && !hidesRestores));

const context = (req: GraphRequest, resource: Resource, select: string[] | undefined) =>
  `${req.state.url}/v1.0/$metadata#${resource}${select ? `(${select.join(',')})` : ''}`;

function linkFor(req: GraphRequest, token: DeltaToken): string {
  const name = token.d === 'd' ? '$deltatoken' : '$skiptoken';
  return `${req.state.url}/v1.0/${token.r}/delta?${name}=${encodeToken(token as unknown as Record<string, unknown>)}`;
}
