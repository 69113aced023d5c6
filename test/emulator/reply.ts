// The emulator's response value and the two error body shapes it sends: Graph's and Entra ID's (AADSTS).
import { randomUUID } from 'node:crypto';

/** One HTTP answer; `body` is serialized JSON as bytes (pages are concatenations of cached record buffers). */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Records served (for per-record latency and metrics). */
  records?: number;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

/** A reply whose JSON was assembled by hand (pages concatenate pre-serialized records). */
export function rawJsonReply(status: number, body: Buffer, headers: Record<string, string> = {}, records?: number): Reply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', 'odata-version': '4.0', ...headers }, body, records };
}

/**
 * Graph's error body: {"error":{"code","message","innerError":{date, request-id, client-request-id}}}.
 * https://learn.microsoft.com/graph/errors#json-representation
 */
export function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): Reply {
  const requestId = randomUUID();
  return jsonReply(
    status,
    {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': requestId, 'client-request-id': requestId },
      },
    },
    { 'request-id': requestId, ...headers },
  );
}

export const tooManyRequests = (headers: Record<string, string>) =>
  graphError(429, 'TooManyRequests', 'Please retry again later.', headers);

/** "2026-01-09 02:02:12Z" as in AADSTS bodies. */
const aadTimestamp = (d = new Date()) => `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}Z`;

/**
 * An Entra ID token-endpoint error: {"error","error_description":"AADSTSnnnn: ...\r\nTrace ID...","error_codes":[n],...}.
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export function aadstsError(status: number, error: string, code: number, text: string): Reply {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = aadTimestamp();
  return jsonReply(status, {
    error,
    error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}
