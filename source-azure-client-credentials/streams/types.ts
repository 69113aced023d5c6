// What a stream is: a plain object with its name, keys, cursor, permissions and an async generator of output.
import type { Config } from '../config.js';
import type { Cloud } from '../endpoints.js';
import type { GraphClient, GraphVersion } from '../graph/types.js';
import type { Logger } from '../logger.js';
import type { SyncMode } from '../protocol.js';
import type { MembersHandoff } from './group-members/handoff.js';

/** The config options a stream's schema may depend on (StreamDef.schema). */
export type SchemaOptions = Pick<Config, 'userProperties'>;

/**
 * What a stream's read yields: records, checkpoints after which no earlier data can be lost, and estimates of the rows the
 * stream will emit in this sync (an ESTIMATE trace for Airbyte's progress bar; a later one replaces an earlier one).
 */
export type StreamOutput<R> =
  | { kind: 'record'; data: R }
  | RecordBatch<R>
  | { kind: 'checkpoint'; state: object }
  | { kind: 'estimate'; rows: number };

/**
 * Records in the order they are emitted, as many as one output: what a stream that maps a Graph page to records yields,
 * so that the per-record path has no asynchronous step (the same lines as one { kind: 'record' } each).
 */
export interface RecordBatch<R> {
  kind: 'records';
  data: R[];
}

/**
 * Records already serialised, in the order they are emitted: each string is byte for byte JSON.stringify of an R (same
 * keys, same order), built by the stream from pieces it serialised once (app_role_assignments: an assignment's part once,
 * a group member's part once, however many rows repeat them; group_members: a group's part once per page of its
 * members). `json` may be lazy: it is read once, synchronously, as the lines are written, so a page of rows costs one
 * hand-over instead of one per row. A test of each such stream compares a line with JSON.stringify of the record it
 * stands for.
 */
export interface SerialisedRecords {
  kind: 'json';
  json: Iterable<string>;
}

export interface ReadContext<S> {
  graph: GraphClient;
  config: Config;
  log: Logger;
  syncMode: SyncMode;
  /** This stream's incoming state, already checked by parseState; undefined on a first sync. */
  state: S | undefined;
  /** The clock in ms since the epoch (Date.now when absent): unit tests freeze it. */
  now?: () => number;
  /**
   * Group members read once per sync: present when the catalog has both app_role_assignments (which writes the
   * members it reads) and group_members (which takes them instead of reading them again). See handoff.ts.
   */
  members?: MembersHandoff;
}

/**
 * Application permissions a stream needs: every inner list must be satisfied by at least one of
 * its entries, e.g. [['Application.Read.All'], ['GroupMember.Read.All', 'Directory.Read.All']].
 */
export type PermissionRequirement = string[][];

/**
 * Permissions Microsoft's documentation asks for besides the least-privileged ones, without the
 * connector requiring them (e.g. a known issue on an API page). check warns when the roles claim
 * lacks them but still probes the stream; a 403 Authorization_RequestDenied is then diagnosed as
 * "add these" instead of "consent may still be propagating".
 */
export interface AdvisedPermissions {
  requirement: PermissionRequirement;
  /** Why they are advised, as a clause that completes "advised because ...", with the page that says so. */
  reason: string;
}

/**
 * The clouds whose Microsoft Graph v1.0 serves a stream's endpoints, from the national-cloud table of
 * its API page. Elsewhere the stream is still tried (the tables lag behind the service); an answer
 * that the resource does not exist there makes the stream unavailable in that cloud, not broken.
 */
export interface CloudAvailability {
  clouds: readonly Cloud[];
  /** What the user would miss, for messages, e.g. "sign-in logs". */
  data: string;
  /** The API page whose table lists the clouds. */
  page: string;
}

export interface Probe {
  path: string;
  query: Record<string, string | number>;
  bucket?: 'identity' | 'reports';
  /** Default v1.0. */
  version?: GraphVersion;
}

/**
 * A stream of records R resumed from states S. Its functions are methods, so a StreamDef<R, S> is also a plain
 * StreamDef and the list of streams needs no cast; this holds because the state a stream's read receives is
 * only ever the one its own parseState returned (state.ts streamStates).
 */
export interface StreamDef<R extends object = object, S extends object = object> {
  name: string;
  /** File name under schemas/ (without .json). */
  schemaName: string;
  primaryKey: string[][];
  supportedSyncModes: SyncMode[];
  /** Source-defined cursor; present only for streams that support incremental. */
  cursorField?: string[];
  permissions: PermissionRequirement;
  /** Permissions Microsoft also asks for, which the stream does not strictly need (see AdvisedPermissions). */
  advisedPermissions?: AdvisedPermissions;
  /** Absent: available in every cloud. */
  availability?: CloudAvailability;
  /** Permissions that some config options add (e.g. signInActivity on users needs AuditLog.Read.All). */
  optionPermissions?(config: Config): PermissionRequirement;
  /**
   * The directory collection (e.g. '/users') whose $count estimates the rows of a read that lists it whole: a full
   * refresh, or a first incremental sync. The read command asks for it alongside the stream's first requests and emits
   * an ESTIMATE before the first record; absent, no estimate. Client-side filters may keep fewer rows than it counts.
   */
  countedCollection?: string;
  /** The cheap requests check makes to confirm access, one per endpoint the stream reads ($top=1, $select=id). */
  probes: Probe[];
  /**
   * Probes of endpoints or properties that some config options add (e.g. beta sign-ins with sign_in_event_types; users
   * selecting additional_user_properties, so that check meets a name Graph refuses).
   */
  optionProbes?(config: Config): Probe[];
  /**
   * Property names a config option makes the stream select (users: additional_user_properties): Graph refusing one
   * of them is the user's to fix (a config error naming it), not a defect of the connector's request.
   */
  optionProperties?(config: Config): { option: string; names: readonly string[] } | undefined;
  /**
   * The stream's schema for these options, from its schemas/ file (e.g. users adds additional_user_properties); absent:
   * the file as is. Only SchemaOptions reach it: discover serves a catalog built for their defaults (commands/discover.ts).
   */
  schema?(base: Record<string, unknown>, options: SchemaOptions): Record<string, unknown>;
  /**
   * Why this stream cannot run in `syncMode` under `config`, as a sentence for the user, or undefined when it can.
   * Asked when the catalog is read, so a refused stream is reported before any stream starts and costs no request.
   */
  refuse?(config: Config, syncMode: SyncMode): string | undefined;
  /** Checks and normalises an incoming state, once, before any request (state.ts); throws a config error when it is unusable. */
  parseState?(raw: unknown, config: Config): S;
  read(context: ReadContext<S>): AsyncIterable<StreamOutput<R> | SerialisedRecords>;
}
