// Incoming state (array of STREAM state messages, [], legacy shapes) -> a per-stream map.
import { configError } from './errors.js';
import type { Logger } from './logger.js';

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Accepts what the platform may pass: an array of AirbyteStateMessage of type STREAM, [],
 * a legacy {"type":"LEGACY","data":{stream: state}} message, or a legacy object keyed by stream.
 * Anything else is a config error. Streams not in `known` are ignored with a warning.
 */
export function parseStateInput(raw: unknown, known: ReadonlySet<string>, log?: Logger): Map<string, unknown> {
  const states = new Map<string, unknown>();
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
