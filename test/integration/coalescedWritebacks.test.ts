import { coalescedNote } from '../../activities/coalescedNote';
import { writebackActivities } from '../../activities/writebacks';
import { WritebackDrainer } from '../../activities/writebackDrainer';
import { WritebackRepository, type WritebackPayload } from '../../store/writebacks';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';

/**
 * The write-back queue writes the notes of one moment as one note (issue 14), and keeps its guarantee for that note:
 * a note whose earlier attempt may have reached Clio is looked for before it is written again.
 */
describe('coalesced write-backs', () => {
  let h: BillingHarness;
  useBillingHarness(devServerEnvironment, async (_env, harness) => {
    h = harness;
    await h.drainer.stop(); // drained by hand: each test decides when an attempt happens
  });

  const queue = () => new WritebackRepository(h.database.db);
  const drain = () =>
    writebackActivities({ db: h.database.db, firm: (id) => h.firms.get(id) }).drainWritebacks({ firmId: FIRM });
  const note = (subject: string, detail: string): WritebackPayload => ({
    kind: 'note',
    subject,
    detail,
    date: '2026-12-01',
  });
  const HOLD = 30 * 60_000;

  async function issueMoment(matterId: string, number: string) {
    const moment = `invoice/${number}/issue`;
    const facts = [
      [`invoice/${number}/drafted`, note(`Invoice ${number} drafted`, `Invoice ${number} drafted for $750.00.`)],
      [
        `invoice/${number}/trust-draw`,
        note(`Invoice ${number}: trust draw`, `$400.00 of trust funds applied to invoice ${number}.`),
      ],
    ] as const;
    for (const [key, payload] of facts)
      await queue().enqueue(FIRM, key, matterId, payload, undefined, { key: moment, closes: false, holdMs: HOLD });
    return async () =>
      queue().enqueue(
        FIRM,
        `invoice/${number}/issued`,
        matterId,
        note(
          `Invoice ${number}: invoice emailed`,
          `invoice emailed to the client for $350.00 due on invoice ${number}.`,
        ),
        undefined,
        { key: moment, closes: true, holdMs: HOLD },
      );
  }

  async function notesOn(matterId: number) {
    return (
      await h.control<{ notes: Array<{ matter_id: number; subject: string; detail: string }> }>(
        'GET',
        '/__sandbox/state',
      )
    ).notes.filter((n) => n.matter_id === matterId);
  }

  it('holds a moment until it closes, then writes it as one note with every fact and every fact’s marker', async () => {
    const matter = await h.createMatter();
    const number = `${matter.display_number}-1`;
    const close = await issueMoment(String(matter.id), number);
    await drain();
    expect(await notesOn(matter.id)).toEqual([]); // the moment is still open
    await close();
    await drain();
    const notes = await notesOn(matter.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.subject).toBe(`Invoice ${number}: drafted; trust draw; invoice emailed`);
    for (const fact of [
      `Invoice ${number} drafted for $750.00.`,
      `$400.00 of trust funds applied to invoice ${number}.`,
      `invoice emailed to the client for $350.00 due on invoice ${number}.`,
      `[matterpay invoice/${number}/drafted]`,
      `[matterpay invoice/${number}/trust-draw]`,
      `[matterpay invoice/${number}/issued]`,
    ])
      expect(notes[0]!.detail).toContain(fact);
    expect((await queue().list(FIRM, { matterId: String(matter.id) })).map((r) => r.state)).toEqual([
      'done',
      'done',
      'done',
    ]);
  });

  it('looks for the note an attempt whose claim lapsed may have written, and does not write it twice', async () => {
    const matter = await h.createMatter();
    const number = `${matter.display_number}-1`;
    const close = await issueMoment(String(matter.id), number);
    await close();
    // Attempt 1: the drain claims the moment and Clio takes the note, but the worker dies before it hears back.
    const batch = await queue().claimNext(FIRM, 60_000);
    expect(batch).toHaveLength(3);
    const lost = coalescedNote(
      batch.map((r) => {
        const p = r.payload as Extract<WritebackPayload, { kind: 'note' }>;
        return { key: r.idempotencyKey, subject: p.subject, detail: p.detail };
      }),
    );
    await h.services.practice.addMatterNote(
      String(matter.id),
      { subject: lost.subject, detail: lost.detail, date: '2026-12-01' },
      lost.key,
      { alsoKeys: lost.alsoKeys },
    );
    await h.database.db.query(
      `UPDATE practice_writebacks SET claimed_until = now() - interval '1 second' WHERE id = ANY($1)`,
      [batch.map((r) => r.id)],
    );
    await drain(); // attempt 2, on another worker
    expect(await notesOn(matter.id)).toHaveLength(1);
    expect((await queue().list(FIRM, { matterId: String(matter.id) })).every((r) => r.state === 'done')).toBe(true);
  });

  it('says an empty queue has nothing due, and its drainer looks once per idle period rather than in a loop', async () => {
    const quietFirm = 'firm-with-nothing-queued';
    expect(await queue().nextDueInMs(quietFirm)).toBeNull();

    const drainQuiet = writebackActivities({ db: h.database.db, firm: (id) => h.firms.get(id) }).drainWritebacks;
    let passes = 0;
    const drainer = new WritebackDrainer(
      async (input) => {
        passes++;
        return drainQuiet(input);
      },
      () => [quietFirm],
      { idleLookMs: 60_000 },
    );
    drainer.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await drainer.stop();
    }
    // The first look at start-up, and none after it until the idle period is up (a worker must not poll its
    // database in a loop while nothing is queued).
    expect(passes).toBe(1);
  });
});
