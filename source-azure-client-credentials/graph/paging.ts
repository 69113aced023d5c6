// Paging: URLs for first requests, @odata.nextLink followed verbatim, and the guard that stops a nextLink loop.
// https://learn.microsoft.com/graph/paging
import { createHash } from 'node:crypto';
import type { MessageContext } from './error-policy.js';
import { graphError } from './errors.js';
import { displayRequest } from './http.js';
import type { GraphPage } from './types.js';

/** Query values keep $ , : readable (as Graph's own examples do); everything else is percent-encoded. */
export function encodeQuery(query: Record<string, string | number | boolean> | undefined): string {
  if (!query) return '';
  const encode = (text: string) => encodeURIComponent(text).replace(/%24/g, '$').replace(/%2C/g, ',').replace(/%3A/g, ':');
  const pairs = Object.entries(query).map(([key, value]) => `${encode(key)}=${encode(String(value))}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

const ABSOLUTE = /^https:\/\//i;
export const isAbsolute = (pathOrLink: string): boolean => ABSOLUTE.test(pathOrLink);

/**
 * Where versioned Graph URLs live, and the checks that keep the access token on that host: an
 * absolute link (a nextLink, or a deltaLink saved in state) must be on the Graph root.
 */
export class GraphUrls {
  readonly versionRoot: string;

  constructor(readonly graphRoot: string) {
    this.versionRoot = `${graphRoot}/v1.0`;
  }

  /** The URL of a first request: path relative to the version root plus its query. */
  first(path: string, query?: Record<string, string | number | boolean>): string {
    return `${this.versionRoot}${path.startsWith('/') ? path : `/${path}`}${encodeQuery(query)}`;
  }

  /** An absolute link as is, after checking its origin; a path is built with `query`. */
  resolve(pathOrLink: string, query?: Record<string, string | number | boolean>): string {
    if (!isAbsolute(pathOrLink)) return this.first(pathOrLink, query);
    this.checkOrigin(pathOrLink);
    return pathOrLink;
  }

  /** A nextLink as a $batch item url (relative to the version root): only the prefix is cut, the rest stays byte for byte. */
  relative(link: string): string {
    this.checkOrigin(link);
    const rest = link.slice(this.graphRoot.length);
    const version = /^\/(v1\.0|beta)(?=\/)/i.exec(rest);
    return version ? rest.slice(version[0].length) : rest;
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

/** Remembers every nextLink of one paging run (as digests) and throws when one comes back. */
export class LinkGuard {
  private readonly seen = new Set<string>();

  constructor(private readonly context: MessageContext) {}

  /** Call with each nextLink before following it. */
  check(link: string): void {
    const digest = createHash('sha256').update(link).digest('base64');
    if (this.seen.has(digest)) {
      throw graphError({ kind: 'nextlink_loop' }, { ...this.context, request: this.context.request ?? displayRequest('GET', link) });
    }
    this.seen.add(digest);
  }
}

/** A Graph collection body as a GraphPage: value, and the links exactly as returned. */
export function toPage<T>(body: unknown): GraphPage<T> {
  const b = (body ?? {}) as { value?: unknown; '@odata.nextLink'?: unknown; '@odata.deltaLink'?: unknown };
  const page: GraphPage<T> = { value: Array.isArray(b.value) ? (b.value as T[]) : [] };
  if (typeof b['@odata.nextLink'] === 'string') page.nextLink = b['@odata.nextLink'];
  if (typeof b['@odata.deltaLink'] === 'string') page.deltaLink = b['@odata.deltaLink'];
  return page;
}
