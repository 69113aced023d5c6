// What a stream is: a plain object with its name, keys, cursor, permissions and an async generator of output.
import type { Config } from '../config.js';
import type { GraphClient } from '../graph/types.js';
import type { Logger } from '../logger.js';
import type { SyncMode } from '../protocol.js';

/** What a stream's read yields: records, and checkpoints after which no earlier data can be lost. */
export type StreamOutput<R> = { kind: 'record'; data: R } | { kind: 'checkpoint'; state: object };

export interface ReadContext<S> {
  graph: GraphClient;
  config: Config;
  log: Logger;
  syncMode: SyncMode;
  /** This stream's incoming state, already checked by parseState; undefined on a first sync. */
  state: S | undefined;
}

/**
 * Application permissions a stream needs: every inner list must be satisfied by at least one of
 * its entries, e.g. [['Application.Read.All'], ['GroupMember.Read.All', 'Directory.Read.All']].
 */
export type PermissionRequirement = string[][];

export interface Probe {
  path: string;
  query: Record<string, string | number>;
  bucket?: 'identity' | 'reports';
}

export interface StreamDef<R extends object = object, S extends object = object> {
  name: string;
  /** File name under schemas/ (without .json). */
  schemaName: string;
  primaryKey: string[][];
  supportedSyncModes: SyncMode[];
  /** Source-defined cursor; present only for streams that support incremental. */
  cursorField?: string[];
  permissions: PermissionRequirement;
  /** Permissions that some config options add (e.g. signInActivity on users needs AuditLog.Read.All). */
  optionPermissions?(config: Config): PermissionRequirement;
  /** The cheap requests check makes to confirm access, one per endpoint the stream reads ($top=1, $select=id). */
  probes: Probe[];
  /** Checks and normalises an incoming state; throws a config error when it is unusable. */
  parseState?(raw: unknown, config: Config): S;
  read(context: ReadContext<S>): AsyncIterable<StreamOutput<R>>;
}
