import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a local port, whose connections can be cut at once: what a
 * network drop does to a client (its sockets end; new ones connect again, as after the network
 * came back).
 */
export async function startTcpProxy(targetPort: number): Promise<{
  port: number;
  cut: () => void;
  /** From now on, answers are held back (the requests still go through): a lost answer. */
  holdAnswers: () => void;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let holding = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!holding) client.write(chunk);
    });
    upstream.once('end', () => {
      if (!holding) client.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    holdAnswers: () => {
      holding = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
