// The users stream (HR roster): GET /users (full refresh) or /users/delta (incremental) with an explicit $select, the manager, additional properties, roster filters and derived fields.
import type { Config } from '../config.js';
import type { UsersRecord } from '../generated/users.js';
import type { GraphClient } from '../graph/types.js';
import { encodeQuery } from '../graph/urls.js';
import type { Logger } from '../logger.js';
import { PROPERTY_PERMISSIONS, type UserProperty, userPropertySchema } from '../user-properties.js';
import { type DeltaState, parseDeltaState, readDelta } from './delta.js';
import { activeDate, emailAliases, isConcealed, keepUser, location, managerIdOf, type RosterFilter, userDomain } from './derive.js';
import type { SchemaOptions, StreamDef } from './types.js';

/**
 * Without $select, GET /users returns only 11 default properties
 * (https://learn.microsoft.com/graph/api/user-list#optional-query-parameters), so every field is named.
 */
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
  // Returned only with $select (https://learn.microsoft.com/graph/api/resources/user#properties): kept as Graph's
  // objects, {skuId, disabledPlans}, so a licence audit also sees the service plans switched off.
  'assignedLicenses',
] as const satisfies readonly (keyof UsersRecord)[];

type UserField = (typeof USER_FIELDS)[number];

/** A user as Graph returns it for our $select: any property may be missing or null; the manager comes expanded or as manager@delta. */
type GraphUser = Partial<Pick<UsersRecord, UserField | 'signInActivity'>> & {
  id: string;
  manager?: unknown;
  'manager@delta'?: unknown;
};

/** Graph's maximum page size for users, and the lower one when signInActivity is selected. */
const PAGE_SIZE = 999;
const PAGE_SIZE_WITH_SIGN_IN_ACTIVITY = 500;

/** What a users record carries besides the fixed fields: signInActivity, and the additional properties. */
export interface UserRecordOptions {
  signInActivity: boolean;
  extra: readonly UserProperty[];
}

/**
 * The value Graph sent for an additional property: a v1.0 property under its own name; a directory extension in its
 * registered spelling, which may differ in case from the configured one. Absent (Graph leaves out unset extensions) is null.
 */
function extraValue(user: GraphUser, property: UserProperty): unknown {
  const own = (user as Record<string, unknown>)[property.name];
  if (own !== undefined || property.type !== undefined) return own ?? null;
  const lower = property.name.toLowerCase();
  const key = Object.keys(user).find((k) => k.toLowerCase() === lower);
  return key === undefined ? null : ((user as Record<string, unknown>)[key] ?? null);
}

/**
 * A users record: the USER_FIELDS in their order (test/streams/derive.test.ts holds the two lists together), then the
 * derived fields. Written out as one object literal, not copied field by field in a loop: it runs for every user, and
 * a literal builds the record in one step with the shape every record shares.
 */
export function toUserRecord(user: GraphUser, options: UserRecordOptions): UsersRecord {
  const out: UsersRecord = {
    id: user.id ?? null,
    userPrincipalName: user.userPrincipalName ?? null,
    mail: user.mail ?? null,
    otherMails: user.otherMails ?? null,
    proxyAddresses: user.proxyAddresses ?? null,
    givenName: user.givenName ?? null,
    surname: user.surname ?? null,
    displayName: user.displayName ?? null,
    createdDateTime: user.createdDateTime ?? null,
    department: user.department ?? null,
    officeLocation: user.officeLocation ?? null,
    city: user.city ?? null,
    state: user.state ?? null,
    country: user.country ?? null,
    usageLocation: user.usageLocation ?? null,
    jobTitle: user.jobTitle ?? null,
    companyName: user.companyName ?? null,
    employeeId: user.employeeId ?? null,
    employeeHireDate: user.employeeHireDate ?? null,
    employeeType: user.employeeType ?? null,
    accountEnabled: user.accountEnabled ?? null,
    userType: user.userType ?? null,
    externalUserState: user.externalUserState ?? null,
    creationType: user.creationType ?? null,
    assignedLicenses: user.assignedLicenses ?? null,
    emailAliases: emailAliases(user.mail, user.proxyAddresses, user.otherMails),
    activeDate: activeDate(user.employeeHireDate, user.createdDateTime),
    location: location(user.officeLocation, user.city, user.state, user.country),
    domain: userDomain(user.mail, user.userPrincipalName),
    managerId: managerIdOf(user),
  };
  if (options.signInActivity) out.signInActivity = user.signInActivity ?? null;
  for (const property of options.extra) out[property.name] = extraValue(user, property);
  return out;
}

/** additional_user_properties without the fields every record already has. */
function extraProperties(config: Pick<Config, 'userProperties'>): UserProperty[] {
  const fixed = new Set<string>([...USER_FIELDS, 'signInActivity']);
  return config.userProperties.filter((p) => !fixed.has(p.name));
}

