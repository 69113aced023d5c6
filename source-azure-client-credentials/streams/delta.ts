// Incremental sync through Graph delta queries, shared by users and service_principals: rounds, checkpoints, deletion records, resyncs.
// https://learn.microsoft.com/graph/delta-query-overview
import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import { resolveEndpoints } from '../endpoints.js';
import { ConnectorError, configError } from '../errors.js';
import type { StreamOutput, ReadContext } from './types.js';

/** The two columns Airbyte destinations read in append + deduped mode (CDC convention): cursor and delete marker. */
export interface CdcFields {
  _ab_cdc_updated_at?: string | null;
  _ab_cdc_deleted_at?: string | null;
}

/**
 * - initial: the first round from scratch: objects the stream does not keep are skipped (the destination has none).
 * - resync: a round from scratch over a destination that already has data (expired link, changed settings):
 *   objects the stream does not keep become deletion records.
 * - changes: a round from a deltaLink: only changed objects; those the stream no longer keeps become deletion records.
 */
export type DeltaRound = 'initial' | 'resync' | 'changes';

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
}

export interface DeltaSource<G extends { id: string }, R extends object> {
  /** The stream's name, for messages. */
  stream: string;
  /** The collection: /users/delta or /servicePrincipals/delta. */
  resource: 'users' | 'servicePrincipals';
  /** The stream's $select (the same fields as its full refresh). */
  select: readonly string[];
  /** What else decides which objects the stream keeps (client-side filters); part of the scope. */
  filters?: unknown;
  /** The record of an object, or undefined when the stream does not keep it (filtered out, concealed). */
  toRecord(object: G): R | undefined;
}

type Removed = { id: string; '@removed'?: { reason?: string } };

const ROUNDS: readonly DeltaRound[] = ['initial', 'resync', 'changes'];
const EXPIRED_CODES = /^(syncStateNotFound|resyncRequired|syncStateInvalid)$/i;

/** The fingerprint of what a delta link was made with: $select (baked into Graph's tokens) and the client-side filters. */
export function deltaScope(source: Pick<DeltaSource<{ id: string }, object>, 'select' | 'filters'>): string {
  const text = JSON.stringify({ select: [...source.select], filters: source.filters ?? null });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Checks a saved state: one link, on the configured Graph root (a state must never send the access token
 * to another host), on this stream's delta endpoint. `{}` (what a full refresh leaves behind) starts over.
 */
export function parseDeltaState(raw: unknown, config: Config, resource: DeltaSource<{ id: string }, object>['resource'], stream: string): DeltaState | undefined {
  const bad = (why: string) =>
    configError(
      `The saved state of stream "${stream}" is unusable: ${why}. Reset this stream (or clear its state) so that the next sync starts a new delta round.`,
      `state ${stream}: ${why}`,
    );
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('it is not a JSON object');
  const state = raw as Record<string, unknown>;
  if (Object.keys(state).length === 0) return undefined;
  const { deltaLink, nextLink, round, scope } = state;
  if ((deltaLink === undefined) === (nextLink === undefined)) throw bad('it must hold exactly one of "deltaLink" or "nextLink"');
  const link = deltaLink ?? nextLink;
  if (typeof link !== 'string') throw bad('the link is not a string');
  if (round !== undefined && !ROUNDS.includes(round as DeltaRound)) throw bad(`"round" must be one of ${ROUNDS.join(', ')}`);
  if (scope !== undefined && typeof scope !== 'string') throw bad('"scope" is not a string');
  const { graphRoot } = resolveEndpoints(config.cloud, process.env);
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw bad('the link is not a URL');
  }
  if (url.origin.toLowerCase() !== new URL(graphRoot).origin.toLowerCase()) {
    // Name the host, never the link: its query is a change-tracking token.
    throw bad(`its link points to ${url.origin}, not to the configured Microsoft Graph endpoint ${graphRoot}, and the connector never sends its access token elsewhere (was the state copied from a connection to another cloud?)`);
  }
  // Graph writes /users/delta() in its links; /microsoft.graph.delta is the fully qualified name.
  const path = new RegExp(`^/v1\\.0/${resource}/(microsoft\\.graph\\.)?delta(\\(\\))?$`, 'i');
  if (!path.test(decodeURIComponent(url.pathname))) throw bad(`its link is not a ${resource} delta link (GET /v1.0/${resource}/delta)`);
  return {
    ...(typeof deltaLink === 'string' ? { deltaLink } : { nextLink: link, round: (round as DeltaRound | undefined) ?? 'changes' }),
    ...(typeof scope === 'string' ? { scope } : {}),
  };
}

