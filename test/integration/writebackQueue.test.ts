import { coalescedNote } from '../../activities/coalescedNote';
import { writebackActivities } from '../../activities/writebacks';
import { ClioPracticeManagement } from '../../connectors/clio/practice';
import { REVIEW_FLAG_FIELD_NAME } from '../../connectors/clio/constants';
import { WritebackRepository, type WritebackPayload } from '../../store/writebacks';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';

/**
 * The write-back queue writes the notes of one moment as one note (issue 14), and keeps its guarantee for that note:
 * a note whose earlier attempt may have reached Clio is looked for before it is written again.
 */
describe('the write-back queue', () => {
  let h: BillingHarness;
  useBillingHarness(devServerEnvironment, async (_env, harness) => {
    h = harness;
    await h.drainer.stop(); // drained by hand: each test decides when an attempt happens, and by which worker
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

  /**
   * A write-back that sets a field on a matter (the attorney-review flag, the client reference) reads the matter and
   * then writes it. Two workers drain one firm's queue at once (activities/writebackDrainer.ts): two such writes to one
   * matter must not interleave, or the second is refused by Clio and dead-lettered (the chaos CI run found it).
   */
  describe('field write-backs to one matter from two workers at once', () => {
    /** A worker process of its own: its own connector, so its own cache of the review field's id. */
    const worker = () => {
      const practice = new ClioPracticeManagement(h.clioHttp);
      const services = h.firms.get(FIRM);
      return writebackActivities({ db: h.database.db, firm: () => ({ ...services, practice }) });
    };
    const state = () =>
      h.control<{
        custom_fields: Array<{ id: number; name: string }>;
        custom_field_values: Array<{ matter_id: number; field_name: string | null; value: unknown }>;
      }>('GET', '/__sandbox/state');

    const drainAtOnce = async () => {
      const results = await Promise.all([
        worker().drainWritebacks({ firmId: FIRM }),
        worker().drainWritebacks({ firmId: FIRM }),
      ]);
      await worker().drainWritebacks({ firmId: FIRM }); // whatever one worker held back for the other
      return results;
    };
    const flag = (matterId: number, invoice: string) =>
      queue().enqueue(FIRM, `invoice/${invoice}/escalated/flag`, String(matterId), {
        kind: 'review_flag',
        flagged: true,
      });
    const flagsOn = async (matterId: number) =>
      (await state()).custom_field_values.filter(
        (v) => v.matter_id === matterId && v.field_name === REVIEW_FLAG_FIELD_NAME,
      );
    const rowsOf = async (matterId: number) =>
      (await queue().list(FIRM, { matterId: String(matterId) })).map((r) => [r.state, r.lastError]);

    it('makes the review field once when two workers flag the firm’s first two matters at once', async () => {
      const [a, b] = [await h.createMatter(), await h.createMatter()];
      await flag(a.id, `${a.display_number}-1`);
      await flag(b.id, `${b.display_number}-1`);

      const results = await drainAtOnce();

      expect([...(await rowsOf(a.id)), ...(await rowsOf(b.id))]).toEqual([
        ['done', null],
        ['done', null],
      ]);
      expect(results.map((r) => r.deadLettered)).toEqual([0, 0]);
      expect((await state()).custom_fields.filter((f) => f.name === REVIEW_FLAG_FIELD_NAME)).toHaveLength(1);
      expect(await flagsOn(a.id)).toEqual([expect.objectContaining({ value: true })]);
      expect(await flagsOn(b.id)).toEqual([expect.objectContaining({ value: true })]);
    });

    it('flags a matter escalated by two invoices at once, and dead-letters nothing', async () => {
      const matter = await h.createMatter();
      await flag(matter.id, `${matter.display_number}-1`);
      await flag(matter.id, `${matter.display_number}-2`);

      const results = await drainAtOnce();

      expect(await rowsOf(matter.id)).toEqual([
        ['done', null],
        ['done', null],
      ]);
      expect(results.map((r) => r.deadLettered)).toEqual([0, 0]);
      expect(await flagsOn(matter.id)).toEqual([expect.objectContaining({ value: true })]);
    });

    it('writes one matter’s field write-backs in the order they were queued, one at a time', async () => {
      const matter = await h.createMatter();
      for (const [n, reference] of ['first', 'second', 'third'].entries())
        await queue().enqueue(FIRM, `reference/${matter.id}/${n}`, String(matter.id), { kind: 'reference', reference });

      // Worker A holds the first; worker B may not write the second over it, nor the third before the second.
      const [first] = await queue().claimNext(FIRM, 60_000);
      expect(first?.payload).toEqual({ kind: 'reference', reference: 'first' });
      expect(await queue().claimNext(FIRM, 60_000)).toEqual([]);
      await queue().markDone(first!.id);
      const [second] = await queue().claimNext(FIRM, 60_000);
      expect(second?.payload).toEqual({ kind: 'reference', reference: 'second' });
    });
  });
});
