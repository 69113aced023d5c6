// The $filter subset the emulator understands: users by userType, sign-ins by createdDateTime ranges.
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

/**
 * signIns: `createdDateTime <eq|ge|le|gt|lt> <unquoted ISO-8601>` clauses joined by `and`.
 * A quoted literal, an unparsable one, or one older than retention is 400 "Invalid filter clause"
 * (https://learn.microsoft.com/graph/api/signin-list); other properties or operators are unsupported here.
 */
export function parseSignInFilter(filter: string, retentionStartKey: string): InstantRange | Reply {
  const range: InstantRange = {};
  for (const clause of filter.trim().split(/\s+and\s+/i)) {
    const m = /^\(?\s*createdDateTime\s+(eq|ge|le|gt|lt)\s+(\S+?)\s*\)?$/i.exec(clause.trim());
    if (!m) return unsupported();
    const op = m[1]!.toLowerCase();
    const literal = m[2]!;
    if (/^['"]/.test(literal)) return invalidClause();
    const key = instantKey(literal);
    if (!key || key < retentionStartKey) return invalidClause();
    // Several clauses on one side narrow the range.
    const tighten = (side: keyof InstantRange, pick: (a: string, b: string) => string) => {
      range[side] = range[side] === undefined ? key : pick(range[side]!, key);
    };
    const max = (a: string, b: string) => (a > b ? a : b);
    const min = (a: string, b: string) => (a < b ? a : b);
    if (op === 'eq') {
      tighten('ge', max);
      tighten('le', min);
    } else if (op === 'ge' || op === 'gt') tighten(op, max);
    else tighten(op as 'le' | 'lt', min);
  }
  return range;
}
