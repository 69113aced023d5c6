// PLACEHOLDER until its issue lands: the app_role_assignments stream.
import type { StreamDef } from './types.js';

export const appRoleAssignments: StreamDef = {
  name: 'app_role_assignments',
  schemaName: 'app_role_assignments',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh'],
  permissions: [['Application.Read.All']],
  probe: { path: '/servicePrincipals', query: { $top: 1, $select: 'id' } },
  async *read() {},
};
