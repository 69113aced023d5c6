// The emulator's contract: the synthetic tenant's data model, its options, and the running server's API.
// Objects are stored in Graph's own shape (camelCase v1.0 properties), so the server can serve them as they are.

/** A Graph v1.0 object as JSON: every property the real service could return for it. */
export type GraphObject = Record<string, unknown> & { id: string };

export interface TenantSizes {
  users: number;
  /** Fraction of users that are guests (#EXT# UPNs). Default 0.05. */
  guestFraction?: number;
  servicePrincipals: number;
  /** Fraction of service principals owned by Microsoft's first-party tenant (most have no assignments). Default 0.6. */
  firstPartyFraction?: number;
  groups: number;
  /** Sizes of a few big groups (direct members), e.g. [1500, 6000]; the rest are small. */
  bigGroupSizes?: number[];
  /** Target number of app role assignments in total (users, groups, service principals). */
  assignments: number;
  /** Fraction of assignments whose principal is a group. Default 0.25. */
  groupAssignmentFraction?: number;
  /** Sign-ins inside the retention window (the last `retentionDays`). */
  signIns: number;
  /** Extra sign-ins older than retention, which Graph no longer serves. Default 20. */
  signInsBeyondRetention?: number;
  /**
   * Extra sign-ins packed into `minutes`, ending `hoursAgo` before now (a sign-in storm the window planner
   * cannot foresee, so sign_ins must split its window). Default: none (count 0).
   */
  signInBurst?: { count: number; minutes: number; hoursAgo: number };
  /** Days the tenant keeps sign-in logs (30 with P1/P2). */
  retentionDays?: number;
  /**
   * Nine groups of every other kind besides `groups` (distribution, mail-enabled security, dynamic security and Microsoft 365,
   * hidden membership, synchronized from on-premises, role-assignable, service principals as members, classified and
   * expiring), never assigned to an app. Default true; false leaves exactly `groups` groups.
   */
  groupKinds?: boolean;
  /**
   * App registrations without a service principal in the tenant, besides one registration per tenant-owned service
   * principal (tenant-applications.ts). Default 4.
   */
  extraApplications?: number;
  /** Delegated permission grants (oauth2PermissionGrants), AllPrincipals and Principal. Default 30. */
  delegatedGrants?: number;
  /** Directory role assignments, beyond the fixed cases of tenant-roles.ts (each kind of principal, scoped ones, the custom role). Default 6. */
  extraRoleAssignments?: number;
  /**
   * Sign-ins beyond the interactive ones, per beta event type, inside retention (served by /beta/auditLogs/signIns only;
   * drawn from their own seeded section). Default: a few of each.
   */
  signInEvents?: { nonInteractiveUser: number; servicePrincipal: number; managedIdentity: number };
  /** Directory audit events inside the 30-day retention (P1/P2; a tenant without a licence is served the last 7 days). */
  directoryAudits?: number;
  /** Extra audit events older than 30 days, which Graph no longer serves. Default 10. */
  directoryAuditsBeyondRetention?: number;
}

