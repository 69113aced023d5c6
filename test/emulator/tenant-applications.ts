// Synthetic app registrations: one per tenant-owned service principal (same appId and name) plus a few without one, with
// owners (none, a few, exactly 20, more than 20) and password and certificate credentials (none, expired, expiring within
// 30 days, long-lived).
import { DAY_MS, isoSeconds, type Random, randomTimestamp } from './tenant-random.js';
import type { DirectoryContext } from './tenant-users.js';
import type { GraphObject } from './types.js';

/** A credential as Graph serializes it (no id of its own: keyId). */
type Json = Record<string, unknown>;

/** Microsoft Graph's appId, and two of its permission ids (User.Read scope, User.Read.All role) as apps request them. */
const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const USER_READ_SCOPE = 'e1fe6dd8-ba31-4d61-89e7-88639da4683d';
const USER_READ_ALL_ROLE = 'df021288-bdef-4463-88db-98f22de89214';

const EXTRA_NAMES = ['Contoso Build Agent', 'Contoso Data Export', 'Contoso Mobile', 'Contoso Partner Portal', 'Contoso Reporting API'];

/**
 * The credential cases in turn. Days are relative to the tenant's "now", never within a day of it or of now + 30 days,
 * so "expires within 30 days" cannot flip while a test runs.
 */
type CredentialCase =
  | 'none'
  | 'expiredSecret'
  | 'soonSecret'
  | 'longSecret'
  | 'soonCertificate'
  | 'expiredCertificateAndSecret'
  | 'twoSecrets';
const CREDENTIAL_CASES: readonly CredentialCase[] = [
  'soonSecret',
  'none',
  'expiredSecret',
  'longSecret',
  'soonCertificate',
  'expiredCertificateAndSecret',
  'twoSecrets',
];

/** An owner count per application in turn: the first ones cover the $expand cap (more than 20, exactly 20, none). */
const OWNER_CASES = [23, 20, 0];

interface Principals {
  /** Users that may own applications (members). */
  users: readonly GraphObject[];
  /** Service principals that may own applications. */
  servicePrincipals: readonly GraphObject[];
}

/** An instant `fromDays`..`toDays` days from now (negative: in the past), whole seconds or 7 fractional digits. */
function daysFromNow(rng: Random, ctx: DirectoryContext, fromDays: number, toDays: number): string {
  return randomTimestamp(rng, ctx.nowMs + fromDays * DAY_MS, ctx.nowMs + toDays * DAY_MS, 0.3);
}

function password(rng: Random, ctx: DirectoryContext, name: string, fromDays: number, toDays: number): Json {
  const endDays = fromDays + rng.next() * (toDays - fromDays);
  return {
    customKeyIdentifier: null,
    displayName: name,
    endDateTime: daysFromNow(rng, ctx, endDays, endDays + 0.5),
    hint: rng.upperHex(3).replace(/^./, (c) => c.toLowerCase()),
    keyId: rng.guid(),
    secretText: null,
    startDateTime: daysFromNow(rng, ctx, endDays - 365, endDays - 364),
  };
}

function certificate(rng: Random, ctx: DirectoryContext, host: string, fromDays: number, toDays: number): Json {
  const endDays = fromDays + rng.next() * (toDays - fromDays);
  return {
    // The thumbprint, base64; key: the public certificate (DER, base64), which the connector must never copy.
    customKeyIdentifier: Buffer.from(rng.upperHex(40), 'hex').toString('base64'),
    displayName: `CN=${host}`,
    endDateTime: isoSeconds(ctx.nowMs + Math.round(endDays * DAY_MS)),
    key: Buffer.from(rng.fill(new Uint8Array(48))).toString('base64'),
    keyId: rng.guid(),
    startDateTime: isoSeconds(ctx.nowMs + Math.round((endDays - 730) * DAY_MS)),
    type: rng.chance(0.9) ? 'AsymmetricX509Cert' : 'Symmetric',
    usage: 'Verify',
  };
}

