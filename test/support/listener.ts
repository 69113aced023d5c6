// A TCP listener that only counts connections: proves a command made no network request at all.
import { createServer, type Server, type Socket } from 'node:net';

export interface ConnectionCounter {
  url: string;
  connections(): number;
  close(): Promise<void>;
}

/**
 * Counts every connection, then answers it with plain HTTP on what the client takes for an HTTPS port: the
 * client's TLS handshake fails at once (EPROTO), so a command that does connect ends quickly instead of
 * retrying a reset connection.
 */
export async function countConnections(): Promise<ConnectionCounter> {
  let count = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {}); // the client may reset first
    socket.resume(); // read (and drop) what the client sends, so that its close is seen and the socket ends
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    connections: () => count,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      }),
  };
}