export interface Tenant {
  /** The tenant id (GUID). */
  tenantId: string;
  /** The verified default domain, e.g. contoso.example */
  defaultDomain: string;
  organization: GraphObject;
  users: GraphObject[];
  servicePrincipals: GraphObject[];
  groups: GraphObject[];
  /** groupId -> direct member ids (users, groups, devices, service principals, contacts), in a stable order. */
  groupMembers: Map<string, string[]>;
  devices: GraphObject[];
  contacts: GraphObject[];
  /** servicePrincipalId (the resource) -> its appRoleAssignedTo entries (principalType User, Group, ServicePrincipal). */
  assignments: Map<string, GraphObject[]>;
  /** All sign-ins, newest first, including those beyond retention. */
  signIns: GraphObject[];
  /** The generator's "now": sign-ins and retention are relative to it (defaults to real now at generation). */
  now: Date;
  retentionDays: number;
  // Optional additions (test/emulator/tenant.ts and mutations.ts fill them; absent means "none").
  /** Objects the generator placed for tests to find (group expansion cases, big groups). */
  landmarks?: TenantLandmarks;
  /** The directory change log, oldest first, appended by applyMutations (mutations.ts); delta queries read it. */
  changeLog?: DirectoryChange[];
  /** Soft-deleted users, service principals, groups and applications by id (restorable; gone from the lists meanwhile). */
  deletedItems?: Map<string, DeletedItem>;
  /** App registrations (tenant-applications.ts). */
  applications?: GraphObject[];
  /** applicationId -> its owners' ids (users and service principals), in the order Graph lists them. */
  applicationOwners?: Map<string, string[]>;
  /** Delegated permission grants (tenant-consents.ts). */
  oauth2PermissionGrants?: GraphObject[];
  /** Licences bought (tenant-licences.ts). */
  subscribedSkus?: GraphObject[];
  /** Directory role definitions, built-in and custom, and the active role assignments (tenant-roles.ts). */
  roleDefinitions?: GraphObject[];
  roleAssignments?: GraphObject[];
  /** Non-interactive, service-principal and managed-identity sign-ins (beta only), newest first, each with signInEventTypes. */
  signInEvents?: GraphObject[];
  /** Directory audit events, newest first, including those beyond retention. */
  directoryAudits?: GraphObject[];
  /** userId -> the id of the user's manager (the user's `manager` relationship); absent: no manager. */
  managers?: Map<string, string>;
  /** Directory extension properties registered for users (served only when $select names them, as Graph does). */
  directoryExtensions?: DirectoryExtension[];
}

/** A directory extension property of an application, on users: https://learn.microsoft.com/graph/api/resources/extensionproperty */
export interface DirectoryExtension {
  /** extension_<appId without hyphens>_<name>, as Graph names it. */
  name: string;
  dataType: 'String' | 'Integer' | 'Boolean' | 'DateTime';
  isMultiValued: boolean;
  /** The application (client) id that owns it. */
  appId: string;
}

/** Ids of the generator's deliberate cases (undefined when the tenant is too small to hold them). */
export interface TenantLandmarks {
  /** Groups sized by sizes.bigGroupSizes, in that order. */
  bigGroups: string[];
  /** Two groups that both contain `twinUser`; the user and both groups are assigned to the same app (`twinApp`). */
  twinGroups: string[];
  twinUser?: string;
  twinApp?: string;
  /** A group whose direct members include the nested group `childGroup`, a device, a service principal and a contact. */
  parentGroup?: string;
  childGroup?: string;
  /** A group with no members (assigned to an app: it yields no roster rows). */
  emptyGroup?: string;
  /** A Microsoft 365 group with hidden membership (tenant-group-kinds.ts): its members need Member.Read.Hidden. */
  hiddenGroup?: string;
}

/** A soft-deleted object and what restoring it brings back (Graph restores memberships and app role assignments). */
export interface DeletedItem {
  resource: 'users' | 'servicePrincipals' | 'groups' | 'applications';
  /** The object as it was before deletion (restored as is). */
  object: GraphObject;
  deletedDateTime: string;
  /** Groups it was a direct member of. */
  groupIds: string[];
  /** Assignments it held as a principal (user or service principal), with their resource. */
  assignments: GraphObject[];
  /** For a service principal: the assignments made to it as a resource (its appRoleAssignedTo). */
  assignedTo: GraphObject[];
  /** For a group: its own direct members (restored with it). */
  members?: string[];
}

/** The config options that change what a stream must yield. */
export interface TruthOptions {
  includeGuests?: boolean;
  domains?: string[];
  /** additional_user_properties as configured (property names in any case; extensions as spelled). */
  additionalProperties?: string[];
}

/** Faults the server can inject, each on a path pattern (a RegExp source matched against the request path + query). */
export type Fault =
  /**
   * An error answer; `code` replaces the status's usual Graph code (4xx let tests refuse e.g. a saved delta link, find an
   * object gone, or refuse one group's members with 403 Authorization_RequestDenied).
   */
  | {
      kind: 'status';
      status: 400 | 403 | 404 | 410 | 500 | 502 | 503 | 504;
      code?: string;
      times: number;
      path?: string;
      retryAfterSeconds?: number;
    }
  | { kind: 'throttle'; times: number; path?: string; retryAfterSeconds?: number }
  | { kind: 'reset'; times: number; path?: string }
  | { kind: 'truncate'; times: number; path?: string }
  /** Sends half the body, waits stallMs, sends the rest; with beforeHeaders, waits stallMs before answering at all (a slow server). */
  | { kind: 'stall'; times: number; path?: string; stallMs: number; beforeHeaders?: boolean }
  | { kind: 'loop'; path?: string }
  | { kind: 'delete-before-fanout'; servicePrincipalIds?: string[]; groupIds?: string[] };

