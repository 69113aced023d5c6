// Incremental sync through Graph delta queries, shared by users, service_principals, groups and applications: rounds, checkpoints, deletion records, re-reads of partial objects, resyncs.
// https://learn.microsoft.com/graph/delta-query-overview
import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import { ConnectorError, configError } from '../errors.js';
import { GraphRequestError, matchesRow } from '../graph/errors.js';
import { encodeQuery } from '../graph/urls.js';
import { isObject } from '../values.js';
import type { ReadContext, StreamOutput } from './types.js';

/** The two columns Airbyte destinations read in append + deduped mode (CDC convention): cursor and delete marker. */
interface CdcFields {
  _ab_cdc_updated_at?: string | null;
  _ab_cdc_deleted_at?: string | null;
}

/**
 * - initial: the first round from scratch: objects the stream does not keep are skipped (the destination has none).
 * - resync: a round from scratch over a destination that already has data (expired link, changed settings,
 *   delta_full_resync_days): objects the stream does not keep become deletion records.
 * - changes: a round from a deltaLink: only changed objects; those the stream no longer keeps become deletion records.
 */
type DeltaRound = 'initial' | 'resync' | 'changes';

/**
 * The stream state. Exactly one link: `deltaLink` after a finished round (the next sync calls it verbatim),
 * or `nextLink` mid-round (checkpointed after every page, so a crash resumes at the next page) with the
 * kind of `round` it continues. `scope` fingerprints the $select and client-side filters the link was made
 * with: Graph bakes the query options into its tokens, so a different $select or filter needs a new round.
 */
export interface DeltaState {
  deltaLink?: string;
  nextLink?: string;
  round?: DeltaRound;
  scope?: string;
  /**
   * When the last round from scratch of this chain of links started (ISO 8601): delta_full_resync_days counts
   * from it. States written by 0.1.0 have none, which counts as due.
   */
  fullRoundAt?: string;
  /**
   * Only mid a forced full round (a `resync` nextLink): the chain's deltaLink, saved again when the round ends
   * instead of the round's own, so that the next sync still reports every change (deletions above all) made
   * since that link, including those made while the full round ran.
   */
  chainDeltaLink?: string;
  /**
   * The earliest instant at which a record already emitted changes without any change in the directory (a value derived
   * from the clock, e.g. an application's nextCredentialExpiry passing): once it has passed, the next sync also reads every
   * object again (a round from scratch). Absent for streams without such values.
   */
  recheckAt?: string;
}

interface DeltaSource<G extends { id: string }, R extends object> {
  /** The stream's name, for messages. */
  stream: string;
  /** The collection: /users/delta, /servicePrincipals/delta, /groups/delta or /applications/delta. */
  resource: 'users' | 'servicePrincipals' | 'groups' | 'applications';
  /** The stream's $select (the same fields as its full refresh). */
  select: readonly string[];
  /**
   * Relationships the delta query tracks (users: manager): named in its $select, they come as `<name>@delta`
   * annotations (https://learn.microsoft.com/graph/delta-query-overview#optional-query-parameters); a re-read of the
   * object expands them instead ($expand=<name>($select=id)).
   */
  relationships?: readonly string[];
  /** What else decides which objects the stream keeps (client-side filters); part of the scope. */
  filters?: unknown;
  /** The settings that change select or filters, for the resync WARN (default: include_guests or domain_names). */
  settings?: string;
  /** The record of an object, or undefined when the stream does not keep it (filtered out, concealed, gone). */
  toRecord(object: G): R | undefined;
  /**
   * Reads what the records of a page join from elsewhere (an application's owners), before toRecord sees its objects:
   * called once per page with the page's present objects (after any re-read); `fromScratch` is false in a changes round.
   */
  enrich?(objects: G[], fromScratch: boolean): Promise<void>;
  /** When the record's values derived from the clock change by themselves (see DeltaState.recheckAt); undefined: never. */
  validUntil?(record: R): string | undefined;
}

type Removed = { id: string; '@removed'?: { reason?: string } };

const ROUNDS: readonly DeltaRound[] = ['initial', 'resync', 'changes'];
const DAY_MS = 86_400_000;

/** The delta query's $select: the fields, then the tracked relationships. */
const deltaSelect = (source: Pick<DeltaSource<{ id: string }, object>, 'select' | 'relationships'>): string[] => [
  ...source.select,
  ...(source.relationships ?? []),
];

