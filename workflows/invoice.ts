import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities';
import type { DeliveryRequest } from '../activities/invoices';
import type { MatterNoteRequest } from '../activities/notes';
import type { KnownMatter } from '../shared/knownMatter';
import { issueMoment } from '../shared/noteMoments';
import type { EmailPurpose } from '../shared/emailPurposes';
import type { InvoiceSnapshot } from '../shared/invoiceSnapshot';
import { wholeDaysBetween } from '../domain/dates';
import { catchUpAfterWakeUps } from '../domain/invoiceReadings';
import { formatCents } from '../domain/money';
import { dunningSteps } from '../domain/reminders';
import {
  AMOUNT_DUE_CENTS,
  DAYS_OVERDUE,
  DUE_AT,
  ESCALATED,
  FIRM_ID,
  INVOICE_NUMBER,
  INVOICE_STATUS,
  MATTER_NUMBER,
} from '../shared/searchAttributes';
import {
  approveUpdate,
  cancelSignal,
  invoiceStatusQuery,
  matterClosedSignal,
  paymentReceivedSignal,
  type ApprovalResult,
  type InvoiceWorkflowStatus,
} from '../shared/messages';
import type { BillingPolicy } from '../shared/billingPolicy';
import {
  untilDoneVendorActivityOptions,
  storeActivityOptions,
  storeLocalActivityOptions,
  vendorActivityOptions,
} from './policy';
import { rulesOf } from './rules';

const activities = proxyActivities<Activities>(vendorActivityOptions);
const untilDone = proxyActivities<Activities>(untilDoneVendorActivityOptions);
const store = proxyActivities<Activities>(storeActivityOptions);
const storeLocal = proxyLocalActivities<Activities>(storeLocalActivityOptions);

/**
 * Workflows started before this rule took their money from the `paymentReceived` signal; from it on, a signal only
 * wakes the invoice and the store decides (docs/domain.md §4.6). Old histories replay the old way.
 */
const MONEY_FROM_STORE = 'invoice-money-from-store';
/** From this rule on, a matter's credit is applied to a new invoice before trust. */
const MATTER_CREDIT_FIRST = 'invoice-matter-credit-first';
/**
 * From this rule on, a wake-up that brings the invoice as its payment's transaction left it is taken without a read
 * of the store, when it is the newest reading (domain/invoiceReadings.ts): a local activity, its marker and a query
 * fewer for every payment. A reminder, an escalation and the settling still read the store.
 */
const TAKES_WOKEN_READINGS = 'invoice-takes-woken-readings';
/** From this rule on, the invoice reloads its money from the store with a local activity. */
const LOCAL_RELOAD = 'invoice-local-reload';
/**
 * From this rule on, a wait keeps one timer however many payments wake it: before, each wake-up cancelled the timer
 * and started a new one, two more events and timer writes on the engine for every payment.
 */
const ONE_TIMER_PER_WAIT = 'invoice-one-timer-per-wait';
/** From this rule on, search attributes are written only when one changes (each write is an event and an index update). */
const SKIP_UNCHANGED_ATTRIBUTES = 'invoice-skip-unchanged-attributes';
/**
 * From this rule on, a void is a store step, and closing the void invoice's processor checkouts a step of its own that
 * retries until the processor takes it: before, both were one vendor step, which failed the invoice's workflow after
 * six hours of a processor refusing matterpay's key, the void done and a checkout maybe still open.
 */
const VOID_CLOSES_CHECKOUTS_APART = 'invoice-void-closes-checkouts-apart';
/**
 * From this rule on, a cancel that came while the trust draw waited (a practice system down for hours) voids the
 * invoice before anything reaches the client: before, the invoice was issued and emailed first, and voided after.
 */
const CANCEL_BEFORE_ISSUE = 'invoice-cancel-checked-before-issue';
/** From this rule on, the invoice's due date is a search attribute (`DueAt`). */
const DUE_AT_SEARCH_ATTRIBUTE = 'due-at-search-attribute';
/** Every rule above, taken at once by an execution that records it (workflows/rules.ts says why). */
const INVOICE_RULES_2026_12 = 'invoice-rules-2026-12';

