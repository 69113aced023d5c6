// discover as app.ts launches it: the config settled (no network), then the catalog.
import type { Invocation } from '../cli.js';
import { discover } from '../commands/discover.js';
import { loadConfig } from '../config.js';
import type { MessageWriter } from '../protocol.js';

export function launchDiscover(invocation: Invocation, writer: MessageWriter): Promise<number> {
  return discover(writer, loadConfig(invocation.config!));
}
