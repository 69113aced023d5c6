// PLACEHOLDER until its issue lands: the users stream.
import type { StreamDef } from './types.js';

export const users: StreamDef = {
  name: 'users',
  schemaName: 'users',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh'],
  permissions: [['User.Read.All']],
  probe: { path: '/users', query: { $top: 1, $select: 'id' } },
  async *read() {},
};
