import { localDate } from './dates';
import { formatCents } from './money';

/**
 * The monthly three-way trust reconciliation (TRUST.md §2, docs/domain.md §4.3): per matter and in total, the practice
 * system's trust ledger, matterpay's draws and the processor's trust deposits, each line that does not reconcile
 * flagged with its reason; with the bank statement's balance, the adjusted bank balance = the trust journal = the
 * sum of the client ledgers, each difference explained. Pure: the data is gathered elsewhere.
 */

export interface ReportLedgerEntry {
  id: string;
  matterId: string | null;
  matterDisplayNumber: string | null;
  date: string;
  depositCents: number;
  withdrawalCents: number;
  description: string;
}

export interface ReportDraw {
  id: number;
  matterId: string;
  matterDisplayNumber: string | null;
  invoiceNumber: string;
  amountCents: number;
  state: 'recorded' | 'confirmed' | 'reversed';
  recordedAt: string;
  confirmedAt: string | null;
  confirmedBy: string | null;
  ledgerEntryId: string | null;
  reversedAt: string | null;
  reversedBy: string | null;
}

export interface ProcessorTrustDeposit {
  processor: string;
  transactionId: string;
  amountCents: number;
  reference: string | null;
  occurredAt: string;
  /** The matter the deposit's reference names, when matterpay can tell. */
  matterId: string | null;
  matterDisplayNumber: string | null;
}

export interface TrustReportData {
  firmId: string;
  month: string;
  timeZone: string;
  generatedAt: string;
  ledger: ReportLedgerEntry[];
  draws: ReportDraw[];
  processorDeposits: ProcessorTrustDeposit[];
}

export interface BankStatement {
  balanceCents: number;
  /** YYYY-MM-DD, within the month. */
  statementDate: string;
}

export type FlagReason =
  | 'draw-not-posted'
  | 'processor-deposit-missing-from-ledger'
  | 'negative-client-balance'
  | 'withdrawal-exceeds-balance'
  | 'bank-difference';

export interface TrustFlag {
  reason: FlagReason;
  matterId: string | null;
  matterDisplayNumber: string | null;
  amountCents: number;
  /** What the flagged line is: `draw 12`, `ledger 60004`, `lawpay txn_…`. */
  subject: string;
  detail: string;
}

interface Tally {
  count: number;
  amountCents: number;
}

export interface MatterTrustLine {
  matterId: string;
  matterDisplayNumber: string | null;
  ledger: { openingCents: number; depositsCents: number; withdrawalsCents: number; closingCents: number };
  draws: { recorded: Tally; confirmed: Tally; reversed: Tally };
  processorDeposits: Tally;
  /** Withdrawals in the period that confirm no draw (a filing fee paid from trust): shown, never used. */
  otherWithdrawals: Array<{ entryId: string; date: string; amountCents: number; description: string }>;
  flags: TrustFlag[];
}

export interface ThreeWayCheck {
  statementDate: string;
  statementBalanceCents: number;
  reconcilingItems: Array<{
    kind: 'deposit in transit' | 'outstanding withdrawal';
    entryId: string;
    date: string;
    amountCents: number;
    description: string;
    matterDisplayNumber: string | null;
  }>;
  adjustedBankBalanceCents: number;
  journalBalanceCents: number;
  clientLedgersCents: number;
  /** Journal lines on no client matter (the firm's own money kept in trust for bank fees). */
  unassignedCents: number;
  differences: string[];
  balanced: boolean;
}

export interface TrustReport {
  firmId: string;
  month: string;
  periodStart: string;
  periodEnd: string;
  generatedAt: string;
  postWithinDays: number;
  matters: MatterTrustLine[];
  totals: {
    ledger: MatterTrustLine['ledger'];
    draws: MatterTrustLine['draws'];
    processorDeposits: Tally;
  };
  unassignedLedger: { depositsCents: number; withdrawalsCents: number; closingCents: number };
  flags: TrustFlag[];
  threeWay: ThreeWayCheck | null;
}

const emptyTally = (): Tally => ({ count: 0, amountCents: 0 });
const add = (t: Tally, cents: number) => {
  t.count += 1;
  t.amountCents += cents;
};

