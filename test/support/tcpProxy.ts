import net from 'node:net';

/**
 * A TCP proxy we can cut and restore: "Temporal is down" for the ingress, without stopping the shared dev server.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<{
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Connections stay open but nothing passes either way: a network path that stopped answering, not a refusal. */
  freeze(): void;
  stop(): Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  let frozen = false;
  const halt = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  };
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        // The two sides close together: a client whose upstream is gone (the server restarted) must see its
        // connection drop, as it would without the proxy, instead of holding a socket nothing answers.
        const pair = [client, upstream];
        for (const s of pair) {
          sockets.add(s);
          s.on('close', () => {
            sockets.delete(s);
            for (const other of pair) other.destroy();
          });
          s.on('error', () => s.destroy());
        }
        const both: [net.Socket, net.Socket] = [client, upstream];
        pairs.add(both);
        client.on('close', () => pairs.delete(both));
        if (frozen) halt(both);
        else client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        const address = server!.address();
        port = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await listen();
  return {
    get port() {
      return port;
    },
    cut,
    restore: listen,
    freeze() {
      frozen = true;
      for (const pair of pairs) halt(pair);
    },
    stop: cut,
  };
}
