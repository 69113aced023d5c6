// The directory_audits stream: the Entra audit log read by the window engine in ascending activityDateTime windows, checkpointed after each window.
// https://learn.microsoft.com/graph/api/directoryaudit-list ; https://learn.microsoft.com/graph/api/resources/directoryaudit
import type { DirectoryAuditsRecord } from '../generated/directory-audits.js';
import type { StreamDef } from './types.js';
import { parseInstant } from './windows/instants.js';
import { readFrom, readWindowed, type WindowedLog } from './windows/reader.js';
import { checkCursorState, savedCursor } from './windows/state.js';

/** Everything performed before activityDateTime has been emitted; absent before the first checkpoint. */
interface DirectoryAuditsState {
  activityDateTime?: string;
}

const STREAM = 'directory_audits';
const CURSOR = 'activityDateTime';

/**
 * The list page documents $top but no maximum or default page size (https://learn.microsoft.com/graph/api/directoryaudit-list#optional-query-parameters).
 * 999 is what Microsoft's own Entra PowerShell module allows (Get-EntraAuditDirectoryLog -Top), the directory's usual
 * maximum: the largest page Microsoft itself asks for, so that a window costs as few reports requests as possible.
 */
const PAGE_SIZE = 999;

/**
 * The engine's view of the audit log. Graph keeps it 30 days with Entra ID P1/P2 and 7 days with Free, and no licence is
 * needed to read it (https://learn.microsoft.com/entra/identity/monitoring-health/reference-reports-data-retention). The
 * connector cannot know the licence, so it asks for 30 days: a Free tenant answers the older windows empty, or, should
 * Graph refuse a literal older than it keeps (400, as signIns does), the range starts again at 7 days with a warning.
 * The default order of the answers is not documented: the engine reads any order and splits a window only when the
 * answers came newest first.
 */
const auditLog: WindowedLog<DirectoryAuditsRecord, DirectoryAuditsRecord> = {
  stream: STREAM,
  cursor: CURSOR,
  noun: 'audit events',
  logs: 'directory audit logs',
  retentionDays: 30,
  shortRetention: { days: 7, tenants: 'tenants without Microsoft Entra ID P1 or P2' },
  request: (filter) => ({ path: '/auditLogs/directoryAudits', query: { $filter: filter, $top: PAGE_SIZE } }),
  record: (audit) => audit,
};

export const directoryAudits: StreamDef<DirectoryAuditsRecord, DirectoryAuditsState> = {
  name: STREAM,
  schemaName: STREAM,
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh', 'incremental'],
  cursorField: [CURSOR],
  // The list page names "AuditLog.Read.All and Directory.Read.All" together as least privileged
  // (https://learn.microsoft.com/graph/api/directoryaudit-list#permissions). As for sign_ins, only the audit permission is
  // required, Directory.Read.All (a broad read of the whole directory) is advice, and a 403 then names it as the fix.
  permissions: [['AuditLog.Read.All']],
  advisedPermissions: {
    requirement: [['Directory.Read.All']],
    reason:
      "Microsoft's directory audit list page names Directory.Read.All next to AuditLog.Read.All as the least privileged permissions (https://learn.microsoft.com/graph/api/directoryaudit-list#permissions)",
  },
  // The page's national-cloud table: global and US Government L4 and L5, not China.
  availability: {
    clouds: ['global', 'us_government_l4', 'us_government_l5'],
    data: 'directory audit logs',
    page: 'https://learn.microsoft.com/graph/api/directoryaudit-list',
  },
  probes: [{ path: '/auditLogs/directoryAudits', query: { $top: 1 }, bucket: 'reports' }],
  parseState: (raw) => {
    const cursor = savedCursor(checkCursorState(raw, STREAM, CURSOR), CURSOR);
    return cursor === undefined ? {} : { activityDateTime: cursor };
  },

  async *read(context) {
    const saved = context.state?.activityDateTime;
    yield* readWindowed(auditLog, {
      ...readFrom(context, saved === undefined ? undefined : parseInstant(saved)),
      checkpoint: (position) => ({ activityDateTime: position }),
    });
  },
};