export function monthBounds(month: string): { start: string; end: string } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw new Error(`month must be YYYY-MM, got "${month}"`);
  const [year, mm] = [Number(match[1]), Number(match[2])];
  const lastDay = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  return { start: `${month}-01`, end: `${month}-${String(lastDay).padStart(2, '0')}` };
}

/** Ledger order: by date, then in the order the lines were entered (ids grow). */
function ledgerOrder(a: ReportLedgerEntry, b: ReportLedgerEntry): number {
  return a.date.localeCompare(b.date) || a.id.localeCompare(b.id, undefined, { numeric: true });
}

export function buildTrustReport(
  data: TrustReportData,
  options: { postWithinMs: number; bank?: BankStatement },
): TrustReport {
  const { start, end } = monthBounds(data.month);
  if (options.bank && (options.bank.statementDate < start || options.bank.statementDate > end)) {
    throw new Error(
      `the statement date ${options.bank.statementDate} is not in ${data.month}: report the month the statement closes`,
    );
  }
  const tz = data.timeZone;
  const generatedMs = Date.parse(data.generatedAt);
  const ledger = [...data.ledger].sort(ledgerOrder);
  const lines = new Map<string, MatterTrustLine>();
  const line = (matterId: string, displayNumber: string | null): MatterTrustLine => {
    let found = lines.get(matterId);
    if (!found) {
      found = {
        matterId,
        matterDisplayNumber: displayNumber,
        ledger: { openingCents: 0, depositsCents: 0, withdrawalsCents: 0, closingCents: 0 },
        draws: { recorded: emptyTally(), confirmed: emptyTally(), reversed: emptyTally() },
        processorDeposits: emptyTally(),
        otherWithdrawals: [],
        flags: [],
      };
      lines.set(matterId, found);
    }
    found.matterDisplayNumber ??= displayNumber;
    return found;
  };
  const flag = (target: MatterTrustLine | null, f: Omit<TrustFlag, 'matterId' | 'matterDisplayNumber'>) => {
    const full: TrustFlag = {
      matterId: target?.matterId ?? null,
      matterDisplayNumber: target?.matterDisplayNumber ?? null,
      ...f,
    };
    (target?.flags ?? unassignedFlags).push(full);
  };
  const unassignedFlags: TrustFlag[] = [];
  const unassigned = { depositsCents: 0, withdrawalsCents: 0, closingCents: 0 };
  const drawByEntry = new Map(data.draws.filter((d) => d.ledgerEntryId).map((d) => [d.ledgerEntryId!, d]));

  // The practice system's side: opening, movements and closing per client ledger, with a running balance.
  const running = new Map<string, number>();
  for (const entry of ledger) {
    if (entry.date > end) continue;
    const inPeriod = entry.date >= start;
    if (entry.matterId === null) {
      unassigned.closingCents += entry.depositCents - entry.withdrawalCents;
      if (inPeriod) {
        unassigned.depositsCents += entry.depositCents;
        unassigned.withdrawalsCents += entry.withdrawalCents;
      }
      continue;
    }
    const target = line(entry.matterId, entry.matterDisplayNumber);
    const before = running.get(entry.matterId) ?? 0;
    const after = before + entry.depositCents - entry.withdrawalCents;
    running.set(entry.matterId, after);
    if (!inPeriod) {
      target.ledger.openingCents = after;
      continue;
    }
    target.ledger.depositsCents += entry.depositCents;
    target.ledger.withdrawalsCents += entry.withdrawalCents;
    if (entry.withdrawalCents > 0) {
      if (!drawByEntry.has(entry.id)) {
        target.otherWithdrawals.push({
          entryId: entry.id,
          date: entry.date,
          amountCents: entry.withdrawalCents,
          description: entry.description,
        });
      }
      if (entry.withdrawalCents > before) {
        flag(target, {
          reason: 'withdrawal-exceeds-balance',
          amountCents: entry.withdrawalCents,
          subject: `ledger ${entry.id}`,
          detail: `${entry.date} withdrawal of ${formatCents(entry.withdrawalCents)} ("${entry.description}") is larger than the ${formatCents(before)} the client had in trust`,
        });
      }
    }
    if (after < 0 && before >= 0) {
      flag(target, {
        reason: 'negative-client-balance',
        amountCents: after,
        subject: `ledger ${entry.id}`,
        detail: `the client ledger went to ${formatCents(after)} on ${entry.date}: another client's money paid for it`,
      });
    }
  }
  for (const target of lines.values()) {
    target.ledger.closingCents = running.get(target.matterId) ?? 0;
    if (target.ledger.closingCents < 0 && !target.flags.some((f) => f.reason === 'negative-client-balance')) {
      flag(target, {
        reason: 'negative-client-balance',
        amountCents: target.ledger.closingCents,
        subject: `matter ${target.matterId}`,
        detail: `the client ledger is at ${formatCents(target.ledger.closingCents)} at the end of ${data.month}: another client's money paid for it`,
      });
    }
  }

  // matterpay's side: the draws recorded in the period, by their state now; and every draw still not posted.
  for (const draw of data.draws) {
    const recordedDate = localDate(Date.parse(draw.recordedAt), tz);
    if (recordedDate > end) continue;
    const target = line(draw.matterId, draw.matterDisplayNumber);
    if (recordedDate >= start) add(target.draws[draw.state], draw.amountCents);
    const waitedMs = generatedMs - Date.parse(draw.recordedAt);
    if (draw.state === 'recorded' && waitedMs > options.postWithinMs) {
      flag(target, {
        reason: 'draw-not-posted',
        amountCents: draw.amountCents,
        subject: `draw ${draw.id}`,
        detail: `the ${formatCents(draw.amountCents)} draw for invoice ${draw.invoiceNumber} (recorded ${recordedDate}) is not in the practice system's trust ledger after ${Math.floor(waitedMs / 86_400_000)} days: post it, or confirm or reverse it with matterpay trust`,
      });
    }
  }

  // The processor's side: each trust deposit must appear as a ledger deposit of its amount on or after its date.
  const usedDeposits = new Set<string>();
  for (const deposit of [...data.processorDeposits].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))) {
    const depositDate = localDate(Date.parse(deposit.occurredAt), tz);
    if (depositDate < start || depositDate > end) continue;
    const target = deposit.matterId ? line(deposit.matterId, deposit.matterDisplayNumber) : null;
    if (target) add(target.processorDeposits, deposit.amountCents);
    const match = ledger.find(
      (e) =>
        !usedDeposits.has(e.id) &&
        e.depositCents === deposit.amountCents &&
        e.date >= depositDate &&
        (deposit.matterId === null || e.matterId === deposit.matterId),
    );
    if (match) {
      usedDeposits.add(match.id);
      continue;
    }
    flag(target, {
      reason: 'processor-deposit-missing-from-ledger',
      amountCents: deposit.amountCents,
      subject: `${deposit.processor} ${deposit.transactionId}`,
      detail: `${formatCents(deposit.amountCents)} deposited to trust through ${deposit.processor} on ${depositDate} (reference "${deposit.reference ?? ''}") is not in the practice system's trust ledger`,
    });
  }

  const matters = [...lines.values()].sort((a, b) =>
    (a.matterDisplayNumber ?? a.matterId).localeCompare(b.matterDisplayNumber ?? b.matterId),
  );
  const sumTally = (pick: (m: MatterTrustLine) => Tally): Tally =>
    matters.reduce(
      (t, m) => ({ count: t.count + pick(m).count, amountCents: t.amountCents + pick(m).amountCents }),
      emptyTally(),
    );
  const sumCents = (pick: (m: MatterTrustLine) => number) => matters.reduce((s, m) => s + pick(m), 0);
  const totals: TrustReport['totals'] = {
    ledger: {
      openingCents: sumCents((m) => m.ledger.openingCents),
      depositsCents: sumCents((m) => m.ledger.depositsCents),
      withdrawalsCents: sumCents((m) => m.ledger.withdrawalsCents),
      closingCents: sumCents((m) => m.ledger.closingCents),
    },
    draws: {
      recorded: sumTally((m) => m.draws.recorded),
      confirmed: sumTally((m) => m.draws.confirmed),
      reversed: sumTally((m) => m.draws.reversed),
    },
    processorDeposits: {
      count: data.processorDeposits.filter((d) => inMonth(d.occurredAt, tz, start, end)).length,
      amountCents: data.processorDeposits
        .filter((d) => inMonth(d.occurredAt, tz, start, end))
        .reduce((s, d) => s + d.amountCents, 0),
    },
  };

  let threeWay: ThreeWayCheck | null = null;
  if (options.bank) {
    threeWay = threeWayCheck(
      ledger,
      end,
      options.bank,
      totals.ledger.closingCents,
      unassigned.closingCents,
      data.draws,
    );
    if (!threeWay.balanced) {
      unassignedFlags.push({
        reason: 'bank-difference',
        matterId: null,
        matterDisplayNumber: null,
        amountCents: threeWay.adjustedBankBalanceCents - threeWay.journalBalanceCents,
        subject: `bank statement ${threeWay.statementDate}`,
        detail: threeWay.differences.join('; '),
      });
    }
  }
  return {
    firmId: data.firmId,
    month: data.month,
    periodStart: start,
    periodEnd: end,
    generatedAt: data.generatedAt,
    postWithinDays: options.postWithinMs / 86_400_000,
    matters,
    totals,
    unassignedLedger: unassigned,
    flags: [...matters.flatMap((m) => m.flags), ...unassignedFlags],
    threeWay,
  };
}