/** The users schema with a column per additional property (discover). */
function usersSchema(base: Record<string, unknown>, config: SchemaOptions): Record<string, unknown> {
  const extra = extraProperties(config);
  if (extra.length === 0) return base;
  const properties = { ...(base.properties as Record<string, unknown>) };
  for (const property of extra) properties[property.name] = userPropertySchema(property);
  return { ...base, properties, required: [...(base.required as string[]), ...extra.map((p) => p.name)] };
}

/**
 * The manager's id only ($select inside $expand: https://learn.microsoft.com/graph/api/user-list-manager). Microsoft's
 * known-issues list also says nested $select is not supported in $expand on directory objects: then the manager comes
 * whole, and only its id is kept either way.
 *
 * How managerId is read, measured with scripts/manager-cost.ts (this client, emulator with Graph's throttling model and
 * 30 ms a request; RU as the emulator charged them):
 * - $expand=manager on the list: Graph then serves at most 100 users a page whatever $top says (known issue 13635,
 *   https://developer.microsoft.com/graph/known-issues/?search=13635), at 2 RU a page ($expand +1).
 * - batched: the list at 999 a page, plus one GET /users/{id}?$select=id&$expand=manager($select=id) per user through
 *   $batch, 1 RU each (what a GET /users/{id}/manager costs too).
 *
 *   | users  | design  | requests | RU     | wall   | 429 |
 *   | 5,000  | expand  | 50       | 100    | 2.7 s  | 0   |
 *   | 5,000  | batched | 256      | 5,006  | 12.5 s | 0   |
 *   | 50,000 | expand  | 500      | 1,000  | 20.1 s | 0   |
 *   | 50,000 | batched | 2,551    | 50,051 | 172 s  | 0   |
 *
 * So the list expands the manager: 5x fewer requests, 50x fewer RU, 4-9x faster. With include_sign_in_activity the list
 * is bound by signInActivity's 10 requests a minute, and the cap of 100 would make it 5x longer (50,000 users: 500 pages,
 * about 50 minutes, against 100 pages of 500, about 10); measured at a 10x time scale, 5,000 users took 26 s expanded
 * and 10 s batched, 50,000 took 312 s and 78 s. There the managers of each page are read batched instead: 1 RU a user,
 * about 800 RU per 10 s beside the paced pages, well inside the 3,000 the client allows itself; and $expand is never
 * combined with signInActivity, which no Microsoft page documents.
 */
const MANAGER_EXPAND = 'manager($select=id)';

/**
 * The managers of `users` by id, read through $batch (20 a call): GET /users/{id}?$select=id&$expand=manager($select=id).
 * A user deleted since the page was read (404) gets no manager.
 */
async function managersOf(graph: GraphClient, users: readonly GraphUser[], log: Logger): Promise<Map<string, unknown>> {
  const requests = users.map((user) => ({
    key: user.id,
    path: `/users/${encodeURIComponent(user.id)}${encodeQuery({ $select: 'id', $expand: MANAGER_EXPAND })}`,
  }));
  const managers = new Map<string, unknown>();
  for await (const answer of graph.batchGet<{ manager?: unknown }>(requests)) {
    if (answer.error)
      log.debug(`users: ${answer.key} is gone (${answer.error.status ?? ''} ${answer.error.code ?? ''}); its manager is unknown.`);
    else managers.set(answer.key, answer.body.manager);
  }
  return managers;
}

/** The one WARN for concealed identities, shared with every stream that meets them. */
function warnConcealed(log: Logger, count: number, what: string): void {
  if (count === 0) return;
  log.warn(
    `Skipped ${count} ${what} whose display name or user principal name is a 32-character hex hash: Microsoft 365 is ` +
      'concealing identities, and a hash is not a person. To import them, turn concealment off in the Microsoft 365 admin ' +
      'center > Settings > Org settings > Services > Reports: clear "Display concealed user, group, and site names in all ' +
      'reports", then sync again.',
  );
}

/** The roster's client-side filters and concealment: the one rule both sync modes keep users by. */
function rosterKeeper(filter: RosterFilter) {
  let concealed = 0;
  return {
    keep(user: GraphUser): boolean {
      if (!keepUser(user, filter)) return false;
      if (isConcealed(user.displayName, user.userPrincipalName)) {
        concealed++;
        return false;
      }
      return true;
    },
    warn(log: Logger): void {
      warnConcealed(log, concealed, concealed === 1 ? 'user' : 'users');
    },
  };
}

