// The ground truth: exactly the records each stream must yield for a tenant and config, written from the
// "Record shapes" rules alone (never from connector code), so that it is the yardstick the connector is judged by.
import { instantKey, keyOfDate } from './directory.js';
import { ENTITY_PROPERTIES } from './properties.js';
import { MICROSOFT_TENANT_ID } from './tenant-apps.js';
import { DEFAULT_ACCESS_ROLE_ID } from './tenant-assignments.js';
import type { GraphObject, Tenant, TruthOptions } from './types.js';

type Row = Record<string, unknown>;

/** The users stream's $select fields, in record order. */
export const USER_FIELDS = [
  'id',
  'userPrincipalName',
  'mail',
  'otherMails',
  'proxyAddresses',
  'givenName',
  'surname',
  'displayName',
  'createdDateTime',
  'department',
  'officeLocation',
  'city',
  'state',
  'country',
  'usageLocation',
  'jobTitle',
  'companyName',
  'employeeId',
  'employeeHireDate',
  'employeeType',
  'accountEnabled',
  'userType',
  'externalUserState',
  'creationType',
  'assignedLicenses',
] as const;

/** The service_principals stream's $select fields, in record order. */
export const SERVICE_PRINCIPAL_FIELDS = [
  'id',
  'appId',
  'displayName',
  'appDisplayName',
  'appOwnerOrganizationId',
  'appRoleAssignmentRequired',
  'preferredSingleSignOnMode',
  'verifiedPublisher',
  'servicePrincipalType',
  'signInAudience',
  'accountEnabled',
  'tags',
  'homepage',
  'loginUrl',
  'replyUrls',
  'appRoles',
  'notificationEmailAddresses',
  'info',
] as const;

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const pick = (o: GraphObject, fields: readonly string[]): Row => Object.fromEntries(fields.map((f) => [f, o[f] ?? null]));

/** Lower-cased part after the last @, or null. */
export function domainOf(address: unknown): string | null {
  if (!nonEmpty(address)) return null;
  const at = address.lastIndexOf('@');
  return at < 0 ? null : address.slice(at + 1).toLowerCase();
}

const HEX32 = /^[0-9a-f]{32}$/i;

/** A concealed identity: displayName, or the userPrincipalName's local part, is 32 hex characters. */
export function isConcealed(user: GraphObject): boolean {
  const upn = str(user.userPrincipalName) ?? '';
  const at = upn.lastIndexOf('@');
  return HEX32.test(str(user.displayName) ?? '') || HEX32.test(at < 0 ? upn : upn.slice(0, at));
}

/** include_guests and domain_names: Member and null userType always, Guest only with includeGuests; mail or UPN domain listed. */
export function passesUserFilters(user: GraphObject, options: TruthOptions = {}): boolean {
  const type = user.userType ?? null;
  if (!(type === null || type === 'Member' || (options.includeGuests === true && type === 'Guest'))) return false;
  const domains = (options.domains ?? []).map((d) => d.toLowerCase());
  if (domains.length === 0) return true;
  const mailDomain = domainOf(user.mail);
  const upnDomain = domainOf(user.userPrincipalName);
  return (mailDomain !== null && domains.includes(mailDomain)) || (upnDomain !== null && domains.includes(upnDomain));
}

/** Every smtp:/SMTP: proxy address and every otherMails entry, lower-cased, de-duplicated, sorted, without the primary mail. */
export function emailAliases(user: GraphObject): string[] {
  const primary = str(user.mail)?.toLowerCase();
  const aliases = new Set<string>();
  for (const proxy of (user.proxyAddresses as unknown[] | null) ?? []) {
    if (typeof proxy === 'string' && proxy.slice(0, 5).toLowerCase() === 'smtp:' && proxy.length > 5)
      aliases.add(proxy.slice(5).toLowerCase());
  }
  for (const other of (user.otherMails as unknown[] | null) ?? []) if (nonEmpty(other)) aliases.add(other.toLowerCase());
  if (primary) aliases.delete(primary);
  return [...aliases].sort();
}

/** employeeHireDate when set, else createdDateTime, else null. */
export function activeDate(user: GraphObject | undefined): string | null {
  return str(user?.employeeHireDate) ?? str(user?.createdDateTime) ?? null;
}

/** The non-empty of the given parts joined with ", ", or null. */
function joinPlace(parts: unknown[]): string | null {
  const present = parts.filter(nonEmpty);
  return present.length ? present.join(', ') : null;
}

/** officeLocation when non-empty, else city, state, country. */
export function userLocation(user: GraphObject): string | null {
  return nonEmpty(user.officeLocation) ? user.officeLocation : joinPlace([user.city, user.state, user.country]);
}

