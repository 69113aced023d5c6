// discover: the catalog of streams with their schemas (as the config shapes them), keys and cursors; needs no network.
import type { Config } from '../config.js';
import type { AirbyteStream, MessageWriter } from '../protocol.js';
import { loadSchema } from '../schemas.js';
import { STREAMS } from '../streams/index.js';
import type { StreamDef } from '../streams/types.js';

function airbyteStream(def: StreamDef, config: Config): AirbyteStream {
  const schema = loadSchema(def.schemaName);
  return {
    name: def.name,
    json_schema: def.schema ? def.schema(schema, config) : schema,
    supported_sync_modes: [...def.supportedSyncModes],
    source_defined_cursor: def.cursorField !== undefined,
    ...(def.cursorField ? { default_cursor_field: [...def.cursorField] } : {}),
    source_defined_primary_key: def.primaryKey.map((path) => [...path]),
    is_resumable: def.cursorField !== undefined,
  };
}

export async function discover(writer: MessageWriter, config: Config): Promise<number> {
  await writer.emit({ type: 'CATALOG', catalog: { streams: STREAMS.map((def) => airbyteStream(def, config)) } });
  return 0;
}
