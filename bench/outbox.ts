/**
 * The embedded mailer's cost per send as the outbox fills: a firm on the default mailer keeps every message it ever
 * sent in one folder, and a payment sends two (the receipt and the staff notice). Prints the wall and CPU time per
 * send of --sends new messages with 0, 2,000 and --messages messages already in the outbox.
 *
 *   npm run bench:outbox -- --messages 20000 --sends 200
 *
 * `--before <path to an outbox.ts>` measures another version of the mailer beside this one (side by side, same run).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createOutboxMailer } from '../connectors/mail/outbox';
import { keyHash } from '../connectors/mail/message';
import { runBench } from './support/stack';
import { numberOption, stringOption } from './support/timing';

type MakeMailer = typeof createOutboxMailer;

async function perSend(make: MakeMailer, existing: number, sends: number): Promise<{ wallMs: number; cpuMs: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'matterpay-outbox-bench-'));
  try {
    // Messages of an earlier month, named as the outbox names them.
    for (let i = 0; i < existing; i++)
      await writeFile(path.join(dir, `20261101T090000Z-${keyHash(`earlier-${i}`)}.eml`), 'Subject: earlier\r\n\r\n.');
    const mailer = make({ dir, from: 'billing@firm.example' });
    const message = (key: string) => ({
      to: 'client@example.com',
      subject: 'Receipt',
      text: 'Thank you.',
      idempotencyKey: key,
    });
    await mailer.send(message('first send of this process'));
    const wallStart = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < sends; i++) await mailer.send(message(`receipt-${i}`));
    const cpu = process.cpuUsage(cpuStart);
    return {
      wallMs: Number(process.hrtime.bigint() - wallStart) / 1e6 / sends,
      cpuMs: (cpu.user + cpu.system) / 1000 / sends,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const messages = numberOption(argv, 'messages', 20_000);
  const sends = numberOption(argv, 'sends', 200);
  const beforePath = stringOption(argv, 'before');
  const versions: Array<[string, MakeMailer]> = [['this checkout', createOutboxMailer]];
  if (beforePath) {
    // Required, not imported: the TypeScript hook bin/run-ts.js installs is a require hook.
    const before = createRequire(__filename)(path.resolve(beforePath)) as { createOutboxMailer: MakeMailer };
    versions.unshift([`before (${beforePath})`, before.createOutboxMailer]);
  }
  console.log(`machine: ${os.cpus().length} cores, node ${process.version}; ${sends} sends per figure`);
  for (const existing of [...new Set([0, Math.min(2_000, messages), messages])])
    for (const [label, make] of versions) {
      const figure = await perSend(make, existing, sends);
      console.log(
        `${label}: ${existing} messages in the outbox: ${figure.wallMs.toFixed(2)} ms wall, ${figure.cpuMs.toFixed(2)} ms CPU per send`,
      );
    }
}

runBench(main);
