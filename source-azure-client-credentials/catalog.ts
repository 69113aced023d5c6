// Configured catalog -> the list of streams to read with their sync modes, checked before any request.
import type { Config } from './config.js';
import { configError } from './errors.js';
import type { SyncMode } from './protocol.js';
import type { StreamDef } from './streams/types.js';
import { isObject, quoted } from './values.js';

export interface ConfiguredStream {
  def: StreamDef;
  syncMode: SyncMode;
  /** Why the stream cannot run in this sync mode with this config (StreamDef.refuse): it is reported, never started. */
  refusal?: string;
}

/**
 * Checks the configured catalog against the streams this source has; any problem is a config error.
 * A stream whose definition refuses its sync mode under this config keeps its place, with the refusal.
 */
export function parseConfiguredCatalog(raw: unknown, streams: readonly StreamDef[], config: Config): ConfiguredStream[] {
  const bad = (why: string) => configError(`The configured catalog is invalid: ${why}. Run discover again and reconfigure the connection.`);
  if (!isObject(raw) || !Array.isArray(raw.streams)) throw bad('it must be an object with a "streams" array');
  const byName = new Map(streams.map((s) => [s.name, s]));
  const seen = new Set<string>();
  return raw.streams.map((entry, index) => {
    if (!isObject(entry) || !isObject(entry.stream)) throw bad(`entry ${index} has no "stream" object`);
    const name = entry.stream.name;
    if (typeof name !== 'string') throw bad(`entry ${index} has no stream name`);
    const def = byName.get(name);
    if (!def) throw bad(`stream ${quoted(name)} does not exist in this source (it has ${streams.map((s) => s.name).join(', ')})`);
    if (seen.has(name)) throw bad(`stream "${name}" appears twice`);
    seen.add(name);
    const syncMode = entry.sync_mode;
    if (syncMode !== 'full_refresh' && syncMode !== 'incremental') {
      throw bad(`stream "${name}" has sync_mode ${quoted(syncMode)}; use "full_refresh" or "incremental"`);
    }
    if (!def.supportedSyncModes.includes(syncMode)) {
      throw bad(`stream "${name}" does not support ${syncMode} (it supports ${def.supportedSyncModes.join(', ')})`);
    }
    if (syncMode === 'incremental' && entry.cursor_field !== undefined && def.cursorField) {
      const cursor = entry.cursor_field;
      if (Array.isArray(cursor) && cursor.length > 0 && cursor.join('.') !== def.cursorField.join('.')) {
        throw bad(
          `stream "${name}" has a source-defined cursor ${def.cursorField.join('.')}; cursor_field ${quoted(cursor)} cannot be used`,
        );
      }
    }
    const refusal = def.refuse?.(config, syncMode);
    return { def, syncMode, ...(refusal !== undefined ? { refusal } : {}) };
  });
}