function inMonth(iso: string, tz: string, start: string, end: string): boolean {
  const d = localDate(Date.parse(iso), tz);
  return d >= start && d <= end;
}

function threeWayCheck(
  ledger: ReportLedgerEntry[],
  periodEnd: string,
  bank: BankStatement,
  clientLedgersCents: number,
  unassignedCents: number,
  draws: ReportDraw[],
): ThreeWayCheck {
  const journal = ledger.filter((e) => e.date <= periodEnd);
  const journalBalanceCents = journal.reduce((s, e) => s + e.depositCents - e.withdrawalCents, 0);
  const drawByEntry = new Map(draws.filter((d) => d.ledgerEntryId).map((d) => [d.ledgerEntryId!, d]));
  const reconcilingItems: ThreeWayCheck['reconcilingItems'] = journal
    .filter((e) => e.date > bank.statementDate)
    .map((e) => ({
      kind: e.depositCents > 0 ? ('deposit in transit' as const) : ('outstanding withdrawal' as const),
      entryId: e.id,
      date: e.date,
      amountCents: e.depositCents || e.withdrawalCents,
      description: drawByEntry.get(e.id)
        ? `${e.description} (invoice ${drawByEntry.get(e.id)!.invoiceNumber})`
        : e.description,
      matterDisplayNumber: e.matterDisplayNumber,
    }));
  const adjusted =
    bank.balanceCents +
    reconcilingItems.reduce((s, i) => s + (i.kind === 'deposit in transit' ? i.amountCents : -i.amountCents), 0);
  const differences: string[] = [];
  if (adjusted !== journalBalanceCents) {
    differences.push(
      `the adjusted bank balance ${formatCents(adjusted)} differs from the trust journal ${formatCents(journalBalanceCents)} by ${formatCents(adjusted - journalBalanceCents)}: a transaction the bank and the journal disagree on (a bank fee, a returned deposit, an entry on the wrong date)`,
    );
  }
  if (journalBalanceCents !== clientLedgersCents) {
    const explained = journalBalanceCents - clientLedgersCents === unassignedCents;
    differences.push(
      explained
        ? `the trust journal exceeds the client ledgers by ${formatCents(unassignedCents)}: journal lines on no client matter (the firm's own money kept in trust for bank fees)`
        : `the trust journal ${formatCents(journalBalanceCents)} differs from the sum of client ledgers ${formatCents(clientLedgersCents)} by ${formatCents(journalBalanceCents - clientLedgersCents)}`,
    );
  }
  return {
    statementDate: bank.statementDate,
    statementBalanceCents: bank.balanceCents,
    reconcilingItems,
    adjustedBankBalanceCents: adjusted,
    journalBalanceCents,
    clientLedgersCents,
    unassignedCents,
    differences,
    balanced: adjusted === journalBalanceCents,
  };
}
