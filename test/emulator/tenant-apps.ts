// Synthetic service principals: Microsoft first-party, tenant-owned, third-party (verified or not) and managed identities.
import { isoSeconds, placeKinds, type Random } from './tenant-random.js';
import type { DirectoryContext } from './tenant-users.js';
import type { GraphObject } from './types.js';

/** The tenant that owns Microsoft's first-party applications. https://learn.microsoft.com/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in */
export const MICROSOFT_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

export const SP_FIRST_PARTY = 1;
export const SP_VERIFIED = 2;
export const SP_UNVERIFIED = 3;
export const SP_MANAGED_IDENTITY = 4;

const FIRST_PARTY = [
  'Office 365 Exchange Online',
  'Microsoft Graph',
  'Office 365 SharePoint Online',
  'Microsoft Teams',
  'Azure Portal',
  'Microsoft Intune',
  'Power BI Service',
  'Microsoft Forms',
  'Office 365 Management APIs',
  'Windows Azure Active Directory',
  'Microsoft Office',
  'Skype for Business Online',
  'Microsoft Azure CLI',
  'Microsoft Planner',
  'Microsoft Stream Service',
  'OneNote',
  'Dynamics CRM Online',
  'Azure DevOps',
  'Microsoft Whiteboard Services',
  'Yammer',
  'Microsoft To-Do',
  'Office Online',
  'Microsoft Bookings',
  'Microsoft Flow Service',
  'PowerApps Service',
  'Microsoft Approval Management',
  'Sway',
  'Microsoft Invitation Acceptance Portal',
  'My Apps',
  'Microsoft App Access Panel',
];
const APPS = [
  'Wingtip CRM',
  'Tailspin Expenses',
  'Litware HR',
  'Adventure Works Portal',
  'Fourth Coffee Wiki',
  'Proseware Payroll',
  'Woodgrove Banking',
  'Relecloud Drive',
  'Trey Research Analytics',
  'Lamna Ticketing',
  "Margie's Travel",
  'Blue Yonder Boards',
  'Alpine Ski House Chat',
  'Coho Vineyard Docs',
  'Fabrikam Sign',
  'Humongous Insurance Claims',
  'VanArsdel Design',
  'Datum Storage',
  'Bellows College LMS',
  'Consolidated Messenger',
];
const VENDORS = ['Wingtip Toys, Inc.', 'Tailspin Toys Ltd', 'Litware, Inc.', 'Proseware, Inc.', 'Relecloud', 'Trey Research'];
const MI_NAMES = ['payroll', 'billing', 'etl', 'backup', 'web', 'reports', 'ingest', 'search'];

/** SSO modes in turn over the non-Microsoft applications: every branch of the oauth2Integration rule appears. */
const SSO_CYCLE: ReadonlyArray<readonly [mode: string | null, replyUrls: boolean]> = [
  ['saml', true],
  ['oidc', true],
  [null, true],
  ['password', false],
  [null, false],
  ['saml', true],
  ['notSupported', true],
  ['oidc', false],
  ['', true],
];

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A name from `pool`, with a round number once the pool is exhausted ("Wingtip CRM 2"). */
function nth(pool: readonly string[], k: number): string {
  const round = Math.floor(k / pool.length);
  return pool[k % pool.length]! + (round ? ` ${round + 1}` : '');
}

function role(rng: Random, value: string | null, displayName: string, allowed: string[], isEnabled = true): GraphObject {
  return {
    allowedMemberTypes: allowed,
    description: value === null ? displayName : `${displayName} of the application`,
    displayName,
    id: rng.guid(),
    isEnabled,
    origin: 'Application',
    value,
  };
}

function rolesFor(rng: Random, mode: string | null | undefined, kind: number): GraphObject[] {
  if (kind === SP_MANAGED_IDENTITY) return [];
  if (kind === SP_FIRST_PARTY) {
    return rng.chance(0.3)
      ? [role(rng, 'User.Read.All', 'Read all users', ['Application']), role(rng, 'Reports.Read', 'Read reports', ['User', 'Application'])]
      : [];
  }
  // SAML gallery apps carry msiam_access, whose value is null: https://learn.microsoft.com/entra/identity/enterprise-apps/application-sign-in-problem-federated-sso-gallery
  if (mode === 'saml')
    return [role(rng, null, 'msiam_access', ['User']), role(rng, 'User', 'User', ['User']), role(rng, 'Admin', 'Administrator', ['User'])];
  if (mode === 'password') return [];
  const roles = [role(rng, 'Reader', 'Reader', ['User']), role(rng, 'Writer', 'Writer', ['User', 'Application'])];
  if (rng.chance(0.4)) roles.push(role(rng, 'Legacy.Access', 'Legacy access', ['User'], false));
  if (rng.chance(0.3)) roles.push(role(rng, 'Task.ReadWrite.All', 'Read and write tasks', ['Application']));
  return roles;
}

