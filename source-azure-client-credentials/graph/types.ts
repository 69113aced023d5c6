// The contract between streams and the one Graph client: pages, batches, tokens and statistics.
import type { ConnectorError } from '../errors.js';

/** Which throttling budget a request draws from (https://learn.microsoft.com/graph/throttling-limits). */
export type Bucket = 'identity' | 'reports';

/**
 * Graph's version roots (https://learn.microsoft.com/graph/versioning-and-support). Streams read v1.0; beta only where an
 * option asks for data v1.0 lacks (sign_in_event_types), since Microsoft does not support beta in production.
 */
export type GraphVersion = 'v1.0' | 'beta';

/**
 * Who hears of the client's long waits: the read command attaches it to the requests of the stream it reads
 * (forStream in for-stream.ts), so each stream's RATE_LIMITED status names that stream. Streams leave it out.
 */
export interface RateLimitListener {
  /** Called whenever the client decides to wait for a throttling budget longer than a second, with the end of the wait (epoch ms). */
  onRateLimited?: (until: number) => void;
}

/** Options of a batched read: the bucket, the listener of long waits, and the failures the caller handles itself. */
export interface BatchOptions extends RateLimitListener {
  bucket?: Bucket;
  /**
   * Asked for an item's failure that the error policy neither skips nor retries: true yields it as the
   * item's `error`, like a skipped 404, so that one refused item does not end the whole fan-out (e.g. a group
   * whose hidden membership the app may not read). The caller then reports or rethrows it.
   */
  yieldFailure?(error: GraphError): boolean;
}

export interface RequestOptions extends RateLimitListener {
  /** Query parameters for the first request; nextLinks are followed verbatim and never rebuilt. */
  query?: Record<string, string | number | boolean>;
  /** Per-request headers (e.g. ConsistencyLevel); re-sent with every page. */
  headers?: Record<string, string>;
  /** Default 'identity'; sign-in logs use 'reports'. */
  bucket?: Bucket;
  /** The version root of a path (default v1.0); links Graph returned are followed as they are. */
  version?: GraphVersion;
}

/** Options of pages(): those of any request, and whether the next page is read ahead. */
export interface PagesOptions<T> extends RequestOptions {
  /**
   * Asked for each page that has a nextLink, before its records reach the caller: true (the default)
   * requests the next page at once, so that it downloads while the caller works through this one;
   * false waits until the caller asks for it, so a caller that will stop after this page spends no
   * request on a page it would discard.
   */
  readAhead?: (page: GraphPage<T>) => boolean;
}

export interface GraphPage<T> {
  value: T[];
  /** @odata.nextLink, absolute, exactly as Graph returned it. */
  nextLink?: string;
  /** @odata.deltaLink on the last page of a delta round. */
  deltaLink?: string;
}

export interface BatchRequest {
  /** Caller's key for matching results (e.g. a service principal id). */
  key: string;
  /** Path relative to the version root, with its query, e.g. /servicePrincipals/{id}/appRoleAssignedTo?$top=999 */
  path: string;
  headers?: Record<string, string>;
}

/** One page of one batched request; `last` is true on the request's final page. */
export type BatchPage<T> =
  | { key: string; page: GraphPage<T>; last: boolean; error?: undefined }
  | { key: string; error: GraphError; page?: undefined; last: true };

/** The answer to one GET of `batchGet`: the object's body, or a failure the policy lets the caller skip (404: deleted). */
export type BatchObject<T> = { key: string; body: T; error?: undefined } | { key: string; error: GraphError; body?: undefined };

export interface GraphStats {
  requests: number;
  retries: number;
  throttled: number;
  waitMs: number;
}

/** An HTTP or token failure, already classified by the error policy table. */
export interface GraphError extends ConnectorError {
  readonly status?: number;
  readonly code?: string;
  readonly path?: string;
  /** Graph's own explanation (first sentence of its error message), when it gave one. */
  readonly detail?: string;
}

export interface GraphClient {
  /** One GET (path relative to the version root, e.g. /organization). */
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  /** Every page from path (or from an absolute nextLink/deltaLink to resume), following nextLink to the end. */
  pages<T>(pathOrLink: string, options?: PagesOptions<T>): AsyncIterable<GraphPage<T>>;
  /** The records of every page, in order. */
  list<T>(path: string, options?: RequestOptions): AsyncIterable<T>;
  /**
   * Runs many GETs through $batch (up to 20 per call, several calls in flight up to the client's
   * concurrency), follows each item's nextLink to its end, and yields pages as they arrive.
   * Pages of one key come in order; keys interleave. A failed item that the policy skips (e.g. 404)
   * is yielded as `error`; any other failure is thrown.
   */
  batchPages<T>(requests: Iterable<BatchRequest> | AsyncIterable<BatchRequest>, options?: BatchOptions): AsyncIterable<BatchPage<T>>;
  /**
   * Reads single objects (e.g. GET /users/{id}?$select=...) through the same $batch machinery as batchPages
   * (20 per call, pacing, retries of failed items); answers come in any order. A failed item that the policy
   * skips (404: deleted since) is yielded as `error`; any other failure is thrown.
   */
  batchGet<T>(requests: Iterable<BatchRequest> | AsyncIterable<BatchRequest>, options?: BatchOptions): AsyncIterable<BatchObject<T>>;
  /**
   * How many objects a directory collection holds now (GET {collection}/$count, e.g. '/users'), asked once per collection
   * and client. A hint, never a reason to fail or wait: undefined when Graph does not say (no permission, 400, a network
   * failure). The count of '/users' also sets the identity budget to the tenant's size tier (pacing.ts identityTier).
   */
  count(collection: string): Promise<number | undefined>;
  /** The `roles` claim of the current app-only token (application permissions with admin consent). */
  grantedRoles(): Promise<string[]>;
  /** Counters since the client was made (or since the last call with reset = true). */
  stats(reset?: boolean): GraphStats;
  /** Releases sockets and timers. */
  close(): void;
}
