// The HTTPS server: one origin that plays the Entra ID login host and the Graph root, with latency and transport faults.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, describeTokenRequest, instanceDiscovery, jwks, openIdConfiguration, tokenEndpoint } from './auth.js';
import { handleBatch } from './batch.js';
import type { TransportFault } from './faults.js';
import { isReply } from './paging.js';
import { graphError, type Reply } from './reply.js';
import { dispatchGet } from './routes.js';
import { type EmulatorState, fixture } from './state.js';

const MAX_BODY = 4 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** True when the client secret (or the expired one) appears anywhere in a non-token request. */
function carriesSecret(state: EmulatorState, req: IncomingMessage, body: string): boolean {
  const secrets = [state.credentials.clientSecret, state.credentials.expiredClientSecret];
  let url = req.url ?? '';
  try {
    url += decodeURIComponent(url);
  } catch {
    // keep the raw URL only
  }
  const haystacks = [url, body, ...Object.values(req.headers).flat().map(String)];
  return haystacks.some((h) => secrets.some((s) => h.includes(s)));
}

/** Routes one request to the login endpoints or to Graph; the answer is a Reply (never throws for client errors). */
async function route(state: EmulatorState, req: IncomingMessage, body: string): Promise<Reply> {
  const url = new URL(req.url ?? '/', state.url);
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const count = (label: string) => state.metrics.count(label);

  if (method === 'GET' && /^\/common\/discovery\/instance$/i.test(path)) {
    count('GET /common/discovery/instance');
    return instanceDiscovery(state, url.searchParams);
  }
  const metadata = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i.exec(path);
  if (method === 'GET' && metadata) {
    count('GET /{tenant}/v2.0/.well-known/openid-configuration');
    return openIdConfiguration(state, decodeURIComponent(metadata[1]!));
  }
  if (method === 'GET' && /^\/([^/]+)\/discovery\/v2\.0\/keys$/i.test(path)) {
    count('GET /{tenant}/discovery/v2.0/keys');
    return jwks(state);
  }
  const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i.exec(path);
  if (token) {
    count('POST /{tenant}/oauth2/v2.0/token');
    if (method !== 'POST') return graphError(405, 'MethodNotAllowed', 'The token endpoint only accepts POST.');
    const form = new URLSearchParams(body);
    const tenant = decodeURIComponent(token[1]!);
    state.metrics.lastTokenRequest = describeTokenRequest(req.headers.host ?? '', tenant, form);
    return tokenEndpoint(state, tenant, form);
  }
  const version = /^\/(v1\.0|beta)\//.exec(path)?.[1] as 'v1.0' | 'beta' | undefined;
  if (!version) {
    count(`${method} (unknown)`);
    return graphError(
      404,
      'NotFound',
      `The emulator serves no ${path}. Graph lives under /v1.0 (and /beta for sign-in event types), the token endpoint under /{tenant}/oauth2/v2.0/token.`,
    );
  }
  if (carriesSecret(state, req, body)) state.metrics.secretSeenByGraph = true;
  const relative = `${path.slice(version.length + 1)}${url.search}`;
  const reply = graph(state, method, relative, req, body, version);
  state.metrics.logRequest(method, relative, 'direct', reply.status, version);
  return reply;
}

/** Node's headers (already lower-case) as single strings. */
function lowerCaseHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
  );
}

/** A request under /v1.0 or /beta (`relative` is the rest, with its query): authentication, $batch (v1.0), then the GET routes. */
function graph(
  state: EmulatorState,
  method: string,
  relative: string,
  req: IncomingMessage,
  body: string,
  version: 'v1.0' | 'beta',
): Reply {
  const path = relative.replace(/\?.*$/, '');
  const count = (label: string) => state.metrics.count(label);
  const caller = authenticate(state, req.headers.authorization);
  if (isReply(caller)) {
    count(`${method} ${path} (unauthenticated)`);
    return caller;
  }
  if (/^\/\$batch$/i.test(path) && version === 'v1.0') {
    count('POST /$batch');
    if (method !== 'POST') return graphError(405, 'MethodNotAllowed', '$batch only accepts POST.');
    return handleBatch(state, body, caller);
  }
  if (method !== 'GET') {
    count(`${method} (unsupported)`);
    return graphError(405, 'MethodNotAllowed', 'The emulator is read-only: only GET (and POST /$batch) are served.');
  }
  return dispatchGet(state, relative, caller, '', version, lowerCaseHeaders(req.headers));
}

async function send(res: ServerResponse, reply: Reply, fault: TransportFault | undefined, requestId: string, clientRequestId?: string) {
  const headers: Record<string, string> = {
    'request-id': requestId,
    'client-request-id': clientRequestId ?? requestId,
    'cache-control': 'no-cache',
    ...reply.headers,
  };
  const body = reply.body;
  if (fault?.kind === 'truncate') {
    // A body cut short but ended cleanly: the client gets invalid JSON, not a socket error.
    res.writeHead(reply.status, headers);
    res.end(body.subarray(0, Math.floor(body.length / 2)));
    return;
  }
  headers['content-length'] = String(body.length);
  res.writeHead(reply.status, headers);
  if (fault?.kind === 'stall' && !fault.beforeHeaders) {
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    await sleep(fault.stallMs);
    if (!res.destroyed) res.end(body.subarray(Math.floor(body.length / 2)));
    return;
  }
  res.end(body);
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts the HTTPS server for a prepared state on 127.0.0.1 (port 0 = ephemeral) and sets state.url. */
export async function listen(state: EmulatorState, port = 0): Promise<RunningServer> {
  const server = createServer(
    { key: readFileSync(fixture('server-key.pem')), cert: readFileSync(fixture('server-cert.pem')) },
    (req, res) => {
      void handle(state, req, res);
    },
  );
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  state.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url: state.url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(state: EmulatorState, req: IncomingMessage, res: ServerResponse) {
  state.metrics.requestStarted();
  try {
    await answer(state, req, res);
  } finally {
    state.metrics.requestFinished();
  }
}

async function answer(state: EmulatorState, req: IncomingMessage, res: ServerResponse) {
  const requestId = randomUUID();
  state.metrics.peer(req.socket.remotePort);
  try {
    const body = await readBody(req);
    const target = req.url ?? '/';
    const fault = state.faults.transport(target);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    const reply = await route(state, req, body);
    const delay =
      state.latencyMs +
      (reply.records ?? 0) * state.latencyPerRecordMs +
      (fault?.kind === 'stall' && fault.beforeHeaders ? fault.stallMs : 0);
    if (delay > 0) await sleep(delay);
    await send(res, reply, fault, requestId, req.headers['client-request-id'] as string | undefined);
  } catch (error) {
    if (!res.headersSent) {
      const reply = graphError(500, 'InternalServerError', `Emulator error: ${(error as Error).message}`);
      res.writeHead(500, reply.headers).end(reply.body);
    } else res.destroy();
  }
}
