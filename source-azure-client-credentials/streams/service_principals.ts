// PLACEHOLDER until its issue lands: the service_principals stream.
import type { StreamDef } from './types.js';

export const servicePrincipals: StreamDef = {
  name: 'service_principals',
  schemaName: 'service_principals',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh'],
  permissions: [['Application.Read.All']],
  probe: { path: '/servicePrincipals', query: { $top: 1, $select: 'id' } },
  async *read() {},
};
