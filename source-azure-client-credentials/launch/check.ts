// check as app.ts launches it: the config settled, then the Graph client (and with it the network stack), then the probes.
import type { Invocation } from '../cli.js';
import { check } from '../commands/check.js';
import { loadConfig } from '../config.js';
import { asConnectorError } from '../errors.js';
import type { GraphClient } from '../graph/types.js';
import type { Logger } from '../logger.js';
import { connectionStatus, type MessageWriter } from '../protocol.js';

export async function launchCheck(invocation: Invocation, writer: MessageWriter, log: Logger): Promise<number> {
  let graph: GraphClient | undefined;
  try {
    const config = loadConfig(invocation.config!);
    // Loaded once the config is known valid: a config error costs no network stack.
    const { createGraphClient } = await import('../graph/client.js');
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
