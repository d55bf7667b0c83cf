import { stringify } from 'csv-stringify/sync';
import type { FlagReason, MatterTrustLine, TrustReport } from '../../domain/trustReconciliation';
import { money, table } from './format';

/** How a trust report reads: in a terminal, and as a CSV a bookkeeper opens in a spreadsheet. */

const REASON_WORDS: Record<FlagReason, string> = {
  'draw-not-posted': 'draw not posted',
  'processor-deposit-missing-from-ledger': 'deposit missing from ledger',
  'negative-client-balance': 'negative client balance',
  'withdrawal-exceeds-balance': 'withdrawal exceeds balance',
  'bank-difference': 'bank difference',
};

const tally = (t: { count: number; amountCents: number }) =>
  t.count === 0 ? '-' : `${money(t.amountCents)} (${t.count})`;
const matterName = (m: { matterDisplayNumber: string | null; matterId: string | null }) =>
  m.matterDisplayNumber ?? (m.matterId ? `matter ${m.matterId}` : 'no matter');

export interface SignatureLine {
  signedBy: string;
  signedAt: string;
  revision: number;
  withExceptions: boolean;
}

export function renderTrustReport(
  report: TrustReport,
  options: { asOf: string; signature?: SignatureLine | null },
): string {
  const out: string[] = [
    `Trust reconciliation of ${report.firmId} for ${report.month} (${report.periodStart} to ${report.periodEnd}), as of ${options.asOf}`,
  ];
  if (options.signature) {
    const s = options.signature;
    out.push(
      `SIGNED by ${s.signedBy} at ${s.signedAt} (revision ${s.revision}${s.withExceptions ? ', with exceptions' : ''}): the month as it was signed; later changes do not alter it.`,
    );
  }
  out.push('');
  if (report.matters.length === 0) {
    out.push('No trust activity: no ledger lines, draws or processor trust deposits.');
  } else {
    const columns = [
      { header: 'Matter' },
      { header: 'Opening', align: 'right' as const },
      { header: 'Deposits', align: 'right' as const },
      { header: 'Withdrawals', align: 'right' as const },
      { header: 'Closing', align: 'right' as const },
      { header: 'Draws unconfirmed', align: 'right' as const },
      { header: 'Confirmed', align: 'right' as const },
      { header: 'Reversed', align: 'right' as const },
      { header: 'Processor deposits', align: 'right' as const },
      { header: 'Flags' },
    ];
    const row = (m: MatterTrustLine) => [
      matterName(m),
      money(m.ledger.openingCents),
      money(m.ledger.depositsCents),
      money(m.ledger.withdrawalsCents),
      money(m.ledger.closingCents),
      tally(m.draws.recorded),
      tally(m.draws.confirmed),
      tally(m.draws.reversed),
      tally(m.processorDeposits),
      m.flags.length ? String(m.flags.length) : '',
    ];
    const t = report.totals;
    out.push(
      '          |---------- practice system trust ledger ----------|  |------- matterpay draws -------|  processor',
    );
    out.push(
      table(columns, report.matters.map(row), {
        footer: [
          [
            'Total',
            money(t.ledger.openingCents),
            money(t.ledger.depositsCents),
            money(t.ledger.withdrawalsCents),
            money(t.ledger.closingCents),
            tally(t.draws.recorded),
            tally(t.draws.confirmed),
            tally(t.draws.reversed),
            tally(t.processorDeposits),
            report.flags.length ? String(report.flags.length) : '',
          ],
        ],
      }),
    );
    out.push('  draws and deposits: amount (count); draws recorded in the month, by their state now');
  }
  const u = report.unassignedLedger;
  if (u.depositsCents || u.withdrawalsCents || u.closingCents) {
    out.push(
      '',
      `Trust journal lines on no client matter: deposits ${money(u.depositsCents)}, withdrawals ${money(u.withdrawalsCents)}, balance ${money(u.closingCents)}`,
    );
  }
  const others = report.matters.flatMap((m) => m.otherWithdrawals.map((w) => ({ m, w })));
  if (others.length) {
    out.push('', 'Withdrawals that confirm no matterpay draw (shown, never used to confirm one):');
    out.push(
      table(
        [
          { header: 'Matter' },
          { header: 'Date' },
          { header: 'Amount', align: 'right' },
          { header: 'Ledger' },
          { header: 'Description' },
        ],
        others.map(({ m, w }) => [matterName(m), w.date, money(w.amountCents), w.entryId, w.description]),
        { indent: '  ' },
      ),
    );
  }
  if (report.threeWay) {
    const w = report.threeWay;
    out.push('', `Three-way check against the bank statement of ${w.statementDate}:`);
    const lines: string[][] = [['Bank statement ending balance', money(w.statementBalanceCents)]];
    for (const item of w.reconcilingItems) {
      lines.push([
        `  ${item.kind === 'deposit in transit' ? '+ deposit in transit' : '- outstanding withdrawal'} ${item.date} ${item.matterDisplayNumber ?? ''} ${item.description}`.replace(
          /\s+/g,
          ' ',
        ),
        money(item.kind === 'deposit in transit' ? item.amountCents : -item.amountCents),
      ]);
    }
    lines.push(
      ['= Adjusted bank balance', money(w.adjustedBankBalanceCents)],
      ['Trust journal balance', money(w.journalBalanceCents)],
      ['Sum of client ledgers', money(w.clientLedgersCents)],
    );
    out.push(table([{ header: 'Figure' }, { header: 'Amount', align: 'right' }], lines, { indent: '  ' }));
    out.push(
      w.differences.length ? w.differences.map((d) => `  Difference: ${d}`).join('\n') : '  The three figures agree.',
    );
  } else {
    out.push(
      '',
      'Bank side not checked: give --bank-balance and --statement-date (from the bank statement) for the three-way check.',
    );
  }
  out.push('');
  if (report.flags.length === 0) {
    out.push('Every line reconciles.');
  } else {
    out.push(
      `FLAGGED: ${report.flags.length} line${report.flags.length === 1 ? '' : 's'} do${report.flags.length === 1 ? 'es' : ''} not reconcile:`,
    );
    out.push(
      table(
        [
          { header: 'Matter' },
          { header: 'Reason' },
          { header: 'Amount', align: 'right' },
          { header: 'Line' },
          { header: 'Detail' },
        ],
        report.flags.map((f) => [matterName(f), REASON_WORDS[f.reason], money(f.amountCents), f.subject, f.detail]),
        { indent: '  ' },
      ),
    );
  }
  return out.join('\n');
}

