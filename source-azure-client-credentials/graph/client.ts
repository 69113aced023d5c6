// PLACEHOLDER until the Graph client issue lands.
import type { Config } from '../config.js';
import { ConnectorError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GraphClient } from './types.js';

export function createGraphClient(_config: Config, _deps: { log: Logger }): GraphClient {
  const fail = () => {
    throw new ConnectorError('The Graph client is not built yet.', 'system_error');
  };
  return {
    get: async () => fail(),
    pages: () => fail(),
    list: () => fail(),
    batchPages: () => fail(),
    grantedRoles: async () => fail(),
    stats: () => ({ requests: 0, retries: 0, throttled: 0, waitMs: 0 }),
    close: () => {},
  };
}
