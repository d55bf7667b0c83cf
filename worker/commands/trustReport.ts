import type { Command } from 'commander';
import { commandAction, type CommandContext } from './context';
import { dateTime, iso, money, plural, table } from './format';
import { jsonOption } from './shared';

/**
 * `matterpay trust-report` (DESIGN §4.3, §8): matterpay's side of the three-way trust reconciliation. Per matter, the trust
 * draws matterpay recorded (not yet seen in the practice system), confirmed and reversed; and every draw still
 * unconfirmed after two days, which a bookkeeper must post in the practice system.
 *
 * Not in it yet, and said so rather than faked: the practice system's trust balance per matter (that needs the
 * practice-management connector) and the processor's deposits.
 */
export function registerTrustReportCommand(program: Command): void {
  program.command('trust-report')
    .description('trust draws per matter (recorded, confirmed, reversed) and draws unconfirmed for more than 2 days')
    .addOption(jsonOption())
    .action(commandAction(trustReport));
}

export const STALE_AFTER_MS = 2 * 86_400_000;

export const NOT_INCLUDED = [
  "Clio's trust balance per matter (compare it by hand with the draws above for now)",
  "the payment processor's trust deposits",
] as const;

type DrawState = 'recorded' | 'confirmed' | 'reversed';

interface DrawRow {
  id: number;
  matterId: string;
  matterDisplayNumber: string | null;
  invoiceNumber: string;
  amountCents: number;
  state: DrawState;
  recordedAt: Date;
  confirmedAt: Date | null;
}

interface Tally { count: number; amountCents: number }

export interface MatterTrustLine {
  matterId: string;
  matterDisplayNumber: string | null;
  recorded: Tally;
  confirmed: Tally;
  reversed: Tally;
}

async function trustReport(ctx: CommandContext, options: { json?: boolean }): Promise<void> {
  const db = await ctx.db();
  const now = new Date();
  const { rows } = await db.query(
    `SELECT d.id, d.matter_id, i.matter_display_number, d.invoice_number, d.amount_cents, d.state, d.recorded_at, d.confirmed_at
     FROM trust_draws d LEFT JOIN invoices i ON i.firm_id = d.firm_id AND i.invoice_number = d.invoice_number
     WHERE d.firm_id = $1 ORDER BY d.matter_id, d.id`,
    [ctx.firmId],
  );
  const draws: DrawRow[] = rows.map((r) => ({
    id: Number(r.id), matterId: r.matter_id, matterDisplayNumber: r.matter_display_number ?? null, invoiceNumber: r.invoice_number,
    amountCents: Number(r.amount_cents), state: r.state, recordedAt: r.recorded_at, confirmedAt: r.confirmed_at ?? null,
  }));

  const byMatter = new Map<string, MatterTrustLine>();
  for (const draw of draws) {
    let line = byMatter.get(draw.matterId);
    if (!line) {
      line = {
        matterId: draw.matterId, matterDisplayNumber: draw.matterDisplayNumber,
        recorded: { count: 0, amountCents: 0 }, confirmed: { count: 0, amountCents: 0 }, reversed: { count: 0, amountCents: 0 },
      };
      byMatter.set(draw.matterId, line);
    }
    line.matterDisplayNumber ??= draw.matterDisplayNumber;
    line[draw.state].count += 1;
    line[draw.state].amountCents += draw.amountCents;
  }
  const matters = [...byMatter.values()].sort((a, b) => (a.matterDisplayNumber ?? a.matterId).localeCompare(b.matterDisplayNumber ?? b.matterId));
  const stale = draws.filter((d) => d.state === 'recorded' && now.getTime() - d.recordedAt.getTime() > STALE_AFTER_MS);
  const sum = (state: DrawState): Tally => matters.reduce((t, m) => ({ count: t.count + m[state].count, amountCents: t.amountCents + m[state].amountCents }), { count: 0, amountCents: 0 });
  const totals = { recorded: sum('recorded'), confirmed: sum('confirmed'), reversed: sum('reversed') };
  const ageDays = (d: DrawRow) => Math.floor((now.getTime() - d.recordedAt.getTime()) / 86_400_000);

  if (options.json) {
    ctx.printJson({
      firmId: ctx.firmId,
      asOf: iso(now),
      staleAfterDays: STALE_AFTER_MS / 86_400_000,
      matters,
      totals,
      staleUnconfirmed: stale.map((d) => ({
        drawId: d.id, matterId: d.matterId, matterDisplayNumber: d.matterDisplayNumber, invoiceNumber: d.invoiceNumber,
        amountCents: d.amountCents, recordedAt: iso(d.recordedAt), ageDays: ageDays(d),
      })),
      notIncluded: NOT_INCLUDED,
    });
    return;
  }

  const tz = ctx.timeZone;
  const tally = (t: Tally) => (t.count === 0 ? '-' : `${money(t.amountCents)} (${t.count})`);
  const out: string[] = [`Trust draws of ${ctx.firmId} as of ${dateTime(now, tz)}: matterpay's side of the trust reconciliation`, ''];
  if (matters.length === 0) {
    out.push('No trust draws recorded.');
  } else {
    out.push(table(
      [{ header: 'Matter' }, { header: 'Recorded (unconfirmed)', align: 'right' }, { header: 'Confirmed', align: 'right' }, { header: 'Reversed', align: 'right' }],
      matters.map((m) => [m.matterDisplayNumber ? `${m.matterDisplayNumber} (id ${m.matterId})` : m.matterId, tally(m.recorded), tally(m.confirmed), tally(m.reversed)]),
      { footer: [['Total', tally(totals.recorded), tally(totals.confirmed), tally(totals.reversed)]] },
    ));
    out.push('  amounts with the number of draws in brackets');
  }
  out.push('');
  if (stale.length === 0) {
    out.push(`No draw has waited more than ${STALE_AFTER_MS / 86_400_000} days for the practice system to show it.`);
  } else {
    out.push(`NEEDS ATTENTION: ${plural(stale.length, 'draw')} unconfirmed for more than ${STALE_AFTER_MS / 86_400_000} days.`,
      'Post these transfers from the matter\'s trust account in the practice system:', '');
    out.push(table(
      [{ header: 'Matter' }, { header: 'Invoice' }, { header: 'Amount', align: 'right' }, { header: 'Recorded' }, { header: 'Age', align: 'right' }],
      stale.map((d) => [d.matterDisplayNumber ?? d.matterId, d.invoiceNumber, money(d.amountCents), dateTime(d.recordedAt, tz), plural(ageDays(d), 'day')]),
      { indent: '  ' },
    ));
  }
  out.push('', 'Not in this report yet:', ...NOT_INCLUDED.map((line) => `  - ${line}`));
  ctx.print(out.join('\n'));
}