const dollars = (cents: number) => (cents / 100).toFixed(2);

/** One row per matter and a total, amounts in dollars (a spreadsheet's own number format), flags by reason. */
export function trustReportCsv(report: TrustReport): string {
  const header = [
    'month',
    'matter',
    'matter_id',
    'opening',
    'deposits',
    'withdrawals',
    'closing',
    'draws_unconfirmed',
    'draws_confirmed',
    'draws_reversed',
    'processor_trust_deposits',
    'flags',
  ];
  const rows = report.matters.map((m) => [
    report.month,
    m.matterDisplayNumber ?? '',
    m.matterId,
    dollars(m.ledger.openingCents),
    dollars(m.ledger.depositsCents),
    dollars(m.ledger.withdrawalsCents),
    dollars(m.ledger.closingCents),
    dollars(m.draws.recorded.amountCents),
    dollars(m.draws.confirmed.amountCents),
    dollars(m.draws.reversed.amountCents),
    dollars(m.processorDeposits.amountCents),
    m.flags.map((f) => `${REASON_WORDS[f.reason]}: ${f.detail}`).join(' | '),
  ]);
  const t = report.totals;
  const unassignedFlags = report.flags.filter((f) => f.matterId === null);
  rows.push([
    report.month,
    'TOTAL',
    '',
    dollars(t.ledger.openingCents),
    dollars(t.ledger.depositsCents),
    dollars(t.ledger.withdrawalsCents),
    dollars(t.ledger.closingCents),
    dollars(t.draws.recorded.amountCents),
    dollars(t.draws.confirmed.amountCents),
    dollars(t.draws.reversed.amountCents),
    dollars(t.processorDeposits.amountCents),
    unassignedFlags.map((f) => `${REASON_WORDS[f.reason]}: ${f.detail}`).join(' | '),
  ]);
  return stringify([header, ...rows]);
}
