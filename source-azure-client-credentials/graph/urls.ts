// Graph URLs in one place: first-request URLs, the origin check that keeps the token on the Graph root, the version root cut off, the display form, request costs.
// Paging links: https://learn.microsoft.com/graph/paging ; costs: https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits
import { graphError } from './errors.js';
import type { Bucket, GraphVersion } from './types.js';

type Query = Record<string, string | number | boolean>;

/** Query values keep $ , : readable (as Graph's own examples do); everything else is percent-encoded. */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const encode = (text: string) => encodeURIComponent(text).replace(/%24/g, '$').replace(/%2C/g, ',').replace(/%3A/g, ':');
  const pairs = Object.entries(query).map(([key, value]) => `${encode(key)}=${encode(String(value))}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

const ABSOLUTE = /^https:\/\//i;
export const isAbsolute = (pathOrLink: string): boolean => ABSOLUTE.test(pathOrLink);

const ORIGIN = /^https?:\/\/[^/]+/i;
/** Graph's version roots (https://learn.microsoft.com/graph/versioning-and-support). */
const VERSION_ROOT = /^\/(v1\.0|beta)(?=\/)/i;

/** What follows the origin and the version root, e.g. "/users?$top=1"; a relative path passes unchanged. */
function belowVersionRoot(url: string): string {
  return url.replace(ORIGIN, '').replace(VERSION_ROOT, '');
}

/**
 * Where versioned Graph URLs live, and the checks that keep the access token on that host: an
 * absolute link (a nextLink, or a deltaLink saved in state) must be on the Graph root.
 */
export class GraphUrls {
  readonly versionRoot: string;

  constructor(readonly graphRoot: string) {
    this.versionRoot = `${graphRoot}/v1.0`;
  }

  /** The URL of a first request: path relative to the version root (v1.0 unless `version` says beta) plus its query. */
  first(path: string, query?: Query, version: GraphVersion = 'v1.0'): string {
    const root = version === 'v1.0' ? this.versionRoot : `${this.graphRoot}/${version}`;
    return `${root}${path.startsWith('/') ? path : `/${path}`}${encodeQuery(query)}`;
  }

  /** An absolute link as is, after checking its origin; a path is built with `query` below `version`'s root. */
  resolve(pathOrLink: string, query?: Query, version?: GraphVersion): string {
    if (!isAbsolute(pathOrLink)) return this.first(pathOrLink, query, version);
    this.checkOrigin(pathOrLink);
    return pathOrLink;
  }

  /**
   * A $batch item's url (relative to the version root): a path as is; of an absolute link (a nextLink) only the
   * prefix is cut, after checking its origin, and the rest stays byte for byte.
   */
  relative(pathOrLink: string): string {
    if (!isAbsolute(pathOrLink)) return pathOrLink;
    this.checkOrigin(pathOrLink);
    return pathOrLink.slice(this.graphRoot.length).replace(VERSION_ROOT, '');
  }

  private checkOrigin(link: string): void {
    let origin: string;
    try {
      origin = new URL(link).origin;
    } catch {
      origin = '';
    }
    if (
      origin.toLowerCase() !== new URL(this.graphRoot).origin.toLowerCase() ||
      !link.toLowerCase().startsWith(this.graphRoot.toLowerCase())
    ) {
      throw graphError({ kind: 'foreign_link' }, { request: `GET ${origin || 'an unreadable URL'}`, graphRoot: this.graphRoot });
    }
  }
}

/** Method and path for logs and messages: no origin, no version root, paging tokens cut (never an Authorization header). */
export function displayRequest(method: string, url: string): string {
  return `${method} ${belowVersionRoot(url).replace(/(\$(?:skip|delta)token=)[^&]*/gi, '$1...')}`;
}

/** Requests that select signInActivity are also held to its own per-minute limit (pacing.ts). */
export const selectsSignInActivity = (url: string): boolean => /signInActivity/i.test(decodeURIComponent(url.split('?')[1] ?? ''));

/**
 * Per-minute limits Graph sets, per app and tenant, on requests that select some properties, on top of the identity bucket:
 * - signInActivity on users: 10 per minute (https://learn.microsoft.com/graph/api/user-list#permissions);
 * - keyCredentials on applications and service principals: 150 per minute
 *   (https://learn.microsoft.com/graph/api/application-list#optional-query-parameters, .../serviceprincipal-list).
 */
export type SelectLimit = 'signInActivity' | 'keyCredentials';
/** How many requests of each limited kind one HTTP request carries (a $batch counts its items). */
export type SelectLimits = Partial<Record<SelectLimit, number>>;

/** An application or service principal collection, its delta, or one of its objects (not their relationships). */
const KEY_CREDENTIAL_HOLDERS = /^\/(applications|servicePrincipals)(\/[^/]+)?$/i;

/**
 * The per-minute limits one request counts against. Without $select, applications and service principals return their
 * default properties, keyCredentials among them; a paging or delta link from a saved state hides its $select in its
 * token, so it counts too (on the safe side: the limit is far above what a delta round of service principals needs).
 */
export function selectLimits(url: string): SelectLimits {
  const [path = '', query = ''] = belowVersionRoot(url).split('?', 2);
  const select = new URLSearchParams(query).get('$select');
  const limits: SelectLimits = {};
  if (selectsSignInActivity(url)) limits.signInActivity = 1;
  if (KEY_CREDENTIAL_HOLDERS.test(path) && !/\$count$/i.test(path) && (select === null || /(^|,)\s*keyCredentials\s*(,|$)/i.test(select)))
    limits.keyCredentials = 1;
  return limits;
}

/** The limited requests of several requests together (the items of one $batch). */
export function addLimits(total: SelectLimits, more: SelectLimits): SelectLimits {
  for (const [limit, count] of Object.entries(more) as [SelectLimit, number][]) total[limit] = (total[limit] ?? 0) + count;
  return total;
}

/**
 * Estimated RU of one identity request, per the documented cost table: users 2, group members 3,
 * transitiveMembers 5, applications and oauth2PermissionGrants 2, subscribedSkus 3, anything else 1; $select -1, $expand +1, $top under 20 -1; never below 1.
 * Paging links hide their options inside $skiptoken, so their estimate stays on the safe side;
 * the charge Graph reports in x-ms-resource-unit corrects it afterwards.
 */
export function estimateCost(pathAndQuery: string): number {
  const [rawPath = '', query = ''] = belowVersionRoot(pathAndQuery).split('?', 2);
  const path = rawPath.toLowerCase().replace(/\/$/, '');
  let cost = 1;
  // applications 2, oauth2PermissionGrants 2, subscribedSkus 3 (the cost table's additions); the documented base cost of
  // applications is taken for its delta and its objects too (not documented: the safe side).
  if (/^\/users(\/delta)?$/.test(path)) cost = 2;
  else if (/^\/applications(\/[^/]+)?$/.test(path) || /^\/oauth2permissiongrants(\/|$)/.test(path)) cost = 2;
  else if (/^\/subscribedskus(\/|$)/.test(path)) cost = 3;
  else if (/^\/groups\/[^/]+\/transitivemembers(\/|$)/.test(path)) cost = 5;
  else if (/^\/groups\/[^/]+\/members(\/|$)/.test(path)) cost = 3;
  const params = new URLSearchParams(query);
  if (params.has('$select')) cost -= 1;
  if (params.has('$expand')) cost += 1;
  const top = Number(params.get('$top'));
  if (params.has('$top') && top < 20) cost -= 1;
  return Math.max(1, cost);
}

/** What a request draws from its bucket: its estimated RU for identity, one request for reports. */
export function requestCost(bucket: Bucket, url: string): number {
  return bucket === 'identity' ? estimateCost(url) : 1;
}
