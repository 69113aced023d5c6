// Loads the JSON schemas in schemas/ (spec and one per stream): the single source of truth for shapes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const schemasDir = new URL('../../schemas/', import.meta.url);

const cache = new Map<string, object>();

/** Reads schemas/<name>.json (relative to the built module, so it works from any working directory). */
export function loadSchema(name: string): Record<string, unknown> {
  let schema = cache.get(name);
  if (!schema) {
    schema = JSON.parse(readFileSync(fileURLToPath(new URL(`${name}.json`, schemasDir)), 'utf8')) as object;
    cache.set(name, schema);
  }
  return structuredClone(schema) as Record<string, unknown>;
}

interface ConnectorSpecification {
  documentationUrl: string;
  connectionSpecification: Record<string, unknown>;
}

export const loadSpec = (): ConnectorSpecification => loadSchema('spec') as unknown as ConnectorSpecification;
