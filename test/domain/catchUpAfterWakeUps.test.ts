import { catchUpAfterWakeUps } from '../../domain/invoiceReadings';

describe('catch up after wake-ups: an invoice takes the newest reading its payments brought, never an older one', () => {
  const reading = (revision: number | undefined, amountDueCents: number) => ({ revision, amountDueCents });

  it('takes the highest revision, whatever order the wake-ups came in ($300 due after two payments, not $600)', () => {
    const held = reading(4, 90_000);
    const outcome = catchUpAfterWakeUps(held, [reading(6, 30_000), reading(5, 60_000)]);
    expect(outcome).toEqual({ take: 'the newest woken', reading: reading(6, 30_000) });
  });

  it('keeps what it holds when a late wake-up is older than its own reading', () => {
    expect(catchUpAfterWakeUps(reading(7, 0), [reading(5, 60_000)])).toEqual({ take: 'what it holds' });
    expect(catchUpAfterWakeUps(reading(7, 0), [reading(7, 0)])).toEqual({ take: 'what it holds' });
  });

  it('reads the store when the newest reading says nothing is due: that ends the reminders, so the store must agree', async () => {
    // Paid in full at revision 6, but a void of that charge may already be committed at 7, its wake-up still on the way.
    expect(catchUpAfterWakeUps(reading(5, 90_000), [reading(6, 0)])).toEqual({ take: 'the store' });
    // An older reading of $0 is no news: it is not taken, and nothing is read.
    expect(catchUpAfterWakeUps(reading(7, 90_000), [reading(6, 0)])).toEqual({ take: 'what it holds' });
  });

  it('reads the store when any wake-up brought no reading: another payment may have changed the invoice', () => {
    expect(catchUpAfterWakeUps(reading(4, 90_000), [reading(6, 30_000), null])).toEqual({ take: 'the store' });
    expect(catchUpAfterWakeUps(reading(4, 90_000), [undefined])).toEqual({ take: 'the store' });
  });

  it('reads the store when a reading has no revision (recorded before revisions), its own or a woken one', () => {
    expect(catchUpAfterWakeUps(reading(undefined, 90_000), [reading(6, 30_000)])).toEqual({ take: 'the store' });
    expect(catchUpAfterWakeUps(reading(4, 90_000), [reading(undefined, 30_000)])).toEqual({ take: 'the store' });
    expect(catchUpAfterWakeUps(null, [reading(6, 30_000)])).toEqual({ take: 'the store' });
  });
});
