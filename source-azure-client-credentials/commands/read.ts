// read: runs each configured stream in turn, emitting records, per-stream STATE with exact counts and statuses.
import type { ConfiguredStream } from '../catalog.js';
import type { Config } from '../config.js';
import { diagnoseFailure, permissionProblem, streamAccess, streamError } from '../diagnosis.js';
import { configError, errorTraceBody } from '../errors.js';
import { forStream } from '../graph/for-stream.js';
import type { GraphClient } from '../graph/types.js';
import type { Logger } from '../logger.js';
import { errorTrace, estimateTrace, type MessageWriter, stateMessage, streamStatusTrace } from '../protocol.js';
import { MembersHandoff } from '../streams/group-members/handoff.js';
import type { StreamDef } from '../streams/types.js';

interface ReadInput {
  config: Config;
  streams: ConfiguredStream[];
  /** Each incremental stream's state, already parsed by the stream (state.ts streamStates); absent: a first sync. */
  states: ReadonlyMap<string, unknown>;
}

/**
 * How long a stream's first output may wait for the count behind its estimate. The count was asked at the stream's
 * start, alongside its first request, so it is normally in by then; a slow one is left out rather than slow the sync.
 */
const ESTIMATE_WAIT_MS = 2_000;

/** The count behind a stream's row estimate, asked now; undefined when the read does not list the whole collection. */
function startCount(def: StreamDef, syncMode: ConfiguredStream['syncMode'], state: unknown, graph: GraphClient) {
  if (!def.countedCollection) return undefined;
  // An incremental sync from a saved state reads changes only: the collection's size says nothing about them.
  if (syncMode === 'incremental' && state !== undefined) return undefined;
  return graph.count(def.countedCollection);
}

/** The promise's value if it settles within `ms`, else undefined; the timer never outlives the wait. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads one stream; returns normally when it completed, throws when it failed. */
async function readStream(
  { def, syncMode }: ConfiguredStream,
  input: ReadInput,
  graph: GraphClient,
  writer: MessageWriter,
  log: Logger,
  members: MembersHandoff | undefined,
): Promise<void> {
  const name = def.name;
  const state = input.states.get(name) as object | undefined;

  // The same diagnosis as check: a missing required permission fails this stream fast, the others go on.
  // (A missing advised permission does not: Graph decides, and a 403 then names it.)
  const roles = await graph.grantedRoles();
  const access = streamAccess(def, input.config);
  const problem = permissionProblem(access.required, roles);
  if (problem) throw streamError(name, problem);

  // The row estimate's count runs alongside the stream's own first requests (never before them).
  const counting = startCount(def, syncMode, state, graph);
  let sinceState = 0;
  let total = 0;
  let running = false;
  let lastState: object | undefined;
  // RUNNING comes before the stream's first record or STATE, so even a stream with nothing new
  // reports STARTED, RUNNING, COMPLETE (as Airbyte's acceptance tests expect). The estimate, when there is one, comes
  // just before it: once, ahead of the records it counts.
  const markRunning = async () => {
    if (running) return;
    running = true;
    if (counting) {
      const rows = await within(counting, ESTIMATE_WAIT_MS);
      if (rows !== undefined) await writer.emit(estimateTrace(name, rows));
      else log.debug(`${name}: no row estimate (the count of ${def.countedCollection} was not available in time).`);
    }
    await writer.emit(streamStatusTrace(name, 'RUNNING'));
  };
  const streamJson = JSON.stringify(name);
  // Long waits for Graph's throttling budget are reported for this stream (RUNNING with a RATE_LIMITED reason).
  const streamGraph = forStream(graph, { onRateLimited: (until) => void writer.emit(streamStatusTrace(name, 'RUNNING', until)) });
  try {
    for await (const output of def.read({
      graph: streamGraph,
      config: input.config,
      log,
      syncMode,
      state,
      ...(members ? { members } : {}),
    })) {
      if (!running) await markRunning();
      if (output.kind === 'record') {
        // emit returns a promise only when stdout is full: awaiting nothing would cost a turn per record.
        const full = writer.emitRecord(streamJson, output.data);
        if (full) await full;
        sinceState++;
        total++;
      } else if (output.kind === 'json') {
        // Counted line by line: the lines may be produced lazily as they are read.
        for (const json of output.json) {
          const full = writer.emitRecordJson(streamJson, json);
          sinceState++;
          total++;
          if (full) await full;
        }
      } else if (output.kind === 'records') {
        for (const data of output.data) {
          const full = writer.emitRecord(streamJson, data);
          if (full) await full;
        }
        sinceState += output.data.length;
        total += output.data.length;
      } else if (output.kind === 'estimate') {
        await writer.emit(estimateTrace(name, output.rows));
      } else {
        await writer.emit(stateMessage(name, output.state, sinceState));
        lastState = output.state;
        sinceState = 0;
      }
    }
  } catch (caught) {
    // A licence or permission 403, or a cloud without the endpoint, becomes the sentence check would print; anything else passes unchanged.
    throw diagnoseFailure(caught, access, roles);
  }
  // Every stream ends with a STATE: full refresh has nothing to resume, an incremental stream that
  // read nothing new keeps the state it was given, and records after the last checkpoint are counted.
  if (lastState === undefined || sinceState > 0) {
    await markRunning();
    await writer.emit(stateMessage(name, lastState ?? (syncMode === 'incremental' ? (state ?? {}) : {}), sinceState));
  }
  const stats = graph.stats(true);
  log.info(
    `${name}: ${total} records; ${stats.requests} requests, ${stats.retries} retries, ${stats.throttled} throttled (429), ${(stats.waitMs / 1000).toFixed(1)} s waiting for Graph's throttling budget.`,
  );
}

