// PLACEHOLDER until its issue lands: the sign_ins stream.
import type { StreamDef } from './types.js';

export const signIns: StreamDef = {
  name: 'sign_ins',
  schemaName: 'sign_ins',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh'],
  permissions: [['AuditLog.Read.All']],
  probe: { path: '/auditLogs/signIns', query: { $top: 1, $select: 'id' } },
  async *read() {},
};