/** The fingerprint of what a delta link was made with: $select (baked into Graph's tokens) and the client-side filters. */
function deltaScope(source: Pick<DeltaSource<{ id: string }, object>, 'select' | 'relationships' | 'filters'>): string {
  const text = JSON.stringify({ select: deltaSelect(source), filters: source.filters ?? null });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Checks a saved state: one link, on the Graph root the config settled on (a state must never send the access
 * token to another host), on this stream's delta endpoint. `{}` (what a full refresh leaves behind) starts over.
 */
export function parseDeltaState(
  raw: unknown,
  config: Pick<Config, 'endpoints'>,
  resource: DeltaSource<{ id: string }, object>['resource'],
  stream: string,
): DeltaState | undefined {
  const bad = (why: string) =>
    configError(
      `The saved state of stream "${stream}" is unusable: ${why}. Reset this stream (or clear its state) so that the next sync starts a new delta round.`,
      `state ${stream}: ${why}`,
    );
  if (!isObject(raw)) throw bad('it is not a JSON object');
  if (Object.keys(raw).length === 0) return undefined;
  const { deltaLink, nextLink, round, scope, fullRoundAt, chainDeltaLink, recheckAt } = raw;
  if ((deltaLink === undefined) === (nextLink === undefined)) throw bad('it must hold exactly one of "deltaLink" or "nextLink"');
  const link = deltaLink ?? nextLink;
  if (typeof link !== 'string') throw bad('the link is not a string');
  if (round !== undefined && !ROUNDS.includes(round as DeltaRound)) throw bad(`"round" must be one of ${ROUNDS.join(', ')}`);
  if (scope !== undefined && typeof scope !== 'string') throw bad('"scope" is not a string');
  if (fullRoundAt !== undefined && (typeof fullRoundAt !== 'string' || Number.isNaN(Date.parse(fullRoundAt)))) {
    throw bad('"fullRoundAt" is not an ISO 8601 date-time');
  }
  if (recheckAt !== undefined && (typeof recheckAt !== 'string' || Number.isNaN(Date.parse(recheckAt)))) {
    throw bad('"recheckAt" is not an ISO 8601 date-time');
  }
  if (chainDeltaLink !== undefined && (typeof chainDeltaLink !== 'string' || nextLink === undefined || round !== 'resync')) {
    throw bad('"chainDeltaLink" belongs only next to the "nextLink" of a "resync" round, as a string');
  }
  const { graphRoot } = config.endpoints;
  // Graph writes /users/delta() in its links; /microsoft.graph.delta is the fully qualified name.
  const path = new RegExp(`^/v1\\.0/${resource}/(microsoft\\.graph\\.)?delta(\\(\\))?$`, 'i');
  const checkLink = (value: string) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw bad('the link is not a URL');
    }
    if (url.origin.toLowerCase() !== new URL(graphRoot).origin.toLowerCase()) {
      // Name the host, never the link: its query is a change-tracking token.
      throw bad(
        `its link points to ${url.origin}, not to the configured Microsoft Graph endpoint ${graphRoot}, and the connector never sends its access token elsewhere (was the state copied from a connection to another cloud?)`,
      );
    }
    if (!path.test(decodeURIComponent(url.pathname))) throw bad(`its link is not a ${resource} delta link (GET /v1.0/${resource}/delta)`);
  };
  checkLink(link);
  if (typeof chainDeltaLink === 'string') checkLink(chainDeltaLink);
  return {
    ...(typeof deltaLink === 'string' ? { deltaLink } : { nextLink: link, round: (round as DeltaRound | undefined) ?? 'changes' }),
    ...(typeof scope === 'string' ? { scope } : {}),
    ...(typeof fullRoundAt === 'string' ? { fullRoundAt } : {}),
    ...(typeof chainDeltaLink === 'string' ? { chainDeltaLink } : {}),
    ...(typeof recheckAt === 'string' ? { recheckAt } : {}),
  };
}

/**
 * Whether a failure of the first request of a link taken from the state means "start again from scratch".
 * Microsoft documents no single answer for an expired or invalid directory delta token (410 Gone with a Location,
 * 400 syncStateNotFound, other resync codes; https://learn.microsoft.com/graph/delta-query-overview#synchronization-reset),
 * so any 400 or 410 to a saved link counts. A 400 anywhere else (a fresh round's first request, a later page)
 * is not a stale link and keeps the error policy's message.
 */