/** Mail's domain when mail is set, else the UPN's (after the last @: the tenant's domain for #EXT# guests). */
export function userDomain(user: GraphObject): string | null {
  return nonEmpty(user.mail) ? domainOf(user.mail) : domainOf(user.userPrincipalName);
}

/** Users that pass the filters but are concealed: the count in the connector's one WARN. */
export function concealedUserCount(tenant: Tenant, options: TruthOptions = {}): number {
  return tenant.users.filter((u) => passesUserFilters(u, options) && isConcealed(u)).length;
}

/**
 * additional_user_properties as columns: [column, value of a user]. A v1.0 property is its own column whatever the
 * case it was written in; a directory extension keeps the configured spelling, its value found case-insensitively;
 * a property or extension without a value is null.
 */
function additionalColumns(names: readonly string[] = []): [string, (u: GraphObject) => unknown][] {
  const canonical = new Map([...ENTITY_PROPERTIES.user!].map((n) => [n.toLowerCase(), n]));
  const builtIn = new Set<string>(USER_FIELDS);
  const columns = new Map<string, (u: GraphObject) => unknown>();
  for (const name of names) {
    const property = canonical.get(name.toLowerCase());
    if (property) {
      if (!builtIn.has(property)) columns.set(property, (u) => u[property] ?? null);
    } else if (![...columns.keys()].some((c) => c.toLowerCase() === name.toLowerCase())) {
      columns.set(name, (u) => u[Object.keys(u).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name] ?? null);
    }
  }
  return [...columns];
}

/** The users stream, in tenant order. */
export function truthUsers(tenant: Tenant, options: TruthOptions & { includeSignInActivity?: boolean } = {}): Row[] {
  const extra = additionalColumns(options.additionalProperties);
  return tenant.users
    .filter((u) => passesUserFilters(u, options) && !isConcealed(u))
    .map((u) => {
      const row: Row = {
        ...pick(u, USER_FIELDS),
        emailAliases: emailAliases(u),
        activeDate: activeDate(u),
        location: userLocation(u),
        domain: userDomain(u),
        managerId: tenant.managers?.get(u.id) ?? null,
      };
      if (options.includeSignInActivity) row.signInActivity = u.signInActivity ?? null;
      for (const [column, value] of extra) row[column] = value(u);
      return row;
    });
}

/** verifiedPublisher's name; else the organization's name for the tenant's own apps; else "Microsoft" for first-party; else null. */
export function publisherOf(sp: GraphObject, tenant: Tenant): string | null {
  const verified = (sp.verifiedPublisher as { displayName?: unknown } | null)?.displayName;
  if (nonEmpty(verified)) return verified;
  if (sp.appOwnerOrganizationId === tenant.tenantId) return str(tenant.organization.displayName);
  if (sp.appOwnerOrganizationId === MICROSOFT_TENANT_ID) return 'Microsoft';
  return null;
}

/** OIDC single sign-on, or no SSO mode at all but reply URLs (an OAuth2 app). */
export function isOauth2Integration(sp: GraphObject): boolean {
  const mode = sp.preferredSingleSignOnMode;
  return mode === 'oidc' || ((mode === null || mode === undefined || mode === '') && ((sp.replyUrls as unknown[] | null) ?? []).length > 0);
}

/** The service_principals stream, in tenant order. */
export function truthServicePrincipals(tenant: Tenant): Row[] {
  return tenant.servicePrincipals.map((sp) => ({
    ...pick(sp, SERVICE_PRINCIPAL_FIELDS),
    openAccess: sp.appRoleAssignmentRequired === false,
    publisher: publisherOf(sp, tenant),
    oauth2Integration: isOauth2Integration(sp),
    isFirstParty: sp.appOwnerOrganizationId === MICROSOFT_TENANT_ID,
    tenantId: tenant.organization.id,
  }));
}

/** appRoleValue and appRoleDisplayName: "Default Access" for the all-zero id, null for an id the app does not define. */
function resolveRole(resource: GraphObject, appRoleId: unknown): { appRoleValue: string | null; appRoleDisplayName: string | null } {
  if (appRoleId === DEFAULT_ACCESS_ROLE_ID) return { appRoleValue: null, appRoleDisplayName: 'Default Access' };
  const role = ((resource.appRoles as GraphObject[] | null) ?? []).find((r) => r.id === appRoleId);
  return { appRoleValue: str(role?.value), appRoleDisplayName: str(role?.displayName) };
}

