// Delta queries for users and servicePrincipals: a full first round, then only the changes recorded in
// tenant.changeLog since the deltaLink's sequence number (optionally minimal entries, hidden restores).
// https://learn.microsoft.com/graph/delta-query-overview
import type { GraphRequest } from './collections.js';
import { PAGE } from './collections.js';
import { changeLogOf, indexAfter } from './directory.js';
import { managerDelta, selectsManager } from './managers.js';
import { decodeToken, encodeToken, jsonBytes, pageJson, readSelect } from './paging.js';
import { ODATA_TYPE, project, projectionIn, serialize } from './project.js';
import { graphError, type Reply, rawJsonReply } from './reply.js';
import type { DirectoryChange, GraphObject } from './types.js';

type Resource = 'users' | 'servicePrincipals';
const ENTITY = { users: 'user', servicePrincipals: 'servicePrincipal' } as const;

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
  // $select=manager tracks the user's manager as a manager@delta annotation.
  const manager = resource === 'users' && selectsManager(select);
  const annotate = (id: string, record: Record<string, unknown>, round: Parameters<typeof managerDelta>[2]) => {
    const annotation = manager ? managerDelta(state, id, round) : undefined;
    return annotation ? { ...record, 'manager@delta': annotation } : record;
  };
  const list = state.directory[resource];
  if (current.d === 'i') {
    const start = current.a === undefined ? 0 : indexAfter(list.ids, current.a);
    const items = list.items.slice(start, start + PAGE.directoryDefault);
    const key = `${resource}|${fields?.join(',') ?? '*'}|${manager ? 'manager@delta' : ''}`;
    const records = serialize(state.directory, key, items, (o) => annotate(o.id, project(o, fields), {}));
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
  // Hidden restores are left out before paging, so every page of the round sees the same list.
  const pending = [...byObject.values()].filter((list) => !(hidesRestores && list[list.length - 1]!.how === 'restored'));
  const offset = current.d === 'c' ? (current.o ?? 0) : 0;
  const page = pending.slice(offset, offset + PAGE.directoryDefault);
  const records = page.map((list) => {
    const change = list[list.length - 1]!;
    const entry = state.directory.byId.get(change.id);
    if (change.kind === 'updated' && entry) {
      const record = project(entry.object, changedFields(list, entry.object, fields, minimalChanges, hidesRestores));
      return jsonBytes(annotate(change.id, record, { changes: list, minimal: minimalChanges, whole: isWhole(list, hidesRestores) }));
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

/** An object new to the client in this window (created, or restored when restores are reported) comes whole. */
const isWhole = (list: DirectoryChange[], hidesRestores: boolean) =>
  list.some((c) => c.how === 'created' || (c.how === 'restored' && !hidesRestores));

const context = (req: GraphRequest, resource: Resource, select: string[] | undefined) =>
  `${req.state.url}/v1.0/$metadata#${resource}${select ? `(${select.join(',')})` : ''}`;

function linkFor(req: GraphRequest, token: DeltaToken): string {
  const name = token.d === 'd' ? '$deltatoken' : '$skiptoken';
  return `${req.state.url}/v1.0/${token.r}/delta?${name}=${encodeToken(token as unknown as Record<string, unknown>)}`;
}
