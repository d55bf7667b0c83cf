/** A reading of an invoice's row, stamped with the row's revision (migration 0014); older histories have none. */
export interface InvoiceReading {
  revision?: number;
  amountDueCents: number;
}

export type CatchUp<T extends InvoiceReading> =
  { take: 'the store' } | { take: 'the newest woken'; reading: T } | { take: 'what it holds' };

/**
 * What an invoice's workflow takes after payments woke it (docs/domain.md §4.6): each wake-up brings the invoice as its
 * payment's transaction left it. The highest revision is the newest state the store has shown; one no newer than
 * the workflow's own reading changes nothing. Any wake-up that brought no reading (another invoice's payment whose
 * credit paid this one down, an older worker), or a reading without a revision, sends the workflow to the store: it
 * cannot know what that change was. So does a newest reading with nothing due: it would end the reminders for good,
 * and a void or refund of that payment may be committed already, its own wake-up still on the way. It costs one read
 * on an invoice's last payment; the partial ones before it read nothing.
 */
export function catchUpAfterWakeUps<T extends InvoiceReading>(
  held: T | null,
  woken: ReadonlyArray<T | null | undefined>,
): CatchUp<T> {
  if (held?.revision === undefined) return { take: 'the store' };
  let newest = held;
  for (const reading of woken) {
    if (reading?.revision === undefined) return { take: 'the store' };
    if (reading.revision > (newest.revision ?? -1)) newest = reading;
  }
  if (newest === held) return { take: 'what it holds' };
  if (newest.amountDueCents === 0) return { take: 'the store' };
  return { take: 'the newest woken', reading: newest };
}
