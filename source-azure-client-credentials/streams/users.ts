// The users stream (HR roster): GET /users with an explicit $select, roster filters and derived fields.
import type { UsersRecord } from '../generated/users.js';
import type { Logger } from '../logger.js';
import { activeDate, emailAliases, isConcealed, keepUser, location, userDomain, type RosterFilter } from './derive.js';
import type { StreamDef } from './types.js';

/**
 * Without $select, GET /users returns only 11 default properties
 * (https://learn.microsoft.com/graph/api/user-list#optional-query-parameters), so every field is named.
 */
export const USER_FIELDS = [
  'id', 'userPrincipalName', 'mail', 'otherMails', 'proxyAddresses', 'givenName', 'surname', 'displayName',
  'createdDateTime', 'department', 'officeLocation', 'city', 'state', 'country', 'usageLocation', 'jobTitle',
  'companyName', 'employeeId', 'employeeHireDate', 'employeeType', 'accountEnabled', 'userType',
  'externalUserState', 'creationType',
] as const satisfies readonly (keyof UsersRecord)[];

type UserField = (typeof USER_FIELDS)[number];

/** A user as Graph returns it for our $select: any property may be missing or null. */
export type GraphUser = Partial<Pick<UsersRecord, UserField | 'signInActivity'>> & { id: string };

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
export function warnConcealed(log: Logger, count: number, what: string): void {
  if (count === 0) return;
  log.warn(
    `Skipped ${count} ${what} whose display name or user principal name is a 32-character hex hash: Microsoft 365 is ` +
      'concealing identities, and a hash is not a person. To import them, turn concealment off in the Microsoft 365 admin ' +
      'center > Settings > Org settings > Services > Reports: clear "Display concealed user, group, and site names in all ' +
      'reports", then sync again.',
  );
}

export const users: StreamDef<UsersRecord> = {
  name: 'users',
  schemaName: 'users',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh'],
  permissions: [['User.Read.All']],
  probe: { path: '/users', query: { $top: 1, $select: 'id' } },
  async *read({ graph, config, log }) {
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
    const select = withSignInActivity ? [...USER_FIELDS, 'signInActivity'] : [...USER_FIELDS];
    // signInActivity lowers the page size to 500 and has its own limit of 10 requests per minute
    // (https://learn.microsoft.com/graph/api/resources/signinactivity); the Graph client waits out the
    // 429s it answers with (Retry-After), so the stream does not pace itself.
    const query = { $select: select.join(','), $top: withSignInActivity ? PAGE_SIZE_WITH_SIGN_IN_ACTIVITY : PAGE_SIZE };
    let concealed = 0;
    for await (const user of graph.list<GraphUser>('/users', { query })) {
      if (!keepUser(user, filter)) continue;
      if (isConcealed(user.displayName, user.userPrincipalName)) {
        concealed++;
        continue;
      }
      yield { kind: 'record', data: toUserRecord(user, withSignInActivity) };
    }
    warnConcealed(log, concealed, concealed === 1 ? 'user' : 'users');
  },
};
