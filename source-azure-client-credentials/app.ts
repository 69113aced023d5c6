// The connector as a function: argv in, protocol messages out, exit code back.
import { parseConfiguredCatalog } from './catalog.js';
import { type Invocation, parseInvocation } from './cli.js';
import { check } from './commands/check.js';
import { discover } from './commands/discover.js';
import { read } from './commands/read.js';
import { spec } from './commands/spec.js';
import { loadConfig } from './config.js';
import { asConnectorError, errorTraceBody } from './errors.js';
import { readJsonFile } from './files.js';
import { createGraphClient } from './graph/client.js';
import type { GraphClient } from './graph/types.js';
import { createLogger } from './logger.js';
import { connectionStatus, errorTrace, MessageWriter } from './protocol.js';
import { redact } from './secrets.js';
import { parseStateInput, streamStates } from './state.js';
import { STREAM_NAMES, STREAMS } from './streams/index.js';

async function dispatch(invocation: Invocation, writer: MessageWriter): Promise<number> {
  const log = createLogger(writer, invocation.debug);
  switch (invocation.command) {
    case 'spec':
      return spec(writer);
    case 'check': {
      let graph: GraphClient | undefined;
      try {
        const config = loadConfig(invocation.config!);
        graph = createGraphClient(config, { log });
        return await check(writer, config, graph);
      } catch (caught) {
        // A config the user can fix is a FAILED status (exit 0), as the platform expects from check.
        // (check itself answers every failure it can word; what it throws is a bug or a system error.)
        const error = asConnectorError(caught);
        if (error.failureType !== 'config_error') throw caught;
        await writer.emit(connectionStatus(false, error.message));
        return 0;
      } finally {
        graph?.close();
      }
    }
    case 'discover':
      return discover(writer, loadConfig(invocation.config!));
    case 'read': {
      const config = loadConfig(invocation.config!);
      const streams = parseConfiguredCatalog(readJsonFile(invocation.catalog!, 'catalog'), STREAMS, config);
      const incoming = invocation.state ? parseStateInput(readJsonFile(invocation.state, 'state'), STREAM_NAMES, log) : new Map();
      const states = streamStates(streams, incoming, config);
      const graph = createGraphClient(config, { log });
      try {
        return await read(writer, log, { config, streams, states }, graph);
      } finally {
        graph.close();
      }
    }
  }
}

/** Runs one command; never throws. Failures become an ERROR trace and a non-zero exit code. */
export async function run(args: string[], writer = new MessageWriter()): Promise<number> {
  writer.setRedactor(redact);
  let code: number;
  try {
    code = await dispatch(parseInvocation(args), writer);
  } catch (caught) {
    await writer.emit(errorTrace(errorTraceBody(caught)));
    code = 1;
  }
  await writer.flush();
  return code;
}