/** The streams that share group members: the first writes what it reads, the second takes it (streams/group-members/handoff.ts). */
const MEMBERS_WRITER = 'app_role_assignments';
const MEMBERS_READER = 'group_members';

/**
 * The order streams are read in: the catalog's, except that app_role_assignments comes before group_members when both
 * run, so that each group's members are read once per sync (Airbyte attaches no meaning to the order of streams).
 */
export function readOrder(streams: readonly ConfiguredStream[]): ConfiguredStream[] {
  const writer = streams.findIndex((s) => s.def.name === MEMBERS_WRITER);
  const reader = streams.findIndex((s) => s.def.name === MEMBERS_READER);
  if (writer < 0 || reader < 0 || writer < reader) return [...streams];
  const ordered = streams.filter((_, index) => index !== writer);
  ordered.splice(reader, 0, streams[writer]!);
  return ordered;
}

export async function read(writer: MessageWriter, log: Logger, input: ReadInput, graph: GraphClient): Promise<number> {
  let failures = 0;
  const fail = async (name: string, caught: unknown) => {
    failures++;
    const trace = errorTraceBody(caught, name);
    log.error(`${name} failed: ${trace.message}`);
    await writer.emit(errorTrace(trace));
  };
  // Streams refused when the catalog was read come first: they never start and cost no request; the others still run.
  for (const { def, refusal } of input.streams) if (refusal !== undefined) await fail(def.name, configError(refusal));
  const runnable = readOrder(input.streams.filter((s) => s.refusal === undefined));
  const names = new Set(runnable.map((s) => s.def.name));
  const members = names.has(MEMBERS_WRITER) && names.has(MEMBERS_READER) ? new MembersHandoff(log) : undefined;
  // The tenant's user count sets the identity budget's tier (client.ts): asked at once, in the background, when a stream
  // spends that budget; the first requests go out meanwhile at the smallest tier's pace.
  if (runnable.some(({ def }) => def.probes.some((probe) => (probe.bucket ?? 'identity') === 'identity'))) void graph.count('/users');
  try {
    for (const configured of runnable) {
      const name = configured.def.name;
      await writer.emit(streamStatusTrace(name, 'STARTED'));
      try {
        await readStream(configured, input, graph, writer, log, members);
        await writer.emit(streamStatusTrace(name, 'COMPLETE'));
      } catch (caught) {
        await fail(name, caught);
        await writer.emit(streamStatusTrace(name, 'INCOMPLETE'));
      }
    }
  } finally {
    members?.close();
  }
  return failures > 0 ? 1 : 0;
}
