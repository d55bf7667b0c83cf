import { writebackActivities } from '../../activities/writebacks';
import { ClioPracticeManagement } from '../../connectors/clio/practice';
import { REVIEW_FLAG_FIELD_NAME } from '../../connectors/clio/constants';
import { WritebackRepository } from '../../store/writebacks';
import { BillingHarness, FIRM, useBillingHarness } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';

/**
 * A write-back that sets a field on a matter (the attorney-review flag, the client reference) reads the matter and
 * then writes it. Two workers drain one firm's queue at once (activities/writebackDrainer.ts): two such writes to one
 * matter must not interleave, or the second is refused by Clio and dead-lettered (the chaos CI run found it).
 */
describe('field write-backs to one matter from two workers at once', () => {
  let h: BillingHarness;
  useBillingHarness(devServerEnvironment, async (_env, harness) => {
    h = harness;
    await h.drainer.stop(); // drained by hand: each test decides which worker drains when
  });

  const queue = () => new WritebackRepository(h.database.db);
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
