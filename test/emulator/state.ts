// The running emulator's mutable state shared by its request handlers, and the test app registration it accepts.
import { createHash, generateKeyPairSync, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Directory } from './directory.js';
import type { Faults } from './faults.js';
import { thumbprints } from './jwt.js';
import type { MetricsRecorder } from './metrics.js';
import type { Throttler } from './throttling.js';
import type { EmulatorCredentials, Tenant } from './types.js';

/** How directoryAudits orders its answers: Microsoft does not document it. */
export type DirectoryAuditsOrder = 'newestFirst' | 'oldestFirst' | 'unordered';
/** Item header names in a $batch answer: lower-case, or capitalised word by word ("Retry-After"). */
export type BatchItemHeaderNames = 'lower' | 'capitalised';

/** test/emulator/fixtures in the repository (this module runs from dist/test/emulator). */
export const fixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'emulator', 'fixtures');
export const fixture = (name: string) => join(fixturesDir, name);

/** The registered certificate of the test app (client-assertion credentials). */
export interface ClientCertificate {
  certificatePath: string;
  privateKeyPath: string;
  /** Upper-case hex SHA-256 / SHA-1 thumbprints, as the Entra admin center shows them. */
  thumbprintSha256: string;
  thumbprint: string;
}

export interface AppCredentials extends EmulatorCredentials {
  /** A second secret of the same app that Entra ID reports as expired (AADSTS7000222). */
  expiredClientSecret: string;
  clientCertificate: ClientCertificate;
}

export interface EmulatorState {
  /** https://127.0.0.1:PORT once listening. */
  url: string;
  tenant: Tenant;
  directory: Directory;
  credentials: AppCredentials;
  /** Public key and thumbprints of the registered client certificate. */
  clientCertificateKey: KeyObject;
  clientThumbprints: ReturnType<typeof thumbprints>;
  /** The test app's own service principal in the tenant (the token's oid/sub). */
  appObjectId: string;
  permissions: string[];
  premium: boolean;
  /** $expand answers whole related objects, ignoring a nested $select (a documented known issue). */
  expandIgnoresNestedSelect: boolean;
  /** The documented known issue: sign-ins also need Directory.Read.All. */
  signInsRequireDirectoryRead: boolean;
  /** Whether a national cloud's token reaches sign-ins (false: the segment does not exist there, answered with signInsNationalCloudStatus). */
  signInsInNationalClouds: boolean;
  signInsNationalCloudStatus: 400 | 404;
  /** ServerOptions.roleAssignmentsRequireFilter: an unfiltered roleAssignments list is a 400. */
  roleAssignmentsRequireFilter: boolean;
  /** ServerOptions.rolePrincipalNamesNeedReadPermission: an expanded principal is id-only unless the caller may read its kind. */
  rolePrincipalNamesNeedReadPermission: boolean;
  /** ServerOptions.delegatedPermissionGrantReadAll: DelegatedPermissionGrant.Read.All opens /oauth2PermissionGrants. */
  delegatedPermissionGrantReadAll: boolean;
  /** directoryAudits also needs Directory.Read.All, as its list page names both permissions (false: AuditLog.Read.All alone). */
  directoryAuditsRequireDirectoryRead: boolean;
  /** The order directoryAudits answers in (undocumented): newest first, oldest first, or none in particular. */
  directoryAuditsOrder: DirectoryAuditsOrder;
  /** How a $batch answer names its items' headers (ServerOptions.batchItemHeaderNames). */
  batchItemHeaderNames: BatchItemHeaderNames;
  /** A directoryAudits literal older than the tenant keeps: 400 "Invalid filter clause" (true), or served from what is kept. */
  directoryAuditsRefuseBeyondRetention: boolean;
  tokenLifetimeSeconds: number;
  /** Added to the wall clock for issuing and judging access tokens (tests age tokens without waiting). */
  accessTokenClockOffsetMs: number;
  /** The emulator's token-signing key, made at start. */
  signingKey: { privateKey: KeyObject; publicKey: KeyObject; kid: string };
  throttler: Throttler;
  faults: Faults;
  metrics: MetricsRecorder;
  latencyMs: number;
  latencyPerRecordMs: number;
  /**
   * Delta tokens older than tokenLifetimeMs, or from another emulator instance (epoch), are expired.
   * minimalChanges: changed objects carry only id and the changed properties; hidesRestores: restores are not reported;
   * clockOffsetMs: added to the wall clock for issuing and judging tokens (tests age tokens without waiting).
   */
  delta: {
    tokenLifetimeMs: number;
    expiredStatus: 410 | 400;
    epoch: string;
    minimalChanges: boolean;
    hidesRestores: boolean;
    clockOffsetMs: number;
  };
  /** Seeded random source (batch answer order). */
  random: () => number;
  /**
   * How group members are listed: listServicePrincipals (Graph v1.0's known issue leaves them out: false), how a group with
   * hidden membership answers an app without Member.Read.Hidden ('forbidden': 403, 'empty': no members), and whether a
   * member the app may not read carries its other selected properties as null (limitedAsNulls) or only @odata.type and id.
   */
  groups: { listServicePrincipals: boolean; hiddenAnswer: 'forbidden' | 'empty'; limitedAsNulls: boolean };
}

/** Deterministic GUID from a label, so a seed always gives the same app registration. */
export function guidFrom(label: string): string {
  const h = createHash('sha256').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A secret value shaped like Entra ID's (3 chars, "8Q~", 37 chars), derived from a label. */
function secretFrom(label: string): string {
  const chars = createHash('sha512').update(label).digest('base64url').replace(/[-_]/g, '.');
  return `${chars.slice(0, 3)}8Q~${chars.slice(3, 40)}`;
}

export function appCredentials(tenantId: string, seed: number): AppCredentials {
  const certificatePath = fixture('client-cert.pem');
  const cert = new X509Certificate(readFileSync(certificatePath));
  const prints = thumbprints(cert.raw);
  return {
    tenantId,
    clientId: guidFrom(`client-id:${seed}:${tenantId}`),
    clientSecret: secretFrom(`secret:${seed}:${tenantId}`),
    expiredClientSecret: secretFrom(`expired-secret:${seed}:${tenantId}`),
    clientCertificate: {
      certificatePath,
      privateKeyPath: fixture('client-key.pem'),
      thumbprintSha256: prints.sha256Hex,
      thumbprint: prints.sha1Hex,
    },
  };
}

export function clientCertificateInfo(path: string) {
  const cert = new X509Certificate(readFileSync(path));
  return { key: cert.publicKey, prints: thumbprints(cert.raw) };
}

export function newSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64url')
    .slice(0, 27);
  return { privateKey, publicKey, kid };
}

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