const NO_PUBLISHER = Object.freeze({ displayName: null, verifiedPublisherId: null, addedDateTime: null });
const NO_INFO = Object.freeze({ logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null });

interface AppShape {
  kind: number;
  displayName: string;
  owner: string | null;
  mode: string | null;
  replyUrls: string[];
  required: boolean;
  publisher: Readonly<Record<string, unknown>>;
  audience: string | null;
  type: string;
  host: string;
}

function shapeOf(
  rng: Random,
  ctx: DirectoryContext,
  kind: number,
  serial: number,
  nonMicrosoft: number,
  vendorTenants: string[],
): AppShape {
  if (kind === SP_FIRST_PARTY) {
    const displayName = nth(FIRST_PARTY, serial);
    return {
      kind,
      displayName,
      owner: MICROSOFT_TENANT_ID,
      mode: null,
      // Many Microsoft apps have reply URLs but no SSO mode: they count as OAuth2 integrations.
      replyUrls: serial % 5 < 2 ? [`https://${slug(displayName)}.microsoft.example/signin-oidc`] : [],
      required: serial % 7 === 3,
      publisher: NO_PUBLISHER,
      audience: 'AzureADMultipleOrgs',
      type: 'Application',
      host: `${slug(displayName)}.microsoft.example`,
    };
  }
  if (kind === SP_MANAGED_IDENTITY) {
    const displayName = `mi-${MI_NAMES[serial % MI_NAMES.length]}-${serial % 2 ? 'prod' : 'test'}-${String(serial + 1).padStart(2, '0')}`;
    return {
      kind,
      displayName,
      owner: null,
      mode: null,
      replyUrls: [],
      required: false,
      publisher: NO_PUBLISHER,
      audience: null,
      type: 'ManagedIdentity',
      host: '',
    };
  }
  const displayName = nth(APPS, nonMicrosoft);
  const host = `${slug(displayName)}.example`;
  const [mode, withReply] = SSO_CYCLE[nonMicrosoft % SSO_CYCLE.length]!;
  const replyUrls = withReply
    ? mode === 'saml'
      ? [`https://${host}/saml/acs`]
      : [`https://${host}/oauth/callback`, `https://${host}/signin-oidc`]
    : [];
  if (kind === SP_VERIFIED) {
    const vendor = serial % VENDORS.length;
    // One verified publisher with an empty name: the publisher rule must skip it.
    const name = serial === 2 ? '' : VENDORS[vendor]!;
    const publisher = {
      displayName: name,
      verifiedPublisherId: String(1_000_000 + rng.int(9_000_000)),
      addedDateTime: isoSeconds(Date.UTC(2020, 0, 1) + rng.int(1_500) * 86_400_000),
    };
    return {
      kind,
      displayName,
      owner: vendorTenants[vendor]!,
      mode,
      replyUrls,
      required: serial % 2 === 0,
      publisher,
      audience: 'AzureADMultipleOrgs',
      type: 'Application',
      host,
    };
  }
  if (kind === SP_UNVERIFIED) {
    return {
      kind,
      displayName,
      owner: vendorTenants[(serial + 3) % vendorTenants.length]!,
      mode,
      replyUrls,
      required: serial % 2 === 1,
      publisher: NO_PUBLISHER,
      audience: 'AzureADMultipleOrgs',
      type: 'Application',
      host,
    };
  }
  return {
    kind,
    displayName,
    owner: ctx.tenantId,
    mode,
    replyUrls,
    required: serial % 3 !== 2,
    publisher: NO_PUBLISHER,
    audience: 'AzureADMyOrg',
    type: 'Application',
    host,
  };
}

