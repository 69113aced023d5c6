// The $filter subset the emulator understands: users by userType, sign-ins by createdDateTime ranges (beta: and event types), audits by activityDateTime ranges.
import { instantKey } from './directory.js';
import { graphError, type Reply } from './reply.js';
import type { GraphObject } from './types.js';

const unsupported = () =>
  graphError(400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified for property or resource.');

/**
 * users: `userType eq 'X'` and `userType in ('A','B')` (no advanced query needed).
 * https://learn.microsoft.com/graph/aad-advanced-queries#user-properties
 * Returns the predicate and a normalized key (for caching the filtered list).
 */
export function parseUserFilter(filter: string): { key: string; test: (user: GraphObject) => boolean } | Reply {
  const text = filter.trim();
  const literal = (s: string) => /^'((?:[^']|'')*)'$/.exec(s.trim())?.[1]?.replace(/''/g, "'");
  const eq = /^userType\s+eq\s+('(?:[^']|'')*')$/i.exec(text);
  const inList = /^userType\s+in\s+\(([^)]*)\)$/i.exec(text);
  let values: string[] | undefined;
  if (eq) values = [literal(eq[1]!)!];
  else if (inList) {
    const items = inList[1]!.split(',').map(literal);
    if (items.some((v) => v === undefined)) return unsupported();
    values = items as string[];
  }
  if (!values) return unsupported();
  // Graph compares enumeration-like strings case-insensitively.
  const wanted = new Set(values.map((v) => v.toLowerCase()));
  return {
    key: `userType:${[...wanted].sort().join('|')}`,
    test: (user) => typeof user.userType === 'string' && wanted.has(user.userType.toLowerCase()),
  };
}

/** A closed/open range of instant keys; undefined bounds are open. */
export interface InstantRange {
  ge?: string;
  gt?: string;
  le?: string;
  lt?: string;
}

const invalidClause = () => graphError(400, 'BadRequest', 'Invalid filter clause');

/** Narrows `range` by one `<op> <key>` bound; several clauses on one side narrow it further. */
function tighten(range: InstantRange, op: string, key: string): void {
  const max = (a: string, b: string) => (a > b ? a : b);
  const min = (a: string, b: string) => (a < b ? a : b);
  const bound = (side: keyof InstantRange, pick: (a: string, b: string) => string) => {
    range[side] = range[side] === undefined ? key : pick(range[side]!, key);
  };
  if (op === 'eq') {
    bound('ge', max);
    bound('le', min);
  } else if (op === 'ge' || op === 'gt') bound(op, max);
  else bound(op as 'le' | 'lt', min);
}

/**
 * One `<property> <op> <unquoted ISO-8601>` clause (in parentheses or not) applied to `range`. Undefined when the clause
 * is about something else; else 'ok', or 400 "Invalid filter clause" for an operator not in `operators`, a quoted or
 * unparsable literal, or one older than `oldestKey` (when given: the reports service refuses dates beyond retention).
 */
