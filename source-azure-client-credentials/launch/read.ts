// read as app.ts launches it: config, catalog and state settled before any request, then the Graph client, then the streams.
import { setFlagsFromString } from 'node:v8';
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
  // V8 lets the heap grow by up to 4x its live size between full collections when collecting is cheap; a read's pages
  // are short-lived garbage, so that headroom is mostly dead pages. Growing by 1.5x instead kept peak RSS at 110 MB
  // instead of 144 MB on 100,000 sign-ins (102 instead of 128 MB on 50,000 users) at the same CPU time (scripts/bench.ts,
  // memory scenario). A GC heuristic read at each collection, so it may be set now; NODE_OPTIONS does not accept it.
  // Set for read only, once its modules are loaded: any V8 flag makes Node compile the built-in modules it loads
  // afterwards without their code cache (see entrypoint.sh), which spec, check and discover need not pay.
  setFlagsFromString('--heap-growing-percent=50');
  const graph = createGraphClient(config, { log });
  try {
    return await read(writer, log, { config, streams, states }, graph);
  } finally {
    graph.close();
  }
}
