// The sign_ins stream: sign-ins read by the window engine in ascending createdDateTime windows, checkpointed after each window.
// v1.0 (interactive only): https://learn.microsoft.com/graph/api/signin-list ; other event types: https://learn.microsoft.com/graph/api/signin-list?view=graph-rest-beta
import type { Config } from '../../config.js';
import type { SignInsRecord } from '../../generated/sign-ins.js';
import { joinNonEmpty } from '../derive.js';
import type { Probe, StreamDef } from '../types.js';
import { readFrom, readWindowed, type WindowedLog } from '../windows/reader.js';
import { parseSignInsState, SIGN_IN_EVENT_TYPES, type SignInEventType, type SignInsState, stateCursor } from './state.js';

/** A signIn as Graph returns it: the record without the derived loginLocation. */
type GraphSignIn = SignInsRecord;

/**
 * The largest page Graph serves for sign-ins, in v1.0 (https://learn.microsoft.com/graph/api/signin-list#optional-query-parameters)
 * and in beta (https://learn.microsoft.com/graph/api/signin-list?view=graph-rest-beta#optional-query-parameters).
 */
const PAGE_SIZE = 1000;

/** Graph keeps sign-in logs for 30 days with Entra ID P1/P2, which sign-in logs need anyway (https://learn.microsoft.com/entra/identity/monitoring-health/reference-reports-data-retention). */
const RETENTION_DAYS = 30;

/** What v1.0 returns, and the default selection: interactive user sign-ins. */
const INTERACTIVE: readonly SignInEventType[] = ['interactiveUser'];

/** "Login Location" as the SaaS-management integration this connector reproduces lists it: "city, state, country", from the non-empty parts. */
export const loginLocation = (signIn: GraphSignIn): string | null =>
  joinNonEmpty([signIn.location?.city, signIn.location?.state, signIn.location?.countryOrRegion]);

/** sign_in_event_types in Graph's order (so that a selection in another order is the same selection). */
export function selectedEventTypes(config: Pick<Config, 'sign_in_event_types'>): SignInEventType[] {
  const chosen: readonly string[] = config.sign_in_event_types ?? INTERACTIVE;
  return SIGN_IN_EVENT_TYPES.filter((type) => chosen.includes(type));
}

/** Only interactive user sign-ins: v1.0 serves them; anything more is beta only (v1.0's signIn has no signInEventTypes). */
const onlyInteractive = (types: readonly SignInEventType[]) => types.length === 1 && types[0] === 'interactiveUser';

/**
 * Microsoft's filter on the event types (https://learn.microsoft.com/entra/identity/monitoring-health/concept-all-sign-ins,
 * "Return log data with Microsoft Graph"): one lambda, the types OR-ed inside it. Beta without it returns interactive sign-ins only.
 */
export const eventTypesFilter = (types: readonly SignInEventType[]): string =>
  `signInEventTypes/any(t: ${types.map((type) => `t eq '${type}'`).join(' or ')})`;

/**
 * The window engine's view of sign_ins. Interactive sign-ins alone are read from v1.0, as always. With any other type
 * selected, every selected type (interactiveUser included) is read through one beta query per window: one request per
 * 1,000 sign-ins of any type, where reading interactiveUser from v1.0 beside it would cost a second request per window and
 * two newest-first streams the walker could not split; the beta caveat applies once the user opts in to beta anyway.
 */
function signInLog(types: readonly SignInEventType[]): WindowedLog<GraphSignIn, SignInsRecord> {
  const beta = !onlyInteractive(types);
  return {
    stream: 'sign_ins',
    cursor: 'createdDateTime',
    noun: 'sign-ins',
    logs: 'sign-in logs',
    retentionDays: RETENTION_DAYS,
    request: (filter) =>
      beta
        ? { path: '/auditLogs/signIns', version: 'beta', query: { $filter: `${filter} and ${eventTypesFilter(types)}`, $top: PAGE_SIZE } }
        : { path: '/auditLogs/signIns', query: { $filter: filter, $top: PAGE_SIZE } },
    // v1.0 returns interactive user sign-ins only, and its signIn has no signInEventTypes: the connector writes it.
    // The fields are set on Graph's object itself, which the engine hands over once and never reads again: the same keys
    // in the same order as a copy with them added (a key Graph sent keeps its place), without copying every sign-in.
    record: (signIn) => {
      if (!beta) signIn.signInEventTypes = signIn.signInEventTypes ?? [...INTERACTIVE];
      signIn.loginLocation = loginLocation(signIn);
      return signIn;
    },
  };
}

