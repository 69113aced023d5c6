// Incoming state (array of STREAM state messages, [], legacy shapes) -> a per-stream map, then each stream's own parsed state.
import type { ConfiguredStream } from './catalog.js';
import type { Config } from './config.js';
import { configError } from './errors.js';
import type { Logger } from './logger.js';
import { isObject } from './values.js';

/**
 * Accepts what the platform may pass: an array of AirbyteStateMessage of type STREAM, [],
 * a legacy {"type":"LEGACY","data":{stream: state}} message, or a legacy object keyed by stream.
 * Anything else is a config error. Streams not in `known` are ignored with a warning.
 */
export function parseStateInput(raw: unknown, known: ReadonlySet<string>, log?: Logger): Map<string, Record<string, unknown>> {
  const states = new Map<string, Record<string, unknown>>();
  const add = (name: unknown, value: unknown, where: string) => {
    if (typeof name !== 'string' || name === '') throw configError(`The state file is malformed: ${where} has no stream name.`);
    if (!known.has(name)) {
      log?.warn(`The state file has a state for "${name}", which this connector does not know; it is ignored.`);
      return;
    }
    if (!isObject(value)) throw configError(`The state file is malformed: the state of stream "${name}" must be a JSON object.`);
    states.set(name, value);
  };
  const bad = (why: string) =>
    configError(`The state file is malformed: ${why}. Pass the STATE messages of an earlier sync as a JSON array, or [] to start over.`);

  if (raw === null) return states;
  if (Array.isArray(raw)) {
    raw.forEach((entry, index) => {
      const where = `entry ${index}`;
      if (!isObject(entry)) throw bad(`${where} is not an object`);
      if (entry.type === 'LEGACY' || (entry.type === undefined && isObject(entry.data) && !entry.stream)) {
        if (!isObject(entry.data)) throw bad(`${where} is a LEGACY state without a data object`);
        for (const [name, value] of Object.entries(entry.data)) add(name, value, where);
        return;
      }
      if (entry.type === 'GLOBAL') throw bad(`${where} is a GLOBAL state, which this source never emits`);
      if (entry.type !== undefined && entry.type !== 'STREAM') throw bad(`${where} has an unknown type`);
      const stream = entry.stream;
      if (!isObject(stream) || !isObject(stream.stream_descriptor)) throw bad(`${where} has no stream.stream_descriptor`);
      add(stream.stream_descriptor.name, stream.stream_state ?? {}, where);
    });
    return states;
  }
  if (isObject(raw)) {
    // Legacy whole-connector state: { "<stream>": {...}, ... }
    for (const [name, value] of Object.entries(raw)) add(name, value, `key "${name}"`);
    return states;
  }
  throw bad('it must be a JSON array');
}

/**
 * The state each incremental stream starts from, parsed by the stream itself (StreamDef.parseState) here and
 * nowhere else, before any request: a state a stream cannot use fails the sync up front. A full refresh reads
 * without one, and a state that parses to nothing (e.g. the {} a full refresh leaves behind) means a first sync.
 */
export function streamStates(
  streams: readonly ConfiguredStream[],
  states: ReadonlyMap<string, object>,
  config: Config,
): Map<string, object> {
  const parsed = new Map<string, object>();
  for (const { def, syncMode } of streams) {
    const raw = states.get(def.name);
    if (raw === undefined || syncMode !== 'incremental') continue;
    const state = def.parseState ? def.parseState(raw, config) : raw;
    if (state !== undefined) parsed.set(def.name, state);
  }
  return parsed;
}
