// Real local HTTP CONNECT proxies for tests: the `proxy` package (optionally with Basic credentials or over TLS), and refusing ones.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';
import { fixture } from '../emulator/state.js';

export interface TestProxy {
  /** e.g. http://127.0.0.1:PORT (with user:password@ when the proxy requires credentials). */
  url: string;
  port: number;
  /** Every CONNECT received, in order: its target (host:port) and Proxy-Authorization header. */
  connects: { target: string; authorization?: string }[];
  /** Local ports of the sockets the proxy opened to its targets (one per tunnel it opened). */
  upstreamPorts: Set<number>;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Require Basic credentials (answers 407 otherwise, as the `proxy` package does). */
  credentials?: { user: string; password: string };
  /** Serve the proxy itself over TLS (the emulator's certificate for localhost, or another one). */
  tls?: { key: string; cert: string };
  /** Host name the URL uses (default 127.0.0.1). */
  host?: string;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closer(server: net.Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as http.Server).closeAllConnections?.();
    });
}

/** A working CONNECT proxy (TooTallNate's `proxy`), recording what it was asked and which upstream sockets it opened. */
export async function startProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const base = options.tls
    ? https.createServer({ key: readFileSync(fixture(options.tls.key)), cert: readFileSync(fixture(options.tls.cert)) })
    : http.createServer();
  const server = createProxy(base);
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const connects: TestProxy['connects'] = [];
  const upstreamPorts = new Set<number>();
  // Runs next to the package's own CONNECT handler: once the tunnel is up, the package pipes its
  // upstream socket into the client's socket, which announces it with 'pipe'.
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
    connects.push({ target: req.url ?? '', authorization: req.headers['proxy-authorization'] });
    socket.on('pipe', (source: net.Socket) => {
      if (typeof source.localPort === 'number') upstreamPorts.add(source.localPort);
    });
  });
  if (options.credentials) {
    const expected = `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`;
    server.authenticate = (req) => req.headers['proxy-authorization'] === expected;
  }
  const port = await listen(server);
  const userinfo = options.credentials
    ? `${encodeURIComponent(options.credentials.user)}:${encodeURIComponent(options.credentials.password)}@`
    : '';
  const close = closer(server);
  return {
    url: `${options.tls ? 'https' : 'http'}://${userinfo}${options.host ?? '127.0.0.1'}:${port}`,
    port,
    connects,
    upstreamPorts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await close();
    },
  };
}

/**
 * A proxy that never opens a tunnel: answers every CONNECT with `status` (e.g. 403 for a host not on its
 * allow-list, 502 when it cannot reach the target), closes the connection, or never answers.
 */
export async function startRefusingProxy(behaviour: number | 'close' | 'silent'): Promise<TestProxy> {
  const connects: TestProxy['connects'] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
    connects.push({ target: req.url ?? '', authorization: req.headers['proxy-authorization'] });
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (behaviour === 'close') socket.destroy();
    else if (typeof behaviour === 'number')
      socket.end(`HTTP/1.1 ${behaviour} ${http.STATUS_CODES[behaviour] ?? 'Refused'}\r\nContent-Length: 0\r\n\r\n`);
  });
  const port = await listen(server);
  const close = closer(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects,
    upstreamPorts: new Set(),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await close();
    },
  };
}

/**
 * The environment that sends the connector through `proxyUrl` (or `undefined`: no proxy variable at all),
 * with the lower-case variants blanked so the test machine's own settings cannot take precedence.
 */
export function proxyEnv(proxyUrl: string | undefined, noProxy = ''): Record<string, string> {
  return {
    HTTPS_PROXY: proxyUrl ?? '',
    https_proxy: '',
    HTTP_PROXY: '',
    http_proxy: '',
    ALL_PROXY: '',
    all_proxy: '',
    NO_PROXY: noProxy,
    no_proxy: '',
  };
}
