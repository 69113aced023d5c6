// The registry of values that must never be printed (client secret, private key, access tokens).

const secrets = new Set<string>();

/** Registers a value to be cut from every log, trace and status the connector prints; short values are ignored. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  secrets.add(value);
  // Inside text that quotes JSON (e.g. an error body in an internal message) the value appears escaped.
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) secrets.add(escaped);
  // PEM material may be logged one line at a time.
  if (value.includes('\n')) for (const line of value.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) secrets.add(line);
}

/** Replaces every registered secret in the text with a fixed marker. */
export function redact(text: string): string {
  if (secrets.size === 0) return text;
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('**********');
  return out;
}