export interface InvoiceInput {
  firmId: string;
  invoiceNumber: string;
  policy: BillingPolicy;
  /**
   * Set when the invoice is already issued: after continue-as-new, or when a payment event (a refund) reopens an
   * invoice whose workflow had finished. The workflow then reloads the invoice and carries on with the dunning
   * steps still ahead of it.
   */
  resume?: { seenPayments: string[]; escalated: boolean; payLinkUrl: string | null };
  /** The matter as the evaluation that drafted this invoice read it: issuing and delivering need not read it again. */
  known?: KnownMatter;
}

const DAY_MS = 86_400_000;
/** Daily wake-ups keep DaysOverdue current; continue-as-new well before the history grows large. */
const MAX_DAILY_WAKEUPS = 120;

/**
 * One per invoice (`invoice/<firm>/<invoiceNumber>`): draft → approval → trust first → pay link → delivery →
 * reminders → paid, or void. Decides only: every read and write is an activity, idempotent by its key.
 */
export async function invoice(input: InvoiceInput): Promise<InvoiceWorkflowStatus> {
  const rule = rulesOf(INVOICE_RULES_2026_12, [
    MONEY_FROM_STORE,
    SKIP_UNCHANGED_ATTRIBUTES,
    TAKES_WOKEN_READINGS,
    MATTER_CREDIT_FIRST,
    CANCEL_BEFORE_ISSUE,
    LOCAL_RELOAD,
    ONE_TIMER_PER_WAIT,
    VOID_CLOSES_CHECKOUTS_APART,
    DUE_AT_SEARCH_ATTRIBUTE,
  ]);
  const { firmId, invoiceNumber, policy } = input;
  const seenPayments = new Set(input.resume?.seenPayments ?? []);
  const state: InvoiceWorkflowStatus = {
    invoiceNumber,
    matterDisplayNumber: '',
    status: 'draft',
    totalCents: 0,
    trustAppliedCents: 0,
    paidCents: 0,
    amountDueCents: 0,
    payLinkUrl: input.resume?.payLinkUrl ?? null,
    issuedAtMs: null,
    approvedBy: null,
    approvedAtMs: null,
    nextReminder: null,
    escalated: input.resume?.escalated ?? false,
    deliveryHeld: false,
  };
  let current: InvoiceSnapshot | null = null;
  let approval: ApprovalResult | null = null;
  let cancelReason: string | null = null;
  let matterClosed = false;
  /** Set by `paymentReceived`: the money changed in the store; reload before deciding anything. */
  let moneyChanged = false;
  const moneyFromStore = rule(MONEY_FROM_STORE);
  const skipUnchangedAttributes = rule(SKIP_UNCHANGED_ATTRIBUTES);
  const takesWokenReadings = rule(TAKES_WOKEN_READINGS);
  /** What each wake-up since the last reading brought: the invoice as its payment left it, or nothing. */
  let wokenReadings: (InvoiceSnapshot | null)[] = [];
  /** What the last upsert wrote, to tell whether the next one would change anything. */
  let published: string | null = null;

  setHandler(invoiceStatusQuery, () => state);
  setHandler(paymentReceivedSignal, (payment) => {
    if (moneyFromStore) {
      moneyChanged = true;
      wokenReadings.push(payment.invoice?.invoiceNumber === invoiceNumber ? payment.invoice : null);
      return;
    }
    const key = `${payment.processor}:${payment.transactionId}:${payment.kind}`;
    if (seenPayments.has(key)) return;
    seenPayments.add(key);
    state.paidCents = payment.paidCentsAfter;
    state.amountDueCents = payment.amountDueCentsAfter;
    if (state.status === 'issued' || state.status === 'partially_paid' || state.status === 'paid') {
      state.status = state.amountDueCents === 0 ? 'paid' : state.paidCents > 0 ? 'partially_paid' : 'issued';
    }
    publish();
  });
  setHandler(cancelSignal, ({ reason }) => {
    cancelReason ??= reason || 'cancelled by an admin';
  });
  setHandler(matterClosedSignal, () => {
    matterClosed = true;
  });
  setHandler(
    approveUpdate,
    ({ approvedBy }) => {
      approval = { approvedBy, approvedAtMs: Date.now() };
      state.approvedBy = approvedBy;
      state.approvedAtMs = approval.approvedAtMs;
      return approval;
    },
    {
      validator: ({ approvedBy }) => {
        if (!approvedBy || !approvedBy.trim()) throw new Error('approve needs the name of who approves');
        if (state.status !== 'awaiting_approval')
          throw new Error(`invoice ${invoiceNumber} is ${state.status}, not awaiting approval`);
        if (approval) throw new Error(`invoice ${invoiceNumber} was already approved by ${approval.approvedBy}`);
      },
    },
  );

  // Database-only steps take the store's 30 s: an answer lost under load is retried then, not after 2 minutes.
  adopt(await store.loadInvoice({ firmId, invoiceNumber }));

  if (!input.resume) {
    const moment = { key: issueMoment(invoiceNumber), closes: false };
    let known = input.known;
    // Awaiting approval, the firm reads the draft on the matter at once; approved, it joins the issue's note.
    await note(
      'drafted',
      `Invoice ${invoiceNumber} drafted`,
      `Invoice ${invoiceNumber} drafted for ${formatCents(state.totalCents)}.`,
      policy.approval === 'invoice' ? undefined : moment,
    );
    if (policy.approval === 'invoice') {
      // What the matter said before an approval wait of days is no longer known.
      known = undefined;
      await activities.markAwaitingApproval({ firmId, invoiceNumber });
      state.status = 'awaiting_approval';
      publish();
      await condition(() => approval !== null || cancelReason !== null);
      if (cancelReason === null && approval) {
        const approved: ApprovalResult = approval;
        await activities.recordApproval({
          firmId,
          invoiceNumber,
          approvedBy: approved.approvedBy,
          approvedAtMs: approved.approvedAtMs,
        });
        await note(
          'approved',
          `Invoice ${invoiceNumber} approved`,
          `Invoice ${invoiceNumber} approved by ${approved.approvedBy}.`,
          moment,
        );
      }
    }
    if (cancelReason !== null) return finishVoid(cancelReason);

    if (rule(MATTER_CREDIT_FIRST)) await store.applyMatterCredit({ firmId, invoiceNumber });
    const trust = await untilDone.drawTrust({ firmId, invoiceNumber, known });
    if (cancelReason !== null && rule(CANCEL_BEFORE_ISSUE)) return finishVoid(cancelReason, true);
    if (trust.drawCents > 0) {
      await note(
        'trust-draw',
        `Invoice ${invoiceNumber}: trust draw`,
        `${formatCents(trust.drawCents)} of trust funds applied to invoice ${invoiceNumber}. Please post this transfer from the matter's trust account in the practice system, with ${invoiceNumber} in its description so it is matched to this draw.`,
        moment,
      );
    }
    const issued = await store.issueInvoice({ firmId, invoiceNumber, nowMs: Date.now() });
    adopt(issued.snapshot);
    state.payLinkUrl = issued.payLinkUrl;
    publish();
    if (cancelReason !== null && state.status !== 'paid' && rule(CANCEL_BEFORE_ISSUE)) return finishVoid(cancelReason);
    if (state.status === 'paid') {
      await note(
        'settled-from-trust',
        `Invoice ${invoiceNumber} paid from trust`,
        `Invoice ${invoiceNumber} (${formatCents(state.totalCents)}) was settled in full from trust. No payment was requested from the client.`,
        { ...moment, closes: true },
      );
      return finish();
    }
    await deliver('issued', { known, moment: { ...moment, closes: true } });
  } else if (state.amountDueCents > 0 && state.status !== 'void') {
    // Reopened (a refund after payment) or continued: make sure the client still has a link to pay with.
    const reopened = await store.issueInvoice({ firmId, invoiceNumber, nowMs: Date.now() });
    adopt(reopened.snapshot);
    state.payLinkUrl = reopened.payLinkUrl;
    publish();
  }

  // Dunning: each step waits until its day unless the invoice is settled, cancelled or the matter closes first.
  const issuedAtMs = state.issuedAtMs ?? Date.now();
  for (const step of dunningSteps(issuedAtMs, policy.reminderScheduleMs)) {
    if (step.atMs <= Date.now() && input.resume) continue;
    state.nextReminder = { kind: step.kind === 'reminder' ? `reminder ${step.number}` : 'escalation', atMs: step.atMs };
    if (moneyFromStore) {
      if (await waitUntil(step.atMs)) break;
      // The reminder or escalation goes out only for money the store says is still due at this moment.
      await reload();
      if (stopped()) break;
    } else if (await condition(stopped, Math.max(1, step.atMs - Date.now()))) break;
    state.nextReminder = null;
    publish();
    if (step.kind === 'reminder') {
      const outcome = await deliver(`reminder-${step.number}`);
      if (outcome === 'matter closed') matterClosed = true;
    } else if (!state.escalated) {
      const escalation = await activities.escalateInvoice({
        firmId,
        invoiceNumber,
        daysOverdue: wholeDaysBetween(issuedAtMs, Date.now()),
        elapsedMs: Date.now() - issuedAtMs,
      });
      if (escalation !== 'nothing due') {
        state.escalated = true;
        publish();
      }
    }
  }
  state.nextReminder = null;

  // After the schedule: no more messages, but the invoice stays open for payment until paid or voided.
  for (let day = 0; day < MAX_DAILY_WAKEUPS; day++) {
    if (moneyFromStore) {
      if (await waitUntil(Date.now() + DAY_MS, { untilPaidOrCancelled: true })) {
        if (cancelReason !== null && state.amountDueCents > 0) break;
        // Settle only on the store's word: if a refund or a reversal came in meanwhile, keep waiting.
        adopt(await store.settleInvoice({ firmId, invoiceNumber }));
        if (state.amountDueCents === 0) break;
        continue;
      }
      // Once a day the invoice reads its balance again, so a wake-up lost anywhere costs at most a day.
      await reload();
      if (state.amountDueCents === 0) continue;
    } else if (await condition(() => state.amountDueCents === 0 || cancelReason !== null, DAY_MS)) break;
    publish();
    if (workflowInfo().continueAsNewSuggested) break;
  }
  if (cancelReason !== null && state.amountDueCents > 0) return finishVoid(cancelReason);
  if (state.amountDueCents === 0) {
    if (!moneyFromStore) adopt(await activities.settleInvoice({ firmId, invoiceNumber }));
    await note(
      'paid',
      `Invoice ${invoiceNumber} paid`,
      `Invoice ${invoiceNumber} is paid in full (${formatCents(state.totalCents)}).`,
    );
    return finish();
  }
  await condition(allHandlersFinished);
  // The memo (the one-line summary set at start) carries over to the next run on its own.
  return continueAsNew<typeof invoice>({
    firmId,
    invoiceNumber,
    policy,
    resume: { seenPayments: [...seenPayments], escalated: state.escalated, payLinkUrl: state.payLinkUrl },
  });

  function stopped(): boolean {
    return state.amountDueCents === 0 || cancelReason !== null || matterClosed;
  }

  /** After wake-ups: the newest reading they brought, or the store when they cannot tell (domain/invoiceReadings.ts). */
  async function catchUp(): Promise<void> {
    if (takesWokenReadings) {
      const outcome = catchUpAfterWakeUps(current, wokenReadings);
      if (outcome.take !== 'the store') {
        moneyChanged = false;
        wokenReadings = [];
        if (outcome.take === 'the newest woken') adopt(outcome.reading);
        return;
      }
    }
    await reload();
  }

  async function reload(): Promise<void> {
    moneyChanged = false;
    wokenReadings = [];
    // Every payment wakes its invoice for this read: as a local activity it costs no server round trip.
    adopt(await (rule(LOCAL_RELOAD) ? storeLocal : store).loadInvoice({ firmId, invoiceNumber }));
  }

  /**
   * Waits until `atMs`, reloading the invoice from the store whenever a payment wakes it. True when the wait ended
   * early: nothing is due, the invoice was cancelled, or (for the dunning steps) the matter closed.
   */
  async function waitUntil(atMs: number, options: { untilPaidOrCancelled?: boolean } = {}): Promise<boolean> {
    const ended = options.untilPaidOrCancelled ? () => state.amountDueCents === 0 || cancelReason !== null : stopped;
    if (rule(ONE_TIMER_PER_WAIT)) {
      if (ended()) return true;
      const remaining = atMs - Date.now();
      if (remaining <= 0) return false;
      let due = false;
      const timer = new CancellationScope();
      void timer
        .run(() => sleep(remaining))
        .then(
          () => {
            due = true;
          },
          () => undefined, // cancelled below, when the wait ends first
        );
      try {
        for (;;) {
          await condition(() => due || moneyChanged || ended());
          if (moneyChanged) await catchUp();
          if (ended()) return true;
          if (due) return false;
        }
      } finally {
        if (!due) timer.cancel();
      }
    }
    for (;;) {
      if (ended()) return true;
      const remaining = atMs - Date.now();
      if (remaining <= 0) return false;
      if (!(await condition(() => moneyChanged || ended(), remaining))) return false;
      if (moneyChanged) await catchUp();
    }
  }

  async function deliver(purpose: EmailPurpose, issue: Pick<DeliveryRequest, 'known' | 'moment'> = {}) {
    const outcome = await activities.deliverInvoice({ firmId, invoiceNumber, purpose, ...issue });
    if (outcome === 'held') state.deliveryHeld = true;
    if (outcome === 'sent') state.deliveryHeld = false;
    return outcome;
  }

  async function note(event: string, subject: string, detail: string, moment?: MatterNoteRequest['moment']) {
    await activities.writeMatterNote({
      firmId,
      matterId: matterIdOf(),
      key: `invoice/${invoiceNumber}/${event}`,
      subject,
      detail,
      date: localToday(),
      moment,
    });
  }

  /** `drawUnannounced`: the trust draw was recorded but its note, which asks the bookkeeper to post it, never written. */
  async function finishVoid(reason: string, drawUnannounced = false): Promise<InvoiceWorkflowStatus> {
    if (rule(VOID_CLOSES_CHECKOUTS_APART)) {
      adopt(
        await store.voidInvoice({
          firmId,
          invoiceNumber,
          reason,
          checkoutsApart: true,
          ...(drawUnannounced ? { drawUnannounced } : {}),
        }),
      );
      await untilDone.expireStaleCheckouts({ firmId, invoiceNumber });
    } else adopt(await activities.voidInvoice({ firmId, invoiceNumber, reason }));
    // Paid in full just before the void: it stays paid, and says so.
    if (state.status === 'paid')
      await note(
        'paid',
        `Invoice ${invoiceNumber} paid`,
        `Invoice ${invoiceNumber} is paid in full (${formatCents(state.totalCents)}).`,
      );
    return finish();
  }

  async function finish(): Promise<InvoiceWorkflowStatus> {
    state.nextReminder = null;
    publish();
    await condition(allHandlersFinished);
    if (moneyFromStore && moneyChanged && state.status !== 'void') {
      // A refund or reversal arrived while the invoice was closing: if money is due again, it carries on as reopened.
      await reload();
      if (state.amountDueCents > 0) {
        return continueAsNew<typeof invoice>({
          firmId,
          invoiceNumber,
          policy,
          resume: { seenPayments: [...seenPayments], escalated: state.escalated, payLinkUrl: null },
        });
      }
    }
    return state;
  }

  function adopt(snap: InvoiceSnapshot): void {
    current = snap;
    state.matterDisplayNumber = snap.matterDisplayNumber;
    state.status = snap.status;
    state.totalCents = snap.totalCents;
    state.trustAppliedCents = snap.trustAppliedCents;
    state.paidCents = snap.paidCents;
    state.amountDueCents = snap.amountDueCents;
    state.issuedAtMs = snap.issuedAtMs;
    state.escalated ||= snap.escalated;
    publish();
  }

  /** The matter is known from the first activity on: every note is written after `loadInvoice`. */
  function matterIdOf(): string {
    if (!current) throw new Error('invoice not loaded yet');
    return current.matterId;
  }

  function localToday(): string {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: policy.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(new Date());
  }

  /** Search attributes and memo follow the state, so the Web UI's filter box answers "which invoices are escalated?". */
  function publish(): void {
    const attributes: SearchAttributeUpdatePair[] = [
      { key: FIRM_ID, value: firmId },
      { key: MATTER_NUMBER, value: state.matterDisplayNumber },
      { key: INVOICE_NUMBER, value: invoiceNumber },
      { key: INVOICE_STATUS, value: state.status },
      { key: AMOUNT_DUE_CENTS, value: state.amountDueCents },
      {
        key: DAYS_OVERDUE,
        value:
          state.issuedAtMs !== null && state.amountDueCents > 0 ? wholeDaysBetween(state.issuedAtMs, Date.now()) : 0,
      },
      { key: ESCALATED, value: state.escalated },
    ];
    // Histories from before due dates replay without it: their upserts stay exactly as recorded.
    if (current?.dueAtMs && rule(DUE_AT_SEARCH_ATTRIBUTE))
      attributes.push({ key: DUE_AT, value: new Date(current.dueAtMs) });
    if (skipUnchangedAttributes) {
      const values = JSON.stringify(attributes.map(({ key, value }) => [key.name, value]));
      if (values === published) return;
      published = values;
    }
    upsertSearchAttributes(attributes);
  }
}