export const users: StreamDef<UsersRecord, DeltaState> = {
  name: 'users',
  schemaName: 'users',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh', 'incremental'],
  // Graph's delta query gives no change time: the cursor is when the connector received each change (see delta.ts).
  cursorField: ['_ab_cdc_updated_at'],
  // User.Read.All also reads each user's manager (https://learn.microsoft.com/graph/api/user-list#permissions).
  permissions: [['User.Read.All']],
  // signInActivity is read from the sign-in logs (https://learn.microsoft.com/graph/api/resources/signinactivity);
  // a few user properties need a permission of their own (user-properties.ts).
  optionPermissions: (config) => [
    ...(config.include_sign_in_activity ? [['AuditLog.Read.All']] : []),
    ...extraProperties(config).flatMap((p) => PROPERTY_PERMISSIONS[p.name] ?? []),
  ],
  probes: [{ path: '/users', query: { $top: 1, $select: 'id' } }],
  // A name Graph does not know (e.g. an extension no app registered) shows in check, not only in the first sync.
  optionProbes: (config) => {
    const extra = extraProperties(config);
    return extra.length ? [{ path: '/users', query: { $top: 1, $select: ['id', ...extra.map((p) => p.name)].join(',') } }] : [];
  },
  optionProperties: (config) => {
    const extra = extraProperties(config);
    return extra.length ? { option: 'additional_user_properties', names: extra.map((p) => p.name) } : undefined;
  },
  schema: usersSchema,
  countedCollection: '/users',
  // A sign-in does not change the user object, so delta never reports it: the values would go stale.
  refuse: (config, syncMode) =>
    syncMode === 'incremental' && config.include_sign_in_activity
      ? "users cannot sync incrementally with include_sign_in_activity on: Microsoft Graph's delta query does not track sign-in activity, so it would go stale in the destination. Either set the users stream to full refresh, or turn include_sign_in_activity off."
      : undefined,
  // {} (what a full refresh leaves behind) parses to undefined, which read treats as a first sync.
  parseState: (raw, config) => parseDeltaState(raw, config, 'users', 'users') as DeltaState,
  async *read(context) {
    const { graph, config, log, syncMode } = context;
    const withSignInActivity = config.include_sign_in_activity;
    const filter: RosterFilter = { includeGuests: config.include_guests, domains: config.domains };
    // Every filter runs here, on the client, because no server-side $filter gives the same result:
    // - include_guests false must keep userType null (older accounts): `userType eq 'Member'` drops them,
    //   and `userType ne 'Guest'` is an advanced query (ConsistencyLevel: eventual + $count=true) whose
    //   eventually consistent index can lag behind the directory.
    // - domain_names matches mail OR the UPN's domain after its last @; endsWith() on both is an advanced
    //   query too, with the same lag, and a guest's #EXT# UPN would need its own clause.
    // https://learn.microsoft.com/graph/aad-advanced-queries
    // The roster is read once either way (one page per 999 users), so client filtering costs no requests.
    // /users/delta accepts $filter on id only (https://learn.microsoft.com/graph/api/user-delta).
    const roster = rosterKeeper(filter);
    const extra = extraProperties(config);
    const fields = [...USER_FIELDS, ...extra.map((p) => p.name)];
    if (syncMode === 'incremental') {
      // include_sign_in_activity never gets here: refuse turns it away when the catalog is read.
      // A user who stops matching include_guests / domain_names (or becomes concealed) is emitted as deleted.
      // The manager is tracked by the delta query itself ($select=manager, answered as manager@delta).
      const options: UserRecordOptions = { signInActivity: false, extra };
      yield* readDelta(
        context,
        {
          stream: 'users',
          resource: 'users',
          select: fields,
          relationships: ['manager'],
          filters: filter,
          settings: 'include_guests, domain_names or additional_user_properties',
          toRecord: (u: GraphUser) => (roster.keep(u) ? toUserRecord(u, options) : undefined),
        },
        toUserRecord({ id: '' }, options),
      );
      roster.warn(log);
      return;
    }
    // Full refresh keeps the plain list (a snapshot the destination overwrites), without the _ab_cdc columns.
    const options: UserRecordOptions = { signInActivity: withSignInActivity, extra };
    if (!withSignInActivity) {
      const query = { $select: fields.join(','), $expand: MANAGER_EXPAND, $top: PAGE_SIZE };
      // A page's records as one output (RecordBatch): no asynchronous step for each of up to millions of users.
      for await (const page of graph.pages<GraphUser>('/users', { query })) {
        const data: UsersRecord[] = [];
        for (const user of page.value) if (roster.keep(user)) data.push(toUserRecord(user, options));
        if (data.length > 0) yield { kind: 'records', data };
      }
    } else {
      // signInActivity: 500 users a page and 10 requests a minute (https://learn.microsoft.com/graph/api/resources/signinactivity),
      // paced by the Graph client. The managers of each page come batched meanwhile (see MANAGER_EXPAND).
      const query = { $select: [...fields, 'signInActivity'].join(','), $top: PAGE_SIZE_WITH_SIGN_IN_ACTIVITY };
      for await (const page of graph.pages<GraphUser>('/users', { query })) {
        const kept = page.value.filter((user) => roster.keep(user));
        const managers = await managersOf(graph, kept, log);
        if (kept.length > 0)
          yield { kind: 'records', data: kept.map((user) => toUserRecord({ ...user, manager: managers.get(user.id) }, options)) };
      }
    }
    roster.warn(log);
  },
};