function servicePrincipal(rng: Random, ctx: DirectoryContext, s: AppShape): GraphObject {
  const appId = rng.guid();
  const mi = s.kind === SP_MANAGED_IDENTITY;
  const tags = mi || s.kind === SP_FIRST_PARTY ? [] : ['WindowsAzureActiveDirectoryIntegratedApp'];
  if (s.mode === 'saml') tags.push('WindowsAzureActiveDirectoryCustomSingleSignOnApplication');
  return {
    id: rng.guid(),
    deletedDateTime: null,
    accountEnabled: rng.chance(0.95),
    alternativeNames: mi
      ? [
          'isExplicit=True',
          `/subscriptions/${rng.guid()}/resourcegroups/rg-${s.displayName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${s.displayName}`,
        ]
      : [],
    appDescription: null,
    appDisplayName: s.displayName,
    appId,
    applicationTemplateId: s.mode === 'saml' ? rng.guid() : null,
    appOwnerOrganizationId: s.owner,
    appRoleAssignmentRequired: s.required,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: s.displayName,
    homepage: s.host ? `https://${s.host}/` : null,
    loginUrl: s.mode === 'saml' ? `https://${s.host}/sso/login` : null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: s.mode === 'saml' ? [`it-admins@${ctx.defaultDomain}`] : [],
    preferredSingleSignOnMode: s.mode,
    preferredTokenSigningKeyThumbprint: s.mode === 'saml' ? rng.upperHex(40) : null,
    replyUrls: s.replyUrls,
    servicePrincipalNames: mi ? [appId, `https://identity.azure.example/${appId}`] : s.host ? [appId, `https://${s.host}`] : [appId],
    servicePrincipalType: s.type,
    signInAudience: s.audience,
    tags,
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: s.mode === 'saml' ? { relayState: null } : null,
    addIns: [],
    appRoles: rolesFor(rng, s.mode, s.kind),
    info:
      s.host && rng.chance(0.4)
        ? { ...NO_INFO, logoUrl: `https://cdn.${s.host}/logo.png`, supportUrl: `https://${s.host}/support` }
        : NO_INFO,
    keyCredentials: [],
    oauth2PermissionScopes: [],
    passwordCredentials: [],
    resourceSpecificApplicationPermissions: [],
    verifiedPublisher: s.publisher,
  };
}

function kindCounts(n: number, firstPartyFraction: number): Array<[number, number]> {
  const firstParty = Math.round(n * firstPartyFraction);
  const rest = n - firstParty;
  return [
    [SP_FIRST_PARTY, firstParty],
    [SP_MANAGED_IDENTITY, rest >= 4 ? Math.max(1, Math.round(n * 0.08)) : 0],
    [SP_VERIFIED, rest >= 3 ? Math.max(1, Math.round(n * 0.12)) : 0],
    [SP_UNVERIFIED, rest >= 6 ? Math.max(1, Math.round(n * 0.04)) : 0],
  ];
}

/** The service principals, and the kind of each (same index): later sections pick resources and principals by kind. */
export function generateServicePrincipals(
  rng: Random,
  ctx: DirectoryContext,
  n: number,
  firstPartyFraction: number,
): { servicePrincipals: GraphObject[]; kinds: Uint8Array } {
  const kinds = placeKinds(rng, n, kindCounts(n, firstPartyFraction));
  const vendorTenants = VENDORS.map(() => rng.guid());
  const serial = [0, 0, 0, 0, 0];
  let nonMicrosoft = 0;
  const servicePrincipals: GraphObject[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const kind = kinds[i]!;
    const thirdOrOwned = kind === 0 || kind === SP_VERIFIED || kind === SP_UNVERIFIED;
    servicePrincipals[i] = servicePrincipal(rng, ctx, shapeOf(rng, ctx, kind, serial[kind]!++, nonMicrosoft, vendorTenants));
    if (thirdOrOwned) nonMicrosoft++;
  }
  return { servicePrincipals, kinds };
}

/** A new tenant-owned application (for mutations). */
export function createServicePrincipal(rng: Random, ctx: DirectoryContext, serial: number): GraphObject {
  const sp = servicePrincipal(rng, ctx, shapeOf(rng, ctx, 0, serial, serial, []));
  sp.displayName = sp.appDisplayName = `${sp.displayName as string} (new ${serial})`;
  return sp;
}
