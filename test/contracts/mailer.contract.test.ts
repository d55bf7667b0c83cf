/**
 * The mailer contract, written against the port alone and run against every implementation with its peer
 * (registry.ts): a message arrives as sent, once per idempotency key, and a server's refusal is a typed error.
 */
import { VendorRejectedError, VendorUnavailableError } from '../../connectors/errors';
import type { MailMessage } from '../../connectors/ports';
import { mailerImplementations } from './registry';
import type { MailerRig } from './rigs';

const message = (key: string): MailMessage => ({
  to: 'client@example.com',
  subject: `Invoice ${key}`,
  text: 'Your invoice is ready.',
  idempotencyKey: key,
});

describe.each(mailerImplementations)('mailer contract: $name', (peer) => {
  let rig: MailerRig;
  beforeAll(async () => {
    rig = await peer.start();
  });
  afterAll(async () => {
    await rig?.stop();
  });
  const onServer = peer.remote ? it : it.skip;

  it('delivers the message, under the Message-ID it returns', async () => {
    const { messageId } = await rig.mailer.send(message('invoice-email:INV-1'));
    const arrived = (await rig.received()).filter((m) => m.messageId === messageId);
    expect(arrived).toEqual([{ messageId, to: 'client@example.com', subject: 'Invoice invoice-email:INV-1' }]);
  });

  it('a resend under the same key is the same message: one Message-ID', async () => {
    const first = await rig.mailer.send(message('invoice-email:INV-2'));
    const again = await rig.mailer.send(message('invoice-email:INV-2'));
    expect(again.messageId).toBe(first.messageId);
    const ids = new Set(
      (await rig.received()).filter((m) => m.subject === 'Invoice invoice-email:INV-2').map((m) => m.messageId),
    );
    expect([...ids]).toEqual([first.messageId]);
  });

  onServer('a permanent refusal (550) is a VendorRejectedError', async () => {
    rig.replyWith!(550);
    await expect(rig.mailer.send(message('invoice-email:INV-3'))).rejects.toBeInstanceOf(VendorRejectedError);
  });

  onServer('a temporary refusal (451) is a VendorUnavailableError', async () => {
    rig.replyWith!(451);
    await expect(rig.mailer.send(message('invoice-email:INV-4'))).rejects.toBeInstanceOf(VendorUnavailableError);
  });

  onServer('a server that is gone is a VendorUnavailableError', async () => {
    await rig.takeServerDown!();
    await expect(rig.mailer.send(message('invoice-email:INV-5'))).rejects.toBeInstanceOf(VendorUnavailableError);
  });
});