function credentials(rng: Random, ctx: DirectoryContext, which: CredentialCase, host: string): { passwords: Json[]; keys: Json[] } {
  switch (which) {
    case 'none':
      return { passwords: [], keys: [] };
    case 'expiredSecret':
      return { passwords: [password(rng, ctx, 'old secret', -300, -2)], keys: [] };
    case 'soonSecret':
      return { passwords: [password(rng, ctx, 'client secret', 2, 27)], keys: [certificate(rng, ctx, host, 200, 700)] };
    case 'longSecret':
      return { passwords: [password(rng, ctx, 'client secret', 300, 700)], keys: [] };
    case 'soonCertificate':
      return { passwords: [], keys: [certificate(rng, ctx, host, 2, 27)] };
    case 'expiredCertificateAndSecret':
      return { passwords: [password(rng, ctx, 'rotated secret', 40, 200)], keys: [certificate(rng, ctx, host, -90, -2)] };
    case 'twoSecrets':
      return { passwords: [password(rng, ctx, 'secret 2', 100, 400), password(rng, ctx, 'secret 1', 33, 90)], keys: [] };
  }
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

interface Shape {
  appId: string;
  displayName: string;
  signInAudience: string;
  createdDateTime: string;
}

function application(rng: Random, ctx: DirectoryContext, shape: Shape, serial: number): GraphObject {
  const host = `${slug(shape.displayName)}.example`;
  const { passwords, keys } = credentials(rng, ctx, CREDENTIAL_CASES[serial % CREDENTIAL_CASES.length]!, host);
  const web = serial % 3 !== 2;
  return {
    id: rng.guid(),
    deletedDateTime: null,
    addIns: [],
    api: {
      acceptMappedClaims: null,
      knownClientApplications: [],
      oauth2PermissionScopes: [],
      preAuthorizedApplications: [],
      requestedAccessTokenVersion: 2,
    },
    appId: shape.appId,
    applicationTemplateId: null,
    appRoles: [],
    certification: null,
    createdDateTime: shape.createdDateTime,
    defaultRedirectUri: null,
    description: serial % 4 === 0 ? `${shape.displayName}, registered by IT` : null,
    disabledByMicrosoftStatus: null,
    displayName: shape.displayName,
    groupMembershipClaims: serial % 5 === 0 ? 'SecurityGroup' : null,
    identifierUris: serial % 2 === 0 ? [`api://${shape.appId}`] : [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: serial % 6 === 5,
    keyCredentials: keys,
    notes: serial % 7 === 3 ? 'Owner team: platform' : null,
    oauth2RequirePostResponse: false,
    optionalClaims: null,
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
    passwordCredentials: passwords,
    publicClient: { redirectUris: serial % 6 === 5 ? ['https://login.microsoftonline.com/common/oauth2/nativeclient'] : [] },
    publisherDomain: ctx.initialDomain,
    requestSignatureVerification: null,
    requiredResourceAccess: [
      {
        resourceAppId: MICROSOFT_GRAPH_APP_ID,
        resourceAccess: [{ id: USER_READ_SCOPE, type: 'Scope' }, ...(serial % 3 === 1 ? [{ id: USER_READ_ALL_ROLE, type: 'Role' }] : [])],
      },
    ],
    samlMetadataUrl: null,
    serviceManagementReference: serial % 4 === 1 ? `CHG${String(10_000 + serial * 37).padStart(7, '0')}` : null,
    servicePrincipalLockConfiguration: null,
    signInAudience: shape.signInAudience,
    spa: { redirectUris: serial % 5 === 2 ? [`https://${host}/spa`] : [] },
    tags: serial % 3 === 0 ? ['HideApp'] : [],
    tokenEncryptionKeyId: null,
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    web: {
      homePageUrl: web ? `https://${host}/` : null,
      logoutUrl: null,
      redirectUris: web ? [`https://${host}/signin-oidc`] : [],
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: serial % 4 === 2 },
      redirectUriSettings: web ? [{ uri: `https://${host}/signin-oidc`, index: null }] : [],
    },
  };
}

/** `count` owners: distinct users, and from the fourth application on, sometimes a service principal. */
function pickOwners(rng: Random, who: Principals, count: number, serial: number): string[] {
  const owners = new Set<string>();
  const users = who.users;
  if (serial === 3 && who.servicePrincipals.length > 0) owners.add(rng.pick(who.servicePrincipals).id);
  for (let attempts = 0; owners.size < Math.min(count, users.length + owners.size) && attempts < count * 20 + 50; attempts++) {
    owners.add(rng.pick(users).id);
  }
  return [...owners];
}

function ownerCount(rng: Random, serial: number): number {
  return serial < OWNER_CASES.length ? OWNER_CASES[serial]! : serial === 3 ? 2 : 1 + rng.int(3);
}

export interface GeneratedApplications {
  applications: GraphObject[];
  /** applicationId -> owner ids */
  owners: Map<string, string[]>;
}

/**
 * One registration per tenant-owned service principal (kind 0 in `kinds`: same appId, name and audience), then `extra`
 * registrations that have no service principal here. Owners come from `who`.
 */
export function generateApplications(
  rng: Random,
  ctx: DirectoryContext,
  servicePrincipals: readonly GraphObject[],
  kinds: Uint8Array,
  who: Principals,
  extra: number,
): GeneratedApplications {
  const shapes: Shape[] = servicePrincipals
    .filter((_, i) => kinds[i] === 0)
    .map((sp) => ({
      appId: String(sp.appId),
      displayName: String(sp.displayName),
      signInAudience: 'AzureADMyOrg',
      createdDateTime: isoSeconds(ctx.nowMs - (30 + rng.int(1_500)) * DAY_MS),
    }));
  for (let k = 0; k < extra; k++) {
    shapes.push({
      appId: rng.guid(),
      displayName: EXTRA_NAMES[k % EXTRA_NAMES.length]! + (k >= EXTRA_NAMES.length ? ` ${Math.floor(k / EXTRA_NAMES.length) + 1}` : ''),
      signInAudience: k % 2 === 0 ? 'AzureADMultipleOrgs' : 'AzureADMyOrg',
      createdDateTime: isoSeconds(ctx.nowMs - (5 + rng.int(900)) * DAY_MS),
    });
  }
  const applications: GraphObject[] = [];
  const owners = new Map<string, string[]>();
  shapes.forEach((shape, serial) => {
    const app = application(rng, ctx, shape, serial);
    applications.push(app);
    owners.set(app.id, pickOwners(rng, who, ownerCount(rng, serial), serial));
  });
  return { applications, owners };
}

/** A new registration (for mutations), with an owner and a secret expiring within 30 days. */
export function createApplication(
  rng: Random,
  ctx: DirectoryContext,
  serial: number,
  who: Principals,
): { application: GraphObject; owners: string[] } {
  const shape = {
    appId: rng.guid(),
    displayName: `Contoso Automation ${serial}`,
    signInAudience: 'AzureADMyOrg',
    createdDateTime: isoSeconds(ctx.nowMs),
  };
  return { application: application(rng, ctx, shape, 0), owners: pickOwners(rng, who, 1, 4) };
}

/** How mutations change an application (each also recorded as a change the delta query reports). */
export const APPLICATION_UPDATES = ['newSecret', 'rename', 'dropCredentials', 'owners'] as const;

/** The application after one update; `owners` is the new owner list when the update changes it. */
export function updateApplication(
  rng: Random,
  ctx: DirectoryContext,
  app: GraphObject,
  how: (typeof APPLICATION_UPDATES)[number],
  owners: string[],
  who: Principals,
): { application: GraphObject; owners: string[] } {
  switch (how) {
    case 'newSecret':
      // A secret rotated: a new one expiring within 30 days, and (owner changes come with it) a new owner.
      return {
        application: {
          ...app,
          passwordCredentials: [...((app.passwordCredentials as Json[]) ?? []), password(rng, ctx, 'rotated', 3, 26)],
        },
        owners: [...owners, ...pickOwners(rng, who, 1, 4).filter((id) => !owners.includes(id))],
      };
    case 'rename':
      return { application: { ...app, displayName: `${String(app.displayName)} (renamed)` }, owners };
    case 'dropCredentials':
      return { application: { ...app, passwordCredentials: [], keyCredentials: [] }, owners };
    case 'owners':
      return { application: { ...app, notes: 'Ownership reviewed' }, owners: owners.slice(1) };
  }
}
