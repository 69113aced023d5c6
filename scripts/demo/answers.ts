// The SaaS-management questions the demo answers from the landed subscribed_skus and applications tables.
import type { Landing } from './landing.js';

/** One licence (SKU): units bought (enabled), assigned (consumed) and left over. */
export interface LicenceRow {
  licence: string;
  bought: number;
  assigned: number;
  unassigned: number;
  status: string;
}

/** One app registration credential (client secret or certificate) that expires within the window. */
export interface ExpiringCredentialRow {
  application: string;
  appId: string;
  kind: string;
  credential: string | null;
  keyId: string;
  expires: string;
}

export const EXPIRY_WINDOW_DAYS = 30;

/**
 * Licences bought versus assigned: prepaidUnits.enabled is what the tenant pays for and may assign, consumedUnits what is
 * assigned (https://learn.microsoft.com/graph/api/resources/subscribedsku); availableUnits is the connector's difference.
 */
export async function licences(landing: Landing): Promise<LicenceRow[]> {
  const rows = await landing.query(`SELECT skuPartNumber AS licence, CAST(prepaidUnits->>'enabled' AS INTEGER) AS bought,
  consumedUnits::INTEGER AS assigned, availableUnits::INTEGER AS unassigned, capabilityStatus AS status
FROM subscribed_skus ORDER BY assigned DESC, licence`);
  return rows as unknown as LicenceRow[];
}

/**
 * Every client secret and certificate of an app registration that expires after `at` and within EXPIRY_WINDOW_DAYS of it,
 * soonest first: one row per credential, from the flattened `credentials` array (nextCredentialExpiry gives only the first).
 */
export async function expiringCredentials(landing: Landing, at: Date): Promise<ExpiringCredentialRow[]> {
  const rows = await landing.query(`WITH credential AS (
  SELECT displayName AS application, appId, unnest(CAST(credentials AS JSON[])) AS c FROM applications
)
SELECT application, appId, c->>'type' AS kind, c->>'displayName' AS credential, c->>'keyId' AS keyId,
  CAST(c->>'endDateTime' AS TIMESTAMPTZ) AS expires
FROM credential
WHERE expires > TIMESTAMPTZ '${at.toISOString()}' AND expires <= TIMESTAMPTZ '${at.toISOString()}' + INTERVAL ${EXPIRY_WINDOW_DAYS} DAY
ORDER BY expires, application, keyId`);
  return rows.map((row) => ({ ...row, expires: (row.expires as Date).toISOString() })) as unknown as ExpiringCredentialRow[];
}
