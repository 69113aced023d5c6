// The catalog discover prints, built from schemas/ and the stream definitions: at build time for the default schema options
// (scripts/build.mjs writes it beside the bundle), at run time only for a config that changes a schema.
import type { AirbyteStream } from './protocol.js';
import { loadSchema } from './schemas.js';
import { STREAMS } from './streams/index.js';
import type { SchemaOptions, StreamDef } from './streams/types.js';

function airbyteStream(def: StreamDef, options: SchemaOptions): AirbyteStream {
  const schema = loadSchema(def.schemaName);
  return {
    name: def.name,
    json_schema: def.schema ? def.schema(schema, options) : schema,
    supported_sync_modes: [...def.supportedSyncModes],
    source_defined_cursor: def.cursorField !== undefined,
    ...(def.cursorField ? { default_cursor_field: [...def.cursorField] } : {}),
    source_defined_primary_key: def.primaryKey.map((path) => [...path]),
    is_resumable: def.cursorField !== undefined,
  };
}

/** Every stream with its schema (as `options` shape it), keys and cursor. */
export function buildCatalog(options: SchemaOptions): { streams: AirbyteStream[] } {
  return { streams: STREAMS.map((def) => airbyteStream(def, options)) };
}
