// The demo's seeded tenant and connector options: shared by the demo and the test that checks its output.
import type { EmulatorOptions } from '../../test/emulator/types.js';
import type { ExpiringCredentialRow, LicenceRow } from './answers.js';

export const DEMO_TENANT: EmulatorOptions = {
  seed: 20_260_101,
  sizes: { users: 2_000, servicePrincipals: 200, groups: 60, bigGroupSizes: [1_200], assignments: 2_500, signIns: 5_000 },
  // Graph's throttling model, 20x faster than the real service, so the demo shows pacing without the wait.
  throttling: { enabled: true, timeScale: 20 },
};

/** The first run reads sign-ins from this many days back (inside the 30-day retention, so the range is exact). */
export const DEMO_SIGN_IN_DAYS = 28;

/** The tables the demo lands, one per stream, in catalog order. */
export const DEMO_TABLES = [
  'users',
  'service_principals',
  'app_role_assignments',
  'sign_ins',
  'directory_audits',
  'groups',
  'group_members',
  'applications',
  'oauth2_permission_grants',
  'subscribed_skus',
  'directory_role_assignments',
] as const;

/** What a run leaves in DEMO_DIR/run.json: what it read and how the tables compare with the tenant. */
export interface DemoRunReport {
  mode: 'full' | 'incremental';
  signInsRange: { from: string; to: string };
  tables: Record<string, { rows: number; readThisRun: number; tenantInRange: number }>;
  /** The two SaaS-management answers as printed, and the instant the credential window starts at. */
  answers: { licences: LicenceRow[]; expiringCredentials: { at: string; rows: ExpiringCredentialRow[] } };
  duckdbFile: string;
}
