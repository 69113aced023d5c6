// A TCP listener that only counts connections: proves a command made no network request at all.
import { createServer, type Server } from 'node:net';

export interface ConnectionCounter {
  url: string;
  connections(): number;
  close(): Promise<void>;
}

export async function countConnections(): Promise<ConnectionCounter> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
