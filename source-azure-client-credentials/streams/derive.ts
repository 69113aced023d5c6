// Pure derivations and filters of the directory streams (users, service_principals, app_role_assignments).

/** Microsoft's own tenant: it owns the registrations of first-party apps such as Office 365 Exchange Online. */
const FIRST_PARTY_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

/** The app role id of "default access": an assignment to an app that defines no roles of its own. */
const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';
const DEFAULT_ACCESS_DISPLAY_NAME = 'Default Access';

type Text = string | null | undefined;

/** Unset or the empty string, which Graph returns for cleared properties (whitespace is a value). */
const isBlank = (value: Text): value is null | undefined | '' => value == null || value === '';

/** The non-empty values joined with ", " (how location and loginLocation read, e.g. "Seattle, WA, US"), else null. */
export function joinNonEmpty(values: readonly Text[]): string | null {
  const kept = values.filter((v): v is string => !isBlank(v));
  return kept.length > 0 ? kept.join(', ') : null;
}

/** The lower-cased part after the last @ of an address or UPN, else null. */
export function domainOf(address: Text): string | null {
  if (isBlank(address)) return null;
  const at = address.lastIndexOf('@');
  const domain = at >= 0 ? address.slice(at + 1).toLowerCase() : '';
  return domain === '' ? null : domain;
}

/**
 * Every address from the smtp:/SMTP: entries of proxyAddresses (other prefixes such as SIP: or X500:
 * are not mail) and from otherMails, lower-cased, de-duplicated and sorted, without the primary mail.
 * https://learn.microsoft.com/graph/api/resources/user#properties (proxyAddresses)
 */
export function emailAliases(
  mail: Text,
  proxyAddresses: readonly string[] | null | undefined,
  otherMails: readonly string[] | null | undefined,
): string[] {
  const primary = isBlank(mail) ? undefined : mail.toLowerCase();
  const aliases = new Set<string>();
  const add = (address: string) => {
    const normalised = address.toLowerCase();
    if (normalised !== '' && normalised !== primary) aliases.add(normalised);
  };
  for (const entry of proxyAddresses ?? []) if (/^smtp:/i.test(entry)) add(entry.slice(5));
  for (const entry of otherMails ?? []) if (typeof entry === 'string') add(entry);
  return [...aliases].sort();
}

/** The date a person became active: employeeHireDate when set, else createdDateTime, else null. */
export function activeDate(employeeHireDate: Text, createdDateTime: Text): string | null {
  return !isBlank(employeeHireDate) ? employeeHireDate : !isBlank(createdDateTime) ? createdDateTime : null;
}

/** officeLocation when non-empty, else the non-empty of city, state, country joined with ", ". */
export function location(officeLocation: Text, city: Text, state: Text, country: Text): string | null {
  return !isBlank(officeLocation) ? officeLocation : joinNonEmpty([city, state, country]);
}

/** The domain of mail when mail is set, else of the UPN (a guest's #EXT# UPN ends in the tenant's domain). */
export function userDomain(mail: Text, userPrincipalName: Text): string | null {
  return isBlank(mail) ? domainOf(userPrincipalName) : domainOf(mail);
}

const HEX32 = /^[0-9a-f]{32}$/i;

/** One related object as Graph writes it: an expanded navigation property, or an entry of a <name>@delta annotation. */
type Related = { id?: unknown; '@removed'?: unknown } | null | undefined;

/**
 * The manager's id from what Graph sent for a user: `manager` (from $expand=manager; absent or null when the user has
 * none) or `manager@delta` in a delta answer, a list whose entries with `@removed` take a manager away, so the last
 * entry without one is the current manager, and none means no manager.
 * https://learn.microsoft.com/graph/delta-query-overview#resource-representation-in-the-delta-query-response
 */
export function managerIdOf(user: { manager?: unknown; 'manager@delta'?: unknown }): string | null {
  const annotation = user['manager@delta'];
  if (annotation !== undefined) {
    const current = (Array.isArray(annotation) ? (annotation as Related[]) : []).filter((m) => m && !m['@removed']).at(-1);
    return typeof current?.id === 'string' ? current.id : null;
  }
  const manager = user.manager as Related;
  return typeof manager?.id === 'string' ? manager.id : null;
}

