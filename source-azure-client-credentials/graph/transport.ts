// The shared HTTP transport of Graph and the login host: got with the CA list, keep-alive agents (direct or through a proxy), explicit timeouts, no redirects and no retries of its own.
import { readFileSync } from 'node:fs';
import tls, { rootCertificates } from 'node:tls';
import got, { type Got } from 'got';
import { Agents } from './proxy.js';
import type { Bucket } from './types.js';

export interface Timeouts {
  /** TCP connect and TLS handshake, each (ms). */
  connect: number;
  /** From request sent to the first response byte (ms). */
  response: number;
  /** Longest silence on the socket, i.e. an idle body (ms). */
  idle: number;
  /**
   * Reports requests (sign-in logs) instead of `response`, and as their longest silence: Microsoft
   * assembles audit-log pages far more slowly than directory pages, and a request cut short costs a
   * retry from the 5-per-10-s budget (ms).
   */
  reportsResponse: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connect: 10_000, response: 60_000, idle: 30_000, reportsResponse: 120_000 };

/** got timeouts that replace the transport's for a request of `bucket` (none for identity requests). */
export function bucketTimeouts(bucket: Bucket, timeouts: Timeouts): Partial<Record<'response' | 'socket', number>> | undefined {
  if (bucket !== 'reports') return undefined;
  // got's socket (idle) timer runs while the answer is awaited too: it must not end the wait first.
  return { response: timeouts.reportsResponse, socket: Math.max(timeouts.idle, timeouts.reportsResponse) };
}

/** NODE_EXTRA_CA_CERTS as this process was started with it (nothing in the connector changes it before this module loads). */
const EXTRA_CA_CERTS_AT_START = process.env.NODE_EXTRA_CA_CERTS;

/**
 * CA certificates to trust: Node's roots plus the PEM named by NODE_EXTRA_CA_CERTS in `env`; undefined when Node's own
 * store already holds them. Node reads that variable once, at process start, and adds the file to the roots every TLS
 * connection trusts by default (https://nodejs.org/api/cli.html#node_extra_ca_certsfile): the connector's process, run
 * with it set, needs no list of its own. Building one costs about 45 ms of CPU (OpenSSL parses the ~140 roots again),
 * so it is made only when `env` names another file than the process started with: an in-process test (or any caller
 * with its own env) pointing the client at a server with a private CA.
 */
export function certificateAuthorities(env: NodeJS.ProcessEnv): string[] | undefined {
  const path = env.NODE_EXTRA_CA_CERTS;
  if (!path || path === EXTRA_CA_CERTS_AT_START) return undefined;
  try {
    return [...rootCertificates, readFileSync(path, 'utf8')];
  } catch {
    return undefined; // Node itself only warns about an unreadable file; the TLS error will say the rest.
  }
}

/**
 * The shared transport: keep-alive agents (direct, or through the proxy HTTPS_PROXY / NO_PROXY in `env`
 * chosen per target origin), explicit timeouts, the CA list. No retries and no redirects here.
 */
export function createTransport(options: { ca?: string[]; timeouts: Timeouts; userAgent: string; env?: NodeJS.ProcessEnv }): {
  http: Got;
  agent: Agents;
} {
  // The CA list goes into one secure context made once: passed per request (or as the agent's `ca`),
  // Node would join the whole list into the agent's pool key and build TLS state on every request.
  // The same context verifies an https:// proxy.
  const agent = new Agents({
    env: options.env ?? process.env,
    ...(options.ca ? { secureContext: tls.createSecureContext({ ca: options.ca }) } : {}),
    connectTimeoutMs: options.timeouts.connect,
    maxSockets: 32,
  });
  const { connect, response, idle } = options.timeouts;
  const http = got.extend({
    // No endpoint the connector calls redirects; following one would carry the bearer token (or the
    // token request's secret) to whatever host the Location names.
    followRedirect: false,
    timeout: { lookup: connect, connect, secureConnect: connect, send: response, response, socket: idle },
    headers: { 'user-agent': options.userAgent },
    retry: { limit: 0 },
    hooks: {
      // Every attempt (Graph, $batch, msal's metadata and token requests) takes the agent of its target's route.
      beforeRequest: [
        (request) => {
          request.agent = { https: agent.agentFor(request.url!) };
        },
      ],
    },
  });
  return { http, agent };
}