function isRefusedSavedLink(error: unknown): error is GraphRequestError {
  return error instanceof GraphRequestError && (error.status === 400 || error.status === 410);
}

/**
 * Times for _ab_cdc_updated_at: the instant each page arrived, strictly increasing (at least 1 ms apart) so
 * the latest version of an id always has the greatest cursor, across pages, rounds and syncs.
 */
function pageClock(): () => string {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last).toISOString();
  };
}

/** A deletion record: every field the stream's records have, null, except the id and the delete marker. */
function deletion<R extends object>(shape: R, id: string, at: string): R & CdcFields {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) out[key] = null;
  return { ...out, id, _ab_cdc_updated_at: at, _ab_cdc_deleted_at: at } as unknown as R & CdcFields;
}

/** Where a round starts, and what its checkpoints carry besides its links. */
interface RoundStart {
  /** A link taken from the state (the round continues it), or undefined for a round from scratch. */
  link?: string;
  round: DeltaRound;
  fullRoundAt?: string;
  chainDeltaLink?: string;
  /** DeltaState.recheckAt carried into the round: the saved one when it continues a link, none from scratch. */
  recheckAt?: string;
}

/** The state of a finished round's last checkpoint. */
type Finished = DeltaState & { deltaLink: string };

/** The earlier of two instants (ISO 8601), either of which may be absent. */
function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}

/** Whether an instant (ISO 8601) has passed at `now`. */
const passed = (instant: string | undefined, now: number): boolean => instant !== undefined && Date.parse(instant) <= now;

/** Whether delta_full_resync_days asks for a round from scratch now (0: never; no fullRoundAt: a 0.1.0 state, due). */
function fullRoundDue(fullRoundAt: string | undefined, days: number, now: number): boolean {
  return days > 0 && (fullRoundAt === undefined || now - Date.parse(fullRoundAt) >= days * DAY_MS);
}

/**
 * Whether a delta entry lacks a selected property or a tracked relationship (compared case-insensitively: $select is,
 * and a directory extension comes back in its registered spelling).
 */
function lacksSome(source: Pick<DeltaSource<{ id: string }, object>, 'select' | 'relationships'>, entry: object): boolean {
  const keys = new Set(Object.keys(entry).map((key) => key.toLowerCase()));
  return (
    source.select.some((field) => !keys.has(field.toLowerCase())) ||
    (source.relationships ?? []).some((name) => !keys.has(`${name.toLowerCase()}@delta`) && !keys.has(name.toLowerCase()))
  );
}

/**
 * Re-reads objects in full (GET /{resource}/{id} with the stream's $select) through $batch, 20 per call.
 * Returns each object's body, or undefined for an object Graph no longer finds (deleted since the delta page
 * was made: the next delta round reports the removal, so nothing is emitted for it now).
 */
async function reread<G extends { id: string }>(
  context: ReadContext<DeltaState>,
  source: DeltaSource<G, object>,
  ids: string[],
): Promise<Map<string, G | undefined>> {
  const expand = (source.relationships ?? []).map((name) => `${name}($select=id)`).join(',');
  const query = encodeQuery({ $select: source.select.join(','), ...(expand ? { $expand: expand } : {}) });
  const requests = ids.map((id) => ({ key: id, path: `/${source.resource}/${encodeURIComponent(id)}${query}` }));
  const objects = new Map<string, G | undefined>();
  for await (const answer of context.graph.batchGet<G>(requests)) {
    if (answer.error) {
      context.log.debug(
        `${source.stream}: ${answer.key} changed but is gone now (${answer.error.status ?? ''} ${answer.error.code ?? ''}); the next delta round reports its removal.`,
      );
      objects.set(answer.key, undefined);
    } else objects.set(answer.key, { ...answer.body, id: answer.key });
  }
  return objects;
}

/**
 * One round from `start.link` (or from scratch), yielding records and a checkpoint after every page; returns the
 * state of its last checkpoint. `progress.answered` turns true once Graph answered the round's first request.
 */
