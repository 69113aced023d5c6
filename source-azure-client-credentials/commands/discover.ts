// discover: the catalog of streams with their schemas (as the config shapes them), keys and cursors; needs no network.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { AirbyteStream, MessageWriter } from '../protocol.js';
import type { SchemaOptions } from '../streams/types.js';

/** The schema options the build prepares the catalog for: every config that leaves them so gets that catalog. */
export const PREPARED_SCHEMA_OPTIONS: SchemaOptions = Object.freeze({ userProperties: [] });
/** The prepared catalog's file, beside the bundle's chunks (scripts/build.mjs writes it with stream-catalog.ts). */
export const PREPARED_CATALOG_FILE = 'catalog.json';

const schemaOptionsOf = (config: Config): SchemaOptions => ({ userProperties: config.userProperties });

/**
 * The catalog for this config. For the default schema options it is the one the build prepared from the same schemas
 * and stream definitions: reading it spares discover loading every stream's code and parsing every schema file (most of
 * its start-up beyond node's own, issue 18). Any other options build it here, as the build does.
 */
async function catalogFor(config: Config): Promise<{ streams: AirbyteStream[] }> {
  const options = schemaOptionsOf(config);
  if (JSON.stringify(options) === JSON.stringify(PREPARED_SCHEMA_OPTIONS)) {
    return JSON.parse(readFileSync(new URL(PREPARED_CATALOG_FILE, import.meta.url), 'utf8'));
  }
  return (await import('../stream-catalog.js')).buildCatalog(options);
}

export async function discover(writer: MessageWriter, config: Config): Promise<number> {
  await writer.emit({ type: 'CATALOG', catalog: await catalogFor(config) });
  return 0;
}
