// The user's manager relationship as Graph serves it: $expand=manager on users (list and single user) and manager@delta in users delta.
// https://learn.microsoft.com/graph/api/user-list-manager ; https://learn.microsoft.com/graph/delta-query-overview (relationships as <name>@delta)
import { project, projection } from './project.js';
import { graphError, type Reply } from './reply.js';
import type { EmulatorState } from './state.js';
import type { DirectoryChange } from './types.js';

const USER_TYPE = '#microsoft.graph.user';

/** What $expand asked for: the manager, with its own $select (undefined: the default properties). */
export interface ManagerExpansion {
  select?: string[];
}

/**
 * Reads $expand on users: `manager` or `manager($select=a,b)`; undefined when absent. Anything else is a 400: the
 * emulator implements the one relationship the connector expands (Graph has more).
 */
export function readManagerExpand(params: URLSearchParams): ManagerExpansion | Reply | undefined {
  const raw = params.get('$expand');
  if (raw === null) return undefined;
  const match = /^\s*manager\s*(?:\(\s*\$select\s*=\s*([^()]*)\))?\s*$/i.exec(raw);
  if (!match) return graphError(400, 'Request_UnsupportedQuery', `The emulator supports only $expand=manager on users (got '${raw}').`);
  const select = match[1]
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return select?.length ? { select } : {};
}

/** The expanded manager of `userId` (with @odata.type, as Graph gives directoryObjects), or undefined when there is none. */
export function expandedManager(state: EmulatorState, userId: string, expansion: ManagerExpansion): Record<string, unknown> | undefined {
  const managerId = state.tenant.managers?.get(userId);
  const entry = managerId === undefined ? undefined : state.directory.byId.get(managerId);
  if (!entry) return undefined;
  return project(entry.object, projection('user', state.expandIgnoresNestedSelect ? undefined : expansion.select), USER_TYPE);
}

/** The user's record with `manager` added when it has one: a user without a manager has no `manager` in the answer. */
export function withManager(
  state: EmulatorState,
  userId: string,
  record: Record<string, unknown>,
  expansion: ManagerExpansion | undefined,
): Record<string, unknown> {
  if (!expansion) return record;
  const manager = expandedManager(state, userId, expansion);
  return manager ? { ...record, manager } : record;
}

export const selectsManager = (select: readonly string[] | undefined): boolean => (select ?? []).some((s) => s.toLowerCase() === 'manager');

/**
 * The manager@delta annotation of a user in a delta answer, or undefined when the entry carries none.
 * - round from scratch: the current manager, if any;
 * - changes round: the current manager (every selected relationship, unless `minimal`, where only a changed one or a
 *   whole (created, restored) object carries it); a manager removed in the window comes back as the last one the client
 *   saw with `@removed`, as relationships are removed in delta answers.
 */
export function managerDelta(
  state: EmulatorState,
  userId: string,
  round: { changes?: DirectoryChange[]; minimal?: boolean; whole?: boolean },
): Record<string, unknown>[] | undefined {
  const current = state.tenant.managers?.get(userId);
  const changed = round.changes?.filter((c) => c.properties?.includes('manager')) ?? [];
  if (round.changes && round.minimal && !round.whole && changed.length === 0) return undefined;
  if (current !== undefined) return [{ '@odata.type': USER_TYPE, id: current }];
  const seen = changed[0]?.previousManager;
  return seen ? [{ '@odata.type': USER_TYPE, id: seen, '@removed': { reason: 'deleted' } }] : undefined;
}
