// Paging: the guard that stops a nextLink loop, and a collection body read as a page with its links exactly as returned.
// https://learn.microsoft.com/graph/paging
import { createHash } from 'node:crypto';
import type { MessageContext } from './error-policy.js';
import { graphError } from './errors.js';
import type { GraphPage } from './types.js';
import { displayRequest } from './urls.js';

/** Remembers every nextLink of one paging run (as digests) and throws when one comes back. */
export class LinkGuard {
  private readonly seen = new Set<string>();

  /** `first`: the run's first request, which the error names (made into its display form only then); else the context's, else the link. */
  constructor(
    private readonly context: MessageContext,
    private readonly first?: string,
  ) {}

  /** Call with each nextLink before following it. */
  check(link: string): void {
    const digest = createHash('sha256').update(link).digest('base64');
    if (this.seen.has(digest)) {
      const request = this.first !== undefined ? displayRequest('GET', this.first) : (this.context.request ?? displayRequest('GET', link));
      throw graphError({ kind: 'nextlink_loop' }, { ...this.context, request });
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
