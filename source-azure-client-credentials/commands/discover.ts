// discover: the catalog of streams with their schemas, keys and cursors; needs no network.
import type { Config } from '../config.js';
import type { AirbyteStream, MessageWriter } from '../protocol.js';
import { loadSchema } from '../schemas.js';
import { STREAMS } from '../streams/index.js';
import type { StreamDef } from '../streams/types.js';

function airbyteStream(def: StreamDef): AirbyteStream {
  return {
    name: def.name,
    json_schema: loadSchema(def.schemaName),
    supported_sync_modes: [...def.supportedSyncModes],
    source_defined_cursor: def.cursorField !== undefined,
    ...(def.cursorField ? { default_cursor_field: [...def.cursorField] } : {}),
    source_defined_primary_key: def.primaryKey.map((path) => [...path]),
    is_resumable: def.cursorField !== undefined,
  };
}

export async function discover(writer: MessageWriter, _config: Config): Promise<number> {
  await writer.emit({ type: 'CATALOG', catalog: { streams: STREAMS.map(airbyteStream) } });
  return 0;
}