async function* deltaRound<G extends { id: string }, R extends object>(
  context: ReadContext<DeltaState>,
  source: DeltaSource<G, R>,
  start: RoundStart,
  scope: string,
  clock: () => string,
  shape: R,
  progress: { answered: boolean },
): AsyncGenerator<StreamOutput<R & CdcFields>, Finished> {
  // No `Prefer: return=minimal` is sent; even so, a changed object may come without some selected properties
  // (service principals promise only "at least the changed properties"; a property never set is left out):
  // see the re-read below. https://learn.microsoft.com/graph/delta-query-overview#resource-representation-in-the-delta-query-response
  // Query options are allowed on the first call only; later links carry them in their tokens.
  const pages = start.link
    ? context.graph.pages<G & Removed>(start.link)
    : context.graph.pages<G & Removed>(`/${source.resource}/delta`, { query: { $select: deltaSelect(source).join(',') } });
  // In a fresh initial round nothing was emitted yet, so an object that no longer matches needs no deletion.
  // A round resumed from a saved link may have emitted it before the crash: then it must be deleted.
  const dropUnkept = start.round !== 'initial' || start.link !== undefined;
  const extra = start.fullRoundAt !== undefined ? { fullRoundAt: start.fullRoundAt } : {};
  let recheckAt = start.recheckAt;
  const recheck = () => (recheckAt !== undefined ? { recheckAt } : {});
  for await (const page of pages) {
    progress.answered = true;
    // "The same object may be returned more than once": the last occurrence in a page is its latest state.
    const latest = new Map<string, G & Removed>();
    for (const object of page.value) {
      latest.delete(object.id);
      latest.set(object.id, object);
    }
    // A changes round's entry may lack selected properties that did not change: a missing property must never
    // become null in the destination, so such objects are read again in full before they are emitted. A round
    // from scratch returns whole objects, where a missing property is one never set, so null is right there:
    // "If the property has never been set before, it isn't included in the response"
    // (https://learn.microsoft.com/graph/api/user-delta#response).
    const partial =
      start.round === 'changes' ? [...latest.values()].filter((o) => !o['@removed'] && lacksSome(source, o)).map((o) => o.id) : [];
    const full = partial.length > 0 ? await reread(context, source, partial) : undefined;
    // Each entry as it will be emitted: removed, the object (re-read when partial), or undefined when gone since the page
    // was made (nothing now: the removal comes with the next round).
    const entries = [...latest].map(([id, entry]) => [id, entry['@removed'] ? 'removed' : full?.has(id) ? full.get(id) : entry] as const);
    const present = entries.map(([, object]) => object).filter((object): object is G & Removed => typeof object === 'object');
    if (source.enrich && present.length > 0) await source.enrich(present, start.round !== 'changes');
    const at = clock();
    for (const [id, object] of entries) {
      if (object === 'removed') {
        yield { kind: 'record', data: deletion(shape, id, at) };
        continue;
      }
      if (object === undefined) continue;
      const record = source.toRecord(object);
      if (record) {
        recheckAt = earlier(recheckAt, source.validUntil?.(record));
        yield { kind: 'record', data: { ...record, _ab_cdc_updated_at: at, _ab_cdc_deleted_at: null } };
      } else if (dropUnkept) yield { kind: 'record', data: deletion(shape, id, at) };
    }
    if (page.nextLink) {
      const chain = start.chainDeltaLink !== undefined ? { chainDeltaLink: start.chainDeltaLink } : {};
      yield {
        kind: 'checkpoint',
        state: { nextLink: page.nextLink, round: start.round, scope, ...extra, ...chain, ...recheck() } satisfies DeltaState,
      };
    } else if (page.deltaLink) {
      // A forced full round keeps the chain's link: it reports every change since, also those made during this round.
      const finished: Finished = { deltaLink: start.chainDeltaLink ?? page.deltaLink, scope, ...extra, ...recheck() };
      yield { kind: 'checkpoint', state: finished };
      return finished;
    } else {
      throw new ConnectorError(
        `Microsoft Graph ended a ${source.resource} delta round without a deltaLink, so the connector has no link to resume from. Run the sync again; if it repeats, report it with this message.`,
        'transient_error',
        `GET /${source.resource}/delta: last page without @odata.deltaLink`,
      );
    }
  }
  throw new ConnectorError(
    `Microsoft Graph ended a ${source.resource} delta round without any page, so the connector has no link to resume from. Run the sync again; if it repeats, report it with this message.`,
    'transient_error',
    `GET /${source.resource}/delta: no page`,
  );
}

/**
 * An incremental read: a round from the saved link (or from scratch), restarted from scratch once with a WARN
 * when Graph refuses the saved link, or when the stream's fields or filters changed since it was made; then,
 * when delta_full_resync_days says so, a round from scratch that re-emits every present object.
 * `shape` is any record of the stream (its keys shape deletion records).
 */
