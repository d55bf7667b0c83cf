import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import { nextBillingDate } from '../domain/dates';
import type { KnownMatter } from '../shared/knownMatter';
import {
  billNowSignal,
  matterClosedSignal,
  matterStatusChangedSignal,
  matterStatusQuery,
  timeEntryApprovedSignal,
  type MatterBillingStatus,
} from '../shared/messages';
import { invoiceMemo, workflowIds } from '../shared/workflowIds';
import { invoice } from './invoice';
import type { BillingPolicy } from '../shared/billingPolicy';
import { untilDoneVendorActivityOptions, vendorActivityOptions } from './policy';

const activities = proxyActivities<Activities>(vendorActivityOptions);
/** The matter's evaluation waits for the practice system however long it is down: this workflow bills every month. */
const untilDone = proxyActivities<Activities>(untilDoneVendorActivityOptions);

export interface MatterBillingInput {
  firmId: string;
  matterId: string;
  policy: BillingPolicy;
  /** Carried across continue-as-new. */
  carried?: { status: MatterBillingStatus; pendingEvaluation: boolean; signalsSeen: number };
}

/** Events before continuing as new: keeps the history far from Temporal's limits for a matter open for years. */
const MAX_ITERATIONS = 200;

/**
 * One per matter (`matter/<firm>/<matterId>`). Collects approved-time signals, waits until they have been stable
 * for the debounce period, then asks the billing rules whether to invoice; wakes on the matter's billing date;
 * ends when the matter closes (and tells the matter's open invoices to stop reminding).
 */
export async function matterBilling(input: MatterBillingInput): Promise<MatterBillingStatus> {
  const { firmId, matterId, policy } = input;
  const status: MatterBillingStatus = input.carried?.status ?? {
    firmId,
    matterId,
    matterDisplayNumber: null,
    pendingEvaluation: true,
    lastEvaluation: null,
    nextBillingDateMs: null,
    invoicesStarted: [],
    closed: false,
  };
  let signalsSeen = input.carried?.signalsSeen ?? 0;
  let pendingEvaluation = input.carried?.pendingEvaluation ?? true;
  let closeRequested = false;
  let billNowRequested = false;
  /** The matter as the billing run's page read it: the next evaluation uses it instead of reading it again. */
  let listed: KnownMatter | undefined;

  setHandler(timeEntryApprovedSignal, () => {
    signalsSeen++;
    pendingEvaluation = true;
  });
  setHandler(matterStatusChangedSignal, ({ status: matterStatus }) => {
    signalsSeen++;
    if (matterStatus === 'closed') closeRequested = true;
    else pendingEvaluation = true;
  });
  setHandler(billNowSignal, (request) => {
    billNowRequested = true;
    listed = request?.listed;
  });
  setHandler(matterStatusQuery, () => ({ ...status, pendingEvaluation }));

  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const wake = () => pendingEvaluation || closeRequested || billNowRequested;
    if (status.nextBillingDateMs === null) await condition(wake);
    else if (status.nextBillingDateMs > Date.now()) await condition(wake, status.nextBillingDateMs - Date.now());
    if (closeRequested) break;
    // An admin's "bill now" counts as the billing date: no threshold, no waiting for quiet.
    const billingDateReached =
      billNowRequested || (status.nextBillingDateMs !== null && Date.now() >= status.nextBillingDateMs);
    billNowRequested = false;

    if (!billingDateReached) {
      // Debounce: evaluate only once the approved time has been quiet for the whole debounce period.
      for (;;) {
        const seen = signalsSeen;
        const changed = await condition(() => signalsSeen !== seen || closeRequested, policy.debounceMs);
        if (closeRequested || !changed) break;
      }
      if (closeRequested) break;
    }
    pendingEvaluation = false;
    await evaluate(billingDateReached);
    if (workflowInfo().continueAsNewSuggested) break;
  }

  if (closeRequested) {
    status.closed = true;
    const open = await activities.listOpenInvoices({ firmId, matterId });
    for (const number of open) {
      await getExternalWorkflowHandle(workflowIds.invoice(firmId, number))
        .signal(matterClosedSignal)
        .catch(() => undefined);
    }
    await condition(allHandlersFinished);
    return status;
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof matterBilling>({
    firmId,
    matterId,
    policy,
    carried: { status, pendingEvaluation, signalsSeen },
  });

  async function evaluate(billingDateReached: boolean): Promise<void> {
    const evaluation = await untilDone.evaluateMatter({
      firmId,
      matterId,
      thresholdCents: policy.thresholdCents,
      billingDateReached,
      nowMs: Date.now(),
      listed,
    });
    listed = undefined;
    status.matterDisplayNumber = evaluation.matter.displayNumber;
    status.nextBillingDateMs =
      evaluation.matter.billingDay !== null && evaluation.matter.status === 'open'
        ? nextBillingDate(evaluation.matter.billingDay, Date.now(), policy.timeZone)
        : null;
    if (evaluation.matter.status === 'closed') closeRequested = true;
    const { decision } = evaluation;
    if (decision.action === 'wait') {
      status.lastEvaluation = { atMs: Date.now(), outcome: decision.reason };
      return;
    }
    const draft = await activities.draftInvoice({
      firmId,
      matterId,
      matterDisplayNumber: evaluation.matter.displayNumber,
      kind: decision.kind,
      period: evaluation.period,
      lines: evaluation.lines,
    });
    if (draft.invoiceNumber === null) {
      status.lastEvaluation = { atMs: Date.now(), outcome: draft.reason };
      return;
    }
    status.lastEvaluation = {
      atMs: Date.now(),
      outcome: `invoice ${draft.invoiceNumber} ${draft.reused ? 'updated' : 'drafted'} (${decision.reason})`,
    };
    try {
      // ABANDON: the invoice lives on its own; it must outlive this workflow's continue-as-new and the matter's close.
      await startChild(invoice, {
        workflowId: workflowIds.invoice(firmId, draft.invoiceNumber),
        args: [{ firmId, invoiceNumber: draft.invoiceNumber, policy, known: evaluation.known }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        memo: invoiceMemo(draft.invoiceNumber, evaluation.matter.displayNumber),
      });
      if (!status.invoicesStarted.includes(draft.invoiceNumber)) status.invoicesStarted.push(draft.invoiceNumber);
      status.invoicesStarted = status.invoicesStarted.slice(-20);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      log.info('invoice workflow already running; its draft was updated', { invoiceNumber: draft.invoiceNumber });
    }
  }
}
