// The users stream (HR roster): GET /users (full refresh) or /users/delta (incremental) with an explicit $select, roster filters and derived fields.
import type { UsersRecord } from '../generated/users.js';
import type { Logger } from '../logger.js';
import { type DeltaState, parseDeltaState, readDelta } from './delta.js';
import { activeDate, emailAliases, isConcealed, keepUser, location, type RosterFilter, userDomain } from './derive.js';
import type { StreamDef } from './types.js';

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
] as const satisfies readonly (keyof UsersRecord)[];

type UserField = (typeof USER_FIELDS)[number];

/** A user as Graph returns it for our $select: any property may be missing or null. */
type GraphUser = Partial<Pick<UsersRecord, UserField | 'signInActivity'>> & { id: string };

/** Graph's maximum page size for users, and the lower one when signInActivity is selected. */
const PAGE_SIZE = 999;
const PAGE_SIZE_WITH_SIGN_IN_ACTIVITY = 500;

export function toUserRecord(user: GraphUser, withSignInActivity: boolean): UsersRecord {
  const record = {} as Record<UserField, unknown>;
  for (const field of USER_FIELDS) record[field] = user[field] ?? null;
  const out = record as unknown as UsersRecord;
  out.emailAliases = emailAliases(user.mail, user.proxyAddresses, user.otherMails);
  out.activeDate = activeDate(user.employeeHireDate, user.createdDateTime);
  out.location = location(user.officeLocation, user.city, user.state, user.country);
  out.domain = userDomain(user.mail, user.userPrincipalName);
  if (withSignInActivity) out.signInActivity = user.signInActivity ?? null;
  return out;
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
  permissions: [['User.Read.All']],
  // signInActivity is read from the sign-in logs (https://learn.microsoft.com/graph/api/resources/signinactivity).
  optionPermissions: (config) => (config.include_sign_in_activity ? [['AuditLog.Read.All']] : []),
  probes: [{ path: '/users', query: { $top: 1, $select: 'id' } }],
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
    if (syncMode === 'incremental') {
      // include_sign_in_activity never gets here: refuse turns it away when the catalog is read.
      // A user who stops matching include_guests / domain_names (or becomes concealed) is emitted as deleted.
      yield* readDelta(
        context,
        {
          stream: 'users',
          resource: 'users',
          select: USER_FIELDS,
          filters: filter,
          toRecord: (u: GraphUser) => (roster.keep(u) ? toUserRecord(u, false) : undefined),
        },
        toUserRecord({ id: '' }, false),
      );
      roster.warn(log);
      return;
    }
    // Full refresh keeps the plain list (a snapshot the destination overwrites), without the _ab_cdc columns.
    const select = withSignInActivity ? [...USER_FIELDS, 'signInActivity'] : [...USER_FIELDS];
    // signInActivity lowers the page size to 500 and has its own limit of 10 requests per minute
    // (https://learn.microsoft.com/graph/api/resources/signinactivity); the Graph client waits out the
    // 429s it answers with (Retry-After), so the stream does not pace itself.
    const query = { $select: select.join(','), $top: withSignInActivity ? PAGE_SIZE_WITH_SIGN_IN_ACTIVITY : PAGE_SIZE };
    for await (const user of graph.list<GraphUser>('/users', { query })) {
      if (roster.keep(user)) yield { kind: 'record', data: toUserRecord(user, withSignInActivity) };
    }
    roster.warn(log);
  },
};