/**
 * The app_role_assignments stream: one row per (assignment, person). User principals as they are; Group principals
 * expanded to their direct user members (nested groups and devices, contacts, service principals are not people);
 * ServicePrincipal principals as their own row. Resources in tenant order, assignments in their order.
 */
export function truthAppRoleAssignments(tenant: Tenant): Row[] {
  const users = new Map(tenant.users.map((u) => [u.id, u]));
  const groups = new Map(tenant.groups.map((g) => [g.id, g]));
  const rows: Row[] = [];
  for (const resource of tenant.servicePrincipals) {
    for (const a of tenant.assignments.get(resource.id) ?? []) {
      const base = {
        id: a.id,
        appRoleId: a.appRoleId,
        createdDateTime: a.createdDateTime ?? null,
        principalId: a.principalId,
        principalType: a.principalType,
        principalDisplayName: a.principalDisplayName ?? null,
        resourceId: a.resourceId,
        resourceDisplayName: a.resourceDisplayName ?? null,
        appId: resource.appId,
        ...resolveRole(resource, a.appRoleId),
      };
      const person = (userId: string, group: GraphObject | null): Row => {
        const u = users.get(userId);
        return {
          ...base,
          userId,
          email: str(u?.mail),
          givenName: str(u?.givenName),
          surname: str(u?.surname),
          userPrincipalName: str(u?.userPrincipalName),
          activeDate: activeDate(u),
          viaGroupId: group ? group.id : null,
          viaGroupDisplayName: group ? str(group.displayName) : null,
        };
      };
      if (a.principalType === 'User') rows.push(person(String(a.principalId), null));
      else if (a.principalType === 'Group') {
        const group = groups.get(String(a.principalId)) ?? { id: String(a.principalId), displayName: a.principalDisplayName };
        for (const member of tenant.groupMembers.get(group.id) ?? []) if (users.has(member)) rows.push(person(member, group));
      } else {
        rows.push({
          ...base,
          userId: a.principalId,
          email: null,
          givenName: null,
          surname: null,
          userPrincipalName: null,
          activeDate: null,
          viaGroupId: null,
          viaGroupDisplayName: null,
        });
      }
    }
  }
  return rows;
}

/** city, state, countryOrRegion of the sign-in's location, the non-empty ones joined with ", ". */
export function loginLocation(signIn: GraphObject): string | null {
  const location = signIn.location as { city?: unknown; state?: unknown; countryOrRegion?: unknown } | null | undefined;
  return location ? joinPlace([location.city, location.state, location.countryOrRegion]) : null;
}

/** `records` whose `property` lies in [from, to) and within the last `retentionDays` of the tenant (100-ns precision). */
function inRange(
  tenant: Tenant,
  records: GraphObject[],
  property: string,
  from: Date,
  to: Date,
  retentionDays = tenant.retentionDays,
): GraphObject[] {
  const retained = keyOfDate(new Date(tenant.now.getTime() - retentionDays * 86_400_000));
  const wanted = keyOfDate(from);
  // The later of the two keys (they are not numbers: Math.max does not apply).
  const low = [wanted, retained].sort().at(-1)!;
  const high = keyOfDate(to);
  return records.filter((r) => {
    const key = instantKey(String(r[property]));
    return key !== undefined && key >= low && key < high;
  });
}

/**
 * The sign_ins stream for createdDateTime in [from, to), within retention, newest first (100-ns precision), plus
 * loginLocation. Interactive sign-ins alone by default (what v1.0 serves), each with signInEventTypes ["interactiveUser"];
 * with `eventTypes`, the sign-ins of those types (beta, where every sign-in carries its signInEventTypes).
 */
export function truthSignIns(tenant: Tenant, from: Date, to: Date, eventTypes: readonly string[] = ['interactiveUser']): Row[] {
  const interactive = eventTypes.includes('interactiveUser')
    ? inRange(tenant, tenant.signIns, 'createdDateTime', from, to).map((s) => ({ ...s, signInEventTypes: ['interactiveUser'] }))
    : [];
  const others = inRange(tenant, tenant.signInEvents ?? [], 'createdDateTime', from, to).filter((s) =>
    eventTypes.includes((s.signInEventTypes as string[])[0]!),
  );
  return [...interactive, ...others].map((s) => ({ ...s, loginLocation: loginLocation(s) }));
}

/** The directory_audits stream for activityDateTime in [from, to), within the last `retentionDays` (30 with P1/P2, 7 without), as Graph returns them. */
export function truthDirectoryAudits(tenant: Tenant, from: Date, to: Date, retentionDays = tenant.retentionDays): Row[] {
  return inRange(tenant, tenant.directoryAudits ?? [], 'activityDateTime', from, to, retentionDays).map((a) => ({ ...a }));
}
