// read as app.ts launches it: config, catalog and state settled before any request, then the Graph client, then the streams.
import { parseConfiguredCatalog } from '../catalog.js';
import type { Invocation } from '../cli.js';
import { read } from '../commands/read.js';
import { loadConfig } from '../config.js';
import { readJsonFile } from '../files.js';
import type { Logger } from '../logger.js';
import type { MessageWriter } from '../protocol.js';
import { parseStateInput, streamStates } from '../state.js';
import { STREAM_NAMES, STREAMS } from '../streams/index.js';

export async function launchRead(invocation: Invocation, writer: MessageWriter, log: Logger): Promise<number> {
  const config = loadConfig(invocation.config!);
  const streams = parseConfiguredCatalog(readJsonFile(invocation.catalog!, 'catalog'), STREAMS, config);
  const incoming = invocation.state ? parseStateInput(readJsonFile(invocation.state, 'state'), STREAM_NAMES, log) : new Map();
  const states = streamStates(streams, incoming, config);
  // Loaded once the inputs are known valid: an input error costs no network stack.
  const { createGraphClient } = await import('../graph/client.js');
  const graph = createGraphClient(config, { log });
  try {
    return await read(writer, log, { config, streams, states }, graph);
  } finally {
    graph.close();
  }
}