function instantClause(
  range: InstantRange,
  clause: string,
  property: string,
  operators: readonly string[],
  oldestKey: string | undefined,
): Reply | 'ok' | undefined {
  const m = new RegExp(`^\\(?\\s*${property}\\s+(eq|ge|le|gt|lt)\\s+(\\S+?)\\s*\\)?$`, 'i').exec(clause.trim());
  if (!m) return undefined;
  const op = m[1]!.toLowerCase();
  const literal = m[2]!;
  if (!operators.includes(op) || /^['"]/.test(literal)) return invalidClause();
  const key = instantKey(literal);
  if (!key || (oldestKey !== undefined && key < oldestKey)) return invalidClause();
  tighten(range, op, key);
  return 'ok';
}

/**
 * signIns (v1.0): `createdDateTime <eq|ge|le|gt|lt> <unquoted ISO-8601>` clauses joined by `and`.
 * A quoted literal, an unparsable one, or one older than retention is 400 "Invalid filter clause"
 * (https://learn.microsoft.com/graph/api/signin-list); other properties or operators are unsupported here.
 */
export function parseSignInFilter(filter: string, retentionStartKey: string): InstantRange | Reply {
  const range: InstantRange = {};
  for (const clause of filter.trim().split(/\s+and\s+/i)) {
    const applied = instantClause(range, clause, 'createdDateTime', ['eq', 'ge', 'le', 'gt', 'lt'], retentionStartKey);
    if (applied === undefined) return unsupported();
    if (applied !== 'ok') return applied;
  }
  return range;
}

/**
 * directoryAudits: `activityDateTime <eq|ge|le> <unquoted ISO-8601>` clauses joined by `and`, the operators the resource
 * page documents (https://learn.microsoft.com/graph/api/resources/directoryaudit#properties). A literal older than the
 * tenant keeps is refused like signIns' (`oldestKey`), or accepted when `oldestKey` is undefined (the other documented
 * possibility: Graph serves what it still has). Other documented filters are not implemented: 400 Request_UnsupportedQuery.
 */
export function parseAuditFilter(filter: string, oldestKey: string | undefined): InstantRange | Reply {
  const range: InstantRange = {};
  for (const clause of filter.trim().split(/\s+and\s+/i)) {
    const applied = instantClause(range, clause, 'activityDateTime', ['eq', 'ge', 'le'], oldestKey);
    if (applied === undefined) return unsupported();
    if (applied !== 'ok') return applied;
  }
  return range;
}

/** The event types of beta's signInEventTypes (https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta). */
export const SIGN_IN_EVENT_TYPES = ['interactiveUser', 'nonInteractiveUser', 'servicePrincipal', 'managedIdentity'] as const;

/** A filter's clauses joined by `and` outside parentheses and quotes; undefined when its parentheses do not balance. */
function topLevelClauses(filter: string): string[] | undefined {
  const clauses: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && --depth < 0) return undefined;
    else if (!quoted && depth === 0 && /^\s+and\s+/i.test(filter.slice(i)) && /\s/.test(c!)) {
      const match = /^\s+and\s+/i.exec(filter.slice(i))!;
      clauses.push(filter.slice(start, i));
      i += match[0].length - 1;
      start = i + 1;
    }
  }
  if (depth !== 0 || quoted) return undefined;
  clauses.push(filter.slice(start));
  return clauses.map((c) => c.trim());
}

/**
 * `signInEventTypes/any(t: t eq 'a' or t eq 'b')`, Microsoft's syntax (the lambda variable may have any name, used
 * throughout): the event types it names, or undefined when the clause is not about signInEventTypes, or a Reply when it
 * is but cannot be read (an unknown type, another operator, another variable).
 */
function eventTypesClause(clause: string): Set<string> | Reply | undefined {
  const unwrapped = /^\(\s*(.*)\s*\)$/.exec(clause)?.[1] ?? clause;
  const m = /^signInEventTypes\/any\(\s*([A-Za-z_]\w*)\s*:\s*(.+)\)$/i.exec(unwrapped.trim());
  if (!m) return /signInEventTypes/i.test(clause) ? invalidClause() : undefined;
  const variable = m[1]!;
  const types = new Set<string>();
  for (const part of m[2]!.split(/\s+or\s+/i)) {
    const eq = /^\(?\s*([A-Za-z_]\w*)\s+eq\s+'([^']*)'\s*\)?$/i.exec(part.trim());
    const known = SIGN_IN_EVENT_TYPES.find((t) => t.toLowerCase() === eq?.[2]?.toLowerCase());
    if (!eq || eq[1] !== variable || !known) return invalidClause();
    types.add(known);
  }
  return types;
}

/**
 * signIns (beta): createdDateTime clauses as in v1.0, and at most one `signInEventTypes/any(...)` clause, joined by `and`
 * (in parentheses or not). `types` is undefined without that clause: beta then returns interactive sign-ins only. Anything
 * else is what the reports service refuses: 400 BadRequest "Invalid filter clause".
 */
export function parseBetaSignInFilter(filter: string, retentionStartKey: string): { range: InstantRange; types?: Set<string> } | Reply {
  const clauses = topLevelClauses(filter.trim());
  if (!clauses || clauses.some((c) => c === '')) return invalidClause();
  const range: InstantRange = {};
  let types: Set<string> | undefined;
  for (const clause of clauses) {
    const applied = instantClause(range, clause, 'createdDateTime', ['eq', 'ge', 'le', 'gt', 'lt'], retentionStartKey);
    if (applied === 'ok') continue;
    if (applied !== undefined) return applied;
    const named = eventTypesClause(clause);
    if (named === undefined || types !== undefined) return invalidClause();
    if (!(named instanceof Set)) return named;
    types = named;
  }
  return { range, ...(types ? { types } : {}) };
}