/**
 * True for an identity hidden by the Microsoft 365 "Display concealed user, group, and site names in
 * all reports" setting, which replaces names with 32-character hex hashes
 * (https://learn.microsoft.com/microsoft-365/troubleshoot/miscellaneous/reports-show-anonymous-user-name).
 */
export function isConcealed(displayName: Text, userPrincipalName: Text): boolean {
  if (!isBlank(displayName) && HEX32.test(displayName)) return true;
  if (isBlank(userPrincipalName)) return false;
  const at = userPrincipalName.lastIndexOf('@');
  return HEX32.test(at >= 0 ? userPrincipalName.slice(0, at) : userPrincipalName);
}

export interface RosterFilter {
  includeGuests: boolean;
  /** Lower-case domains; empty keeps every domain. */
  domains: readonly string[];
}

/**
 * include_guests false keeps userType "Member" and null (accounts created before userType existed);
 * true also keeps "Guest". domain_names keeps users whose mail domain or UPN domain is listed.
 */
export function keepUser(user: { userType?: Text; mail?: Text; userPrincipalName?: Text }, filter: RosterFilter): boolean {
  const type = user.userType ?? null;
  if (!(type === null || type === 'Member' || (filter.includeGuests && type === 'Guest'))) return false;
  if (filter.domains.length === 0) return true;
  const mailDomain = domainOf(user.mail);
  const upnDomain = domainOf(user.userPrincipalName);
  return filter.domains.some((d) => d === mailDomain || d === upnDomain);
}

/** appRoleAssignmentRequired false: anyone in the tenant may sign in without an assignment. */
export const openAccess = (appRoleAssignmentRequired: boolean | null | undefined): boolean => appRoleAssignmentRequired === false;

export const isFirstParty = (appOwnerOrganizationId: Text): boolean =>
  (appOwnerOrganizationId ?? '').toLowerCase() === FIRST_PARTY_TENANT_ID;

/** Configured for OAuth 2.0 / OpenID Connect sign-in: SSO mode "oidc", or no SSO mode but reply URLs. */
export function oauth2Integration(preferredSingleSignOnMode: Text, replyUrls: readonly string[] | null | undefined): boolean {
  if (preferredSingleSignOnMode === 'oidc') return true;
  return isBlank(preferredSingleSignOnMode) && (replyUrls ?? []).length > 0;
}

/** Verified publisher name; else this tenant's name for its own apps; else "Microsoft" for first-party apps; else null. */
export function publisher(
  sp: { verifiedPublisher?: { displayName?: Text } | null; appOwnerOrganizationId?: Text },
  organization: { id: string; displayName: Text },
): string | null {
  const verified = sp.verifiedPublisher?.displayName;
  if (!isBlank(verified)) return verified;
  const owner = (sp.appOwnerOrganizationId ?? '').toLowerCase();
  if (owner !== '' && owner === organization.id.toLowerCase()) return organization.displayName ?? null;
  return owner === FIRST_PARTY_TENANT_ID ? 'Microsoft' : null;
}

interface ResolvedRole {
  appRoleValue: string | null;
  appRoleDisplayName: string | null;
}

/** The assigned role's value and displayName from the resource's appRoles; "Default Access" for the all-zero id. */
export function resolveAppRole(
  appRoles: readonly { id?: string | null; value?: Text; displayName?: Text }[] | null | undefined,
  appRoleId: Text,
): ResolvedRole {
  if (appRoleId === DEFAULT_ACCESS_ROLE_ID) return { appRoleValue: null, appRoleDisplayName: DEFAULT_ACCESS_DISPLAY_NAME };
  const role = appRoleId == null ? undefined : (appRoles ?? []).find((r) => r.id === appRoleId);
  return { appRoleValue: role?.value ?? null, appRoleDisplayName: role?.displayName ?? null };
}
