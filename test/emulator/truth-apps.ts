// The ground truth of applications, oauth2_permission_grants, subscribed_skus and directory_role_assignments, written from
// the streams' record shapes (schemas/*.json descriptions) alone, never from connector code.
import type { GraphObject, Tenant } from './types.js';

type Row = Record<string, unknown>;

/** The applications stream's Graph fields, in record order. */
export const APPLICATION_FIELDS = [
  'id',
  'appId',
  'displayName',
  'description',
  'createdDateTime',
  'signInAudience',
  'publisherDomain',
  'verifiedPublisher',
  'tags',
  'identifierUris',
  'notes',
  'serviceManagementReference',
  'disabledByMicrosoftStatus',
  'isFallbackPublicClient',
  'requiredResourceAccess',
  'web',
  'spa',
  'publicClient',
] as const;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v : []);

/** Passwords, then keys: the metadata only (never secretText, key or customKeyIdentifier). */
export function credentialsOf(app: GraphObject): Row[] {
  const base = (c: Record<string, unknown>) => ({
    keyId: str(c.keyId),
    displayName: str(c.displayName),
    startDateTime: str(c.startDateTime),
    endDateTime: str(c.endDateTime),
  });
  return [
    ...list(app.passwordCredentials).map((c) => ({ type: 'password', ...base(c), hint: str(c.hint), keyType: null, keyUsage: null })),
    ...list(app.keyCredentials).map((c) => ({ type: 'certificate', ...base(c), hint: null, keyType: str(c.type), keyUsage: str(c.usage) })),
  ];
}

/** The earliest endDateTime later than `at`, as written; null when there is none. */
export function nextExpiry(credentials: Row[], at: Date): string | null {
  const valid = credentials
    .map((c) => String(c.endDateTime))
    .filter((end) => Date.parse(end) > at.getTime())
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return valid[0] ?? null;
}

/** The applications stream, in tenant order, its credentials judged at `at`. */
export function truthApplications(tenant: Tenant, at: Date): Row[] {
  const present = new Set([...tenant.users, ...tenant.servicePrincipals].map((o) => o.id));
  return (tenant.applications ?? []).map((app) => {
    const credentials = credentialsOf(app);
    return {
      ...Object.fromEntries(APPLICATION_FIELDS.map((f) => [f, app[f] ?? null])),
      ownerIds: (tenant.applicationOwners?.get(app.id) ?? []).filter((id) => present.has(id)).sort(),
      credentials,
      nextCredentialExpiry: nextExpiry(credentials, at),
    };
  });
}

/** The oauth2_permission_grants stream: each grant with its client's and resource's appId and name. */
export function truthGrants(tenant: Tenant): Row[] {
  const sps = new Map(tenant.servicePrincipals.map((sp) => [sp.id, sp]));
  return (tenant.oauth2PermissionGrants ?? []).map((g) => {
    const client = sps.get(String(g.clientId));
    const resource = sps.get(String(g.resourceId));
    return {
      id: g.id,
      clientId: g.clientId ?? null,
      clientAppId: str(client?.appId),
      clientDisplayName: str(client?.displayName),
      consentType: g.consentType ?? null,
      principalId: g.principalId ?? null,
      resourceId: g.resourceId ?? null,
      resourceAppId: str(resource?.appId),
      resourceDisplayName: str(resource?.displayName),
      scope: g.scope ?? null,
      scopes: String(g.scope ?? '')
        .split(' ')
        .filter((s) => s.length > 0),
    };
  });
}

const SKU_FIELDS = [
  'skuId',
  'id',
  'skuPartNumber',
  'appliesTo',
  'capabilityStatus',
  'consumedUnits',
  'prepaidUnits',
  'servicePlans',
  'accountId',
  'accountName',
  'subscriptionIds',
] as const;

/** The subscribed_skus stream, with availableUnits = prepaidUnits.enabled - consumedUnits. */
export function truthSkus(tenant: Tenant): Row[] {
  return (tenant.subscribedSkus ?? []).map((sku) => ({
    ...Object.fromEntries(SKU_FIELDS.map((f) => [f, sku[f] ?? null])),
    availableUnits: (sku.prepaidUnits as { enabled: number }).enabled - Number(sku.consumedUnits),
  }));
}

/**
 * The directory_role_assignments stream: the assignments whose principal exists, each with its role definition (by id,
 * else by templateId) and its principal's kind and names (`principalNames` false: names not readable).
 */
export function truthRoleAssignments(tenant: Tenant, options: { principalNames?: boolean } = {}): Row[] {
  const names = options.principalNames ?? true;
  const principals = new Map<string, { type: string; object: GraphObject }>();
  for (const u of tenant.users) principals.set(u.id, { type: 'user', object: u });
  for (const g of tenant.groups) principals.set(g.id, { type: 'group', object: g });
  for (const sp of tenant.servicePrincipals) principals.set(sp.id, { type: 'servicePrincipal', object: sp });
  const definitions = tenant.roleDefinitions ?? [];
  return (tenant.roleAssignments ?? [])
    .filter((a) => principals.has(String(a.principalId)))
    .map((a) => {
      const role = definitions.find((d) => d.id === a.roleDefinitionId) ?? definitions.find((d) => d.templateId === a.roleDefinitionId);
      const principal = principals.get(String(a.principalId))!;
      return {
        id: a.id,
        roleDefinitionId: a.roleDefinitionId,
        roleDisplayName: str(role?.displayName),
        roleTemplateId: str(role?.templateId),
        roleIsBuiltIn: typeof role?.isBuiltIn === 'boolean' ? role.isBuiltIn : null,
        principalId: a.principalId,
        principalType: principal.type,
        principalDisplayName: names ? str(principal.object.displayName) : null,
        principalUserPrincipalName: names && principal.type === 'user' ? str(principal.object.userPrincipalName) : null,
        directoryScopeId: a.directoryScopeId ?? null,
        appScopeId: a.appScopeId ?? null,
      };
    });
}