export async function* readDelta<G extends { id: string }, R extends object>(
  context: ReadContext<DeltaState>,
  source: DeltaSource<G, R>,
  shape: R,
): AsyncIterable<StreamOutput<R & CdcFields>> {
  const { state, log, config } = context;
  const scope = deltaScope(source);
  const clock = pageClock();
  const now = Date.now();
  const fromScratch = (round: 'initial' | 'resync', chainDeltaLink?: string): RoundStart => ({
    round,
    fullRoundAt: new Date().toISOString(),
    ...(chainDeltaLink !== undefined ? { chainDeltaLink } : {}),
  });
  let start: RoundStart;
  if (!state) start = fromScratch('initial');
  else if (state.scope !== undefined && state.scope !== scope) {
    log.warn(
      `The saved delta link of ${source.stream} was made with other fields or filters (${source.settings ?? 'include_guests or domain_names'} changed, or a connector upgrade changed the fields), so it cannot be continued. Reading every ${source.stream} record again (a full resync); records that no longer match the settings are emitted as deleted.`,
    );
    start = fromScratch('resync');
  } else if (state.deltaLink)
    start = { link: state.deltaLink, round: 'changes', fullRoundAt: state.fullRoundAt, recheckAt: state.recheckAt };
  else
    start = {
      link: state.nextLink,
      round: state.round ?? 'changes',
      fullRoundAt: state.fullRoundAt,
      chainDeltaLink: state.chainDeltaLink,
      recheckAt: state.recheckAt,
    };

  let finished: Finished;
  const progress = { answered: false };
  try {
    finished = yield* deltaRound(context, source, start, scope, clock, shape, progress);
  } catch (error) {
    // Only the first request of a link from the state can mean "expired"; a fresh round's failure, or one
    // on a later page, keeps the error policy's message (and so does a failure of the resync below).
    if (start.link === undefined || progress.answered || !isRefusedSavedLink(error)) throw error;
    const documented = matchesRow(error, 'http-410-resync');
    log.warn(
      `Microsoft Graph no longer accepts the saved delta link of ${source.stream} (${`${error.status ?? ''} ${error.code ?? ''}`.trim()}): ` +
        (documented
          ? 'change-tracking links expire after about 7 days without a sync. '
          : 'Microsoft documents no single answer for an expired change-tracking link (they expire after about 7 days without a sync), so any 400 or 410 to a saved link is treated as one. ') +
        `Reading every ${source.stream} record again (a full resync); the sync goes on. ` +
        `Records already in the destination are updated in place, but objects deleted while the link was expired cannot be reported by Graph: to drop them, refresh this stream's data in Airbyte.`,
    );
    // A forced full round that is restarted keeps its chain link (it still reports the deletions since).
    start = fromScratch('resync', start.chainDeltaLink);
    finished = yield* deltaRound(context, source, start, scope, clock, shape, { answered: false });
  }

  // Restored objects may not show up in a delta with $select: a periodic round from scratch re-emits every object
  // present, after the changes round above reported the deletions since the last sync.
  // https://learn.microsoft.com/graph/delta-query-overview ("Known limitations": restored objects and $select)
  const days = config.delta_full_resync_days;
  if (start.round !== 'changes') return;
  if (fullRoundDue(finished.fullRoundAt, days, now)) {
    log.info(
      `${source.stream}: the last full read of every object ${finished.fullRoundAt ? `started at ${finished.fullRoundAt}` : 'is not recorded in the state (written by an earlier version)'}, ` +
        `more than delta_full_resync_days (${days}) ago: reading every ${source.stream} record again, because Microsoft Graph's delta query may not report objects restored from the deleted items. ` +
        'This costs the requests of a full refresh; set delta_full_resync_days to 0 to turn it off.',
    );
  } else if (passed(finished.recheckAt, now)) {
    // A value derived from the clock went stale in a record the destination holds, without any change Graph reports.
    log.info(
      `${source.stream}: a value that depends on the time of the sync (e.g. an application's nextCredentialExpiry) changed at ${finished.recheckAt} in a record already synced: reading every ${source.stream} record again so that none keeps a stale value.`,
    );
  } else return;
  yield* deltaRound(context, source, fromScratch('resync', finished.deltaLink), scope, clock, shape, { answered: false });
}