export interface EmulatorOptions {
  seed?: number;
  sizes?: Partial<TenantSizes>;
  /** Application permissions with admin consent (the token's roles claim). Default: all the connector uses. */
  permissions?: string[];
  /** Tenant has Entra ID P1/P2 (sign-in logs, signInActivity). Default true. */
  premium?: boolean;
  /** Access-token lifetime in seconds (default 3599), so expiry mid-sync can be tested. */
  tokenLifetimeSeconds?: number;
  /** Latency added to each request (ms) and per record served (ms). */
  latencyMs?: number;
  latencyPerRecordMs?: number;
  /** Throttling model on/off and a time scale (10 = Graph's windows are 10x shorter). */
  throttling?: { enabled: boolean; timeScale?: number; ruPer10s?: number; reportsPer10s?: number };
  faults?: Fault[];
  port?: number;
}

export interface EmulatorMetrics {
  /** Requests per endpoint label, e.g. 'GET /users', 'POST /$batch', 'batch GET /servicePrincipals/{id}/appRoleAssignedTo'. */
  requests: Record<string, number>;
  totalRequests: number;
  /** 429 answers sent (whole requests and batch items). */
  throttled: number;
  resourceUnits: number;
  tokensIssued: number;
  /** True if the client secret ever reached a Graph (non-token) endpoint in a header, URL or body. */
  secretSeenByGraph: boolean;
  /** Requests received per remote (client) port, every request counted (faults included). */
  remotePorts: Record<string, number>;
  /** The most HTTP requests (token requests included; a $batch counts once) the emulator was handling at once since the last reset. */
  peakInFlight: number;
  /** The last request to the token endpoint since the last reset (answered or refused), so tests can check host, scope and credential. */
  lastTokenRequest?: TokenRequestRecord;
  /** Lower bound on a full sync's wall time (ms) per stream under the current model. */
  floorMs: Record<string, number>;
}

/** What the token endpoint was asked, as it arrived. */
export interface TokenRequestRecord {
  /** The Host header (the emulator stands in for any cloud's login host through AZURE_AUTHORITY_HOST). */
  host: string;
  /** The {tenant} path segment. */
  tenant: string;
  /** The scope form field, e.g. https://graph.microsoft.us/.default. */
  scope: string | null;
  /** How the client authenticated. */
  clientAuth: 'client_secret' | 'client_assertion' | 'none';
  /** The client assertion's JOSE header fields that matter (alg, x5t#S256, whether x5c was sent). */
  assertion?: { alg: unknown; x5tS256: unknown; x5c: boolean };
}

/** The credentials the emulator accepts. */
export interface EmulatorCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** One entry of the directory change log that delta queries read (appended by mutations). */
export interface DirectoryChange {
  /** Monotonic sequence number; a delta token remembers the last one it has seen. */
  seq: number;
  resource: 'users' | 'servicePrincipals' | 'groups' | 'applications';
  id: string;
  /** 'updated' (created, changed or restored: serve the full current object), or a removal reason. */
  kind: 'updated' | 'changed' | 'deleted';
  /** For 'updated': how the object came to change (absent in logs written before it existed: treated as 'modified'). */
  how?: 'created' | 'modified' | 'restored';
  /**
   * For a 'modified' change: the properties whose value changed (what a minimal delta entry carries besides id). A
   * group's membership change names `members`: a delta whose $select leaves `members` out does not report it.
   */
  properties?: string[];
  /** For a group's membership change: the members added and removed (what members@delta reports when `members` is selected). */
  membersAdded?: string[];
  membersRemoved?: string[];
  /** For a manager change ('manager' in properties): the manager before it, null when there was none. */
  previousManager?: string | null;
}
