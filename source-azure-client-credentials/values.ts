// Untrusted values (config, catalog, state, answers from Graph): the one object test and the one way a message shortens or quotes a value.

/** A JSON object: not null, not an array. */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Text cut to `max` characters, with "..." when cut: a message never echoes a huge input whole. */
export function shorten(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** A value as a message shows it: its JSON, shortened. */
export const quoted = (value: unknown, max = 60): string => shorten(JSON.stringify(value) ?? String(value), max);
