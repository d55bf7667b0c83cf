import net from 'node:net';
import { startTemporalDevServerOnFreePorts } from '../../worker/engine/temporal-dev-server';
import { freePort } from '../support/ports';

/**
 * The dev server's ports are picked a moment before it binds them, and one can be taken in between (CI: `listen tcp
 * 127.0.0.1:38051: bind: address already in use` from its UI server failed the whole run's set-up). It starts again
 * on fresh ports instead.
 */
describe('the embedded Temporal dev server on picked ports', () => {
  it('starts on fresh ports when the UI port picked for it was taken before it bound it', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as net.AddressInfo).port;
    const picks = [await freePort(), taken];
    const picked: number[] = [];
    const pickPort = async () => {
      const port = picks.shift() ?? (await freePort());
      picked.push(port);
      return port;
    };
    try {
      const server = await startTemporalDevServerOnFreePorts({ namespace: 'default' }, pickPort);
      try {
        expect(picked.slice(0, 2)).toEqual([expect.any(Number), taken]);
        expect(server.uiUrl).not.toContain(`:${taken}`);
        // At least one more pair was picked: under load one of those can be taken too, and is picked again.
        expect(picked.length).toBeGreaterThanOrEqual(4);
      } finally {
        await server.stop();
      }
    } finally {
      squatter.close();
    }
  }, 120_000);
});