const listing = (types: readonly string[]) => types.join(', ');

export const signIns: StreamDef<SignInsRecord, SignInsState> = {
  name: 'sign_ins',
  schemaName: 'sign_ins',
  primaryKey: [['id']],
  supportedSyncModes: ['full_refresh', 'incremental'],
  cursorField: ['createdDateTime'],
  // The sign-in list's permissions table names AuditLog.Read.All alone as least privileged; a known-issue note on the same
  // page says Directory.Read.All is needed too (https://learn.microsoft.com/graph/api/signin-list#permissions). Only the
  // first is required: the second is advice, so an app granted AuditLog.Read.All alone is tried, and a 403 then names the fix.
  // Beta's page lists the same permissions.
  permissions: [['AuditLog.Read.All']],
  advisedPermissions: {
    requirement: [['Directory.Read.All']],
    reason:
      "Microsoft's sign-in list page notes a known issue that requires Directory.Read.All next to AuditLog.Read.All (https://learn.microsoft.com/graph/api/signin-list#permissions)",
  },
  // The page's national-cloud table lists v1.0 GET /auditLogs/signIns in the global cloud only, and China
  // tenants get "Resource not found for the segment 'signIns'" (https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/3189).
  availability: { clouds: ['global'], data: 'sign-in logs', page: 'https://learn.microsoft.com/graph/api/signin-list' },
  // signIns documents only $top, $skiptoken and $filter (https://learn.microsoft.com/graph/api/signin-list#optional-query-parameters): no $select.
  probes: [{ path: '/auditLogs/signIns', query: { $top: 1 }, bucket: 'reports' }],
  // Other event types come from beta: check asks beta too, with the filter a sync sends (Microsoft's own example filters on the types alone).
  optionProbes: (config): Probe[] => {
    const types = selectedEventTypes(config);
    return onlyInteractive(types)
      ? []
      : [{ path: '/auditLogs/signIns', version: 'beta', query: { $filter: eventTypesFilter(types), $top: 1 }, bucket: 'reports' }];
  },
  parseState: (raw) => parseSignInsState(raw),

  async *read(context) {
    const { config, log, state } = context;
    const types = selectedEventTypes(config);
    const covered = state?.signInEventTypes ?? INTERACTIVE;
    let cursor = stateCursor(state);
    if (cursor !== undefined) {
      const added = types.filter((type) => !covered.includes(type));
      const dropped = covered.filter((type) => !types.includes(type));
      if (added.length > 0) {
        // The saved cursor says nothing about the added types: continuing from it would skip their older sign-ins.
        log.warn(
          `sign_ins: sign_in_event_types adds ${listing(added)} to the ${listing(covered)} sign-ins the saved state covers; reading again from ${config.start_date ? 'start_date' : 'the retention limit'} instead of from the saved cursor ${state!.createdDateTime}, so that no ${listing(added)} sign-in before it is skipped. Sign-ins read again are de-duplicated by id.`,
        );
        cursor = undefined;
      } else if (dropped.length > 0) {
        log.warn(
          `sign_ins: sign_in_event_types no longer includes ${listing(dropped)}; from the saved cursor on, only ${listing(types)} sign-ins are read.`,
        );
      }
    }
    if (!onlyInteractive(types)) {
      log.info(
        `sign_ins: reading the sign-in event types ${listing(types)} through Microsoft Graph beta (GET /beta/auditLogs/signIns), which Microsoft does not support for production use.`,
      );
    }
    yield* readWindowed(signInLog(types), {
      ...readFrom(context, cursor),
      // The default selection writes the state it always wrote; another records its types, so that a change is noticed.
      checkpoint: (position) =>
        onlyInteractive(types) ? { createdDateTime: position } : { createdDateTime: position, signInEventTypes: types },
    });
  },
};
