import fs from 'node:fs';
import { createActivities, type Activities } from '../../activities';
import type { FirmServices } from '../../activities/deps';
import type { Payment } from '../../connectors/ports';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';

/**
 * Found by the chaos harness (seed 1, `npm run chaos -- --payments 30 --seed 1 --kills 3`): "reminder-1 sent after
 * 00019-18-1 was paid". The reminder activity read the balance, then waited seconds on the practice system (rate
 * limited, slow), and sent the reminder for money the client had paid meanwhile. Replayed here: the payment is applied
 * while the practice-system read is in progress.
 */
describe('a reminder racing a payment', () => {
  let h: BillingHarness;
  let activities: Activities;
  let releaseMatterRead: (() => void) | null = null;
  let matterReadStarted: (() => void) | null = null;

  useBillingHarness(devServerEnvironment, async (_env, harness) => {
    h = harness;
    const practice = harness.services.practice;
    const slowPractice: FirmServices['practice'] = Object.assign(Object.create(practice) as FirmServices['practice'], {
      async getMatter(matterId: string) {
        if (matterReadStarted) {
          const started = matterReadStarted;
          matterReadStarted = null;
          started();
          await new Promise<void>((resolve) => {
            releaseMatterRead = resolve;
          });
        }
        return practice.getMatter(matterId);
      },
    });
    const services = { ...harness.services, practice: slowPractice };
    activities = createActivities({ db: harness.database.db, firm: () => services });
  });

  it('sends no reminder for an invoice paid while the reminder was being prepared', async () => {
    const matter = await h.createMatter({ client: { name: 'Rae Racer', email: 'rae@client.test' } });
    const entry = await h.addEntry(matter.id, 2, 20_000);
    const draft = await activities.draftInvoice({
      firmId: FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'hourly',
      period: '2026-11',
      lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents: 40_000 }],
    });
    const number = draft.invoiceNumber!;
    await activities.issueInvoice({ firmId: FIRM, invoiceNumber: number, nowMs: Date.now() });

    const readStarted = new Promise<void>((resolve) => {
      matterReadStarted = resolve;
    });
    const reminder = activities.deliverInvoice({ firmId: FIRM, invoiceNumber: number, purpose: 'reminder-1' });
    await readStarted;
    const payment: Payment = {
      processor: 'lawpay',
      transactionId: `txn_race_${Date.now()}`,
      kind: 'charge',
      status: 'completed',
      amountCents: 40_000,
      currency: 'USD',
      reference: number,
      accountKind: 'operating',
      occurredAt: new Date().toISOString(),
      chargeTransactionId: null,
      account: null,
    };
    await activities.applyPayment({ firmId: FIRM, payment });
    releaseMatterRead!();

    expect(await reminder).toBe('nothing due');
    const { rows } = await h.database.db.query(
      `SELECT idempotency_key FROM outbound_messages WHERE firm_id = $1 AND idempotency_key LIKE '%reminder%'`,
      [FIRM],
    );
    expect(rows).toEqual([]);
    const reminders = fs.existsSync(h.outboxDir)
      ? fs
          .readdirSync(h.outboxDir)
          .filter((f) => f.endsWith('.eml') && fs.readFileSync(`${h.outboxDir}/${f}`, 'utf8').includes('Reminder'))
      : [];
    expect(reminders).toEqual([]);
  });
});