/** Graph's answer to a delta link it no longer accepts: 410 Gone, or a 4xx with a resync code (https://learn.microsoft.com/graph/delta-query-overview#synchronization-reset). */
export function isExpiredDeltaLink(error: unknown): boolean {
  const e = error as { status?: unknown; code?: unknown } | undefined;
  return e?.status === 410 || (typeof e?.code === 'string' && EXPIRED_CODES.test(e.code));
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

/** One round from `link` (or from scratch), yielding records and a checkpoint after every page. */
async function* deltaRound<G extends { id: string }, R extends object>(
  context: ReadContext<DeltaState>,
  source: DeltaSource<G, R>,
  start: { link?: string; round: DeltaRound },
  scope: string,
  clock: () => string,
  shape: R,
): AsyncIterable<StreamOutput<R & CdcFields>> {
  // Full objects: no `Prefer: return=minimal`, so an updated object comes with every selected property and a
  // record never carries nulls that stand for "unchanged" (which would wipe the destination's values).
  // https://learn.microsoft.com/graph/delta-query-overview#optional-request-header
  // Query options are allowed on the first call only; later links carry them in their tokens.
  const pages = start.link
    ? context.graph.pages<G & Removed>(start.link)
    : context.graph.pages<G & Removed>(`/${source.resource}/delta`, { query: { $select: source.select.join(',') } });
  // In a fresh initial round nothing was emitted yet, so an object that no longer matches needs no deletion.
  // A round resumed from a saved link may have emitted it before the crash: then it must be deleted.
  const dropUnkept = start.round !== 'initial' || start.link !== undefined;
  for await (const page of pages) {
    const at = clock();
    // "The same object may be returned more than once": the last occurrence in a page is its latest state.
    const latest = new Map<string, (R & CdcFields) | undefined>();
    for (const object of page.value) {
      latest.delete(object.id);
      if (object['@removed']) latest.set(object.id, deletion(shape, object.id, at));
      else {
        const record = source.toRecord(object);
        if (record) latest.set(object.id, { ...record, _ab_cdc_updated_at: at, _ab_cdc_deleted_at: null });
        else latest.set(object.id, dropUnkept ? deletion(shape, object.id, at) : undefined);
      }
    }
    for (const data of latest.values()) if (data) yield { kind: 'record', data };
    if (page.nextLink) yield { kind: 'checkpoint', state: { nextLink: page.nextLink, round: start.round, scope } satisfies DeltaState };
    else if (page.deltaLink) yield { kind: 'checkpoint', state: { deltaLink: page.deltaLink, scope } satisfies DeltaState };
    else {
      throw new ConnectorError(
        `Microsoft Graph ended a ${source.resource} delta round without a deltaLink, so the connector has no link to resume from. Run the sync again; if it repeats, report it with this message.`,
        'transient_error',
        `GET /${source.resource}/delta: last page without @odata.deltaLink`,
      );
    }
  }
}

/**
 * An incremental read: a round from the saved link (or from scratch), restarted from scratch once with a WARN
 * when Graph no longer accepts the link, or when the stream's fields or filters changed since it was made.
 * `shape` is any record of the stream (its keys shape deletion records).
 */
export async function* readDelta<G extends { id: string }, R extends object>(
  context: ReadContext<DeltaState>,
  source: DeltaSource<G, R>,
  shape: R,
): AsyncIterable<StreamOutput<R & CdcFields>> {
  const { state, log } = context;
  const scope = deltaScope(source);
  const clock = pageClock();
  let start: { link?: string; round: DeltaRound };
  if (!state) start = { round: 'initial' };
  else if (state.scope !== undefined && state.scope !== scope) {
    log.warn(
      `The saved delta link of ${source.stream} was made with other fields or filters (include_guests or domain_names changed, or a connector upgrade changed the fields), so it cannot be continued. Reading every ${source.stream} record again (a full resync); records that no longer match the settings are emitted as deleted.`,
    );
    start = { round: 'resync' };
  } else start = state.deltaLink ? { link: state.deltaLink, round: 'changes' } : { link: state.nextLink, round: state.round ?? 'changes' };

  for (let resynced = false; ; resynced = true) {
    try {
      yield* deltaRound(context, source, start, scope, clock, shape);
      return;
    } catch (error) {
      // A fresh round that expires again is not a stale state: let the error policy's message stand.
      if (resynced || !isExpiredDeltaLink(error)) throw error;
      const why = error as { status?: number; code?: string };
      log.warn(
        `Microsoft Graph no longer accepts the saved delta link of ${source.stream} (${why.status ?? ''} ${why.code ?? ''}`.trimEnd() +
          `): change-tracking links expire after about 7 days without a sync. Reading every ${source.stream} record again (a full resync); the sync goes on. ` +
          `Records already in the destination are updated in place, but objects deleted while the link was expired cannot be reported by Graph: to drop them, refresh this stream's data in Airbyte.`,
      );
      start = { round: start.round === 'initial' ? 'initial' : 'resync' };
    }
  }
}
