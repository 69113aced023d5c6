// Server-driven paging: opaque $skiptoken cursors, absolute nextLinks that keep the original query, page JSON.
// https://learn.microsoft.com/graph/paging
import { createHash } from 'node:crypto';
import { graphError, type Reply } from './reply.js';

/** Where the next page starts: after an id (lists served in id order) or at an offset (fixed-order lists). */
export type Cursor = { after: string } | { offset: number };

/** The query without paging tokens, normalized: a token is only valid for the query that produced it. */
export function queryFingerprint(path: string, params: URLSearchParams): string {
  const entries = [...params].filter(([k]) => !/^\$(skiptoken|deltatoken)$/i.test(k)).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256')
    .update(`${path.toLowerCase()}?${JSON.stringify(entries)}`)
    .digest('base64url')
    .slice(0, 12);
}

export function encodeToken(value: Record<string, unknown>): string {
  // Looks like Graph's tokens (opaque base64url), never to be parsed by a client.
  return `RFNwdA${Buffer.from(JSON.stringify(value)).toString('base64url')}`;
}

export function decodeToken(token: string): Record<string, unknown> | undefined {
  if (!token.startsWith('RFNwdA')) return undefined;
  try {
    const value = JSON.parse(Buffer.from(token.slice(6), 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Reads $skiptoken; a token from another query (or version) or a mangled one is a 400, as Graph answers. */
export function readCursor(path: string, params: URLSearchParams, version = 'v1.0'): Cursor | Reply | undefined {
  const token = params.get('$skiptoken');
  if (token === null) return undefined;
  const value = decodeToken(token);
  if (!value || value.q !== queryFingerprint(version === 'v1.0' ? path : `/${version}${path}`, params)) {
    return graphError(
      400,
      'Request_BadRequest',
      'Invalid paging token: it does not belong to this request. Follow @odata.nextLink verbatim.',
    );
  }
  if (typeof value.a === 'string') return { after: value.a };
  if (typeof value.o === 'number') return { offset: value.o };
  return graphError(400, 'Request_BadRequest', 'Invalid paging token.');
}

/** Encodes a query value the way Graph's links do: readable OData ($, commas, quotes, colons), everything else escaped. */
const encodeValue = (value: string) =>
  encodeURIComponent(value)
    .replace(/%24/g, '$')
    .replace(/%2C/gi, ',')
    .replace(/%27/g, "'")
    .replace(/%3A/gi, ':')
    .replace(/%28/g, '(')
    .replace(/%29/g, ')');

/** Builds an absolute link to `linkPath` (below the `version` root) with the original query options plus one token parameter. */
export function linkWith(
  base: string,
  linkPath: string,
  params: URLSearchParams,
  tokenName: string,
  token: string,
  version = 'v1.0',
): string {
  const parts = [...params].filter(([k]) => !/^\$(skiptoken|deltatoken)$/i.test(k)).map(([k, v]) => `${k}=${encodeValue(v)}`);
  parts.push(`${tokenName}=${token}`);
  return `${base}/${version}${linkPath}?${parts.join('&')}`;
}

export function nextLink(base: string, path: string, linkPath: string, params: URLSearchParams, cursor: Cursor, version = 'v1.0'): string {
  // The version is part of the query a token belongs to: a beta token is no good on v1.0.
  const query = version === 'v1.0' ? queryFingerprint(path, params) : queryFingerprint(`/${version}${path}`, params);
  const token = encodeToken({ q: query, ...('after' in cursor ? { a: cursor.after } : { o: cursor.offset }) });
  return linkWith(base, linkPath, params, '$skiptoken', token, version);
}

const COMMA = Buffer.from(',');

/** Joins JSON buffers with commas (one copy, no intermediate strings: big pages stay cheap). */
export function joinJson(head: string, items: Buffer[], tail: string): Buffer {
  const parts: Buffer[] = [Buffer.from(head)];
  items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(item);
  });
  parts.push(Buffer.from(tail));
  return Buffer.concat(parts);
}

/** A page body from pre-serialized records: {"@odata.context","@odata.nextLink","value":[...],"@odata.deltaLink"}. */
export function pageJson(context: string, records: Buffer[], links: { next?: string; delta?: string } = {}): Buffer {
  let head = `{"@odata.context":${JSON.stringify(context)}`;
  if (links.next) head += `,"@odata.nextLink":${JSON.stringify(links.next)}`;
  const tail = links.delta ? `],"@odata.deltaLink":${JSON.stringify(links.delta)}}` : ']}';
  return joinJson(`${head},"value":[`, records, tail);
}

/** A record as JSON bytes. */
export const jsonBytes = (value: unknown) => Buffer.from(JSON.stringify(value));

/** Parses $top; undefined when absent, a 400 when it is not an integer in [1, max]. */
export function readTop(params: URLSearchParams, max: number, tooLarge: (top: number) => Reply): number | Reply | undefined {
  const raw = params.get('$top');
  if (raw === null) return undefined;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1) return graphError(400, 'Request_BadRequest', `Invalid page size specified: '${raw}'.`);
  return top > max ? tooLarge(top) : top;
}

/** $select as a list of property names (trimmed, non-empty), or undefined when absent. */
export function readSelect(params: URLSearchParams): string[] | undefined {
  const raw = params.get('$select');
  if (raw === null) return undefined;
  return [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

export const isReply = (value: unknown): value is Reply =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
