import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/common';
import { InvoiceRepository } from '../store/invoices';
import type { BillingPolicy } from '../shared/billingPolicy';
import { paymentReceivedSignal, type PaymentReceived } from '../shared/messages';
import { workflowIds } from '../shared/workflowIds';
import { workflowRef } from '../shared/workflowTypes';
import type { ActivityDeps } from './deps';

export type InvoiceWakeup = 'woken' | 'woken or reopened' | 'finished' | 'no temporal';

export function invoiceWakeupActivities(deps: ActivityDeps) {
  const invoices = new InvoiceRepository(deps.db);

  /**
   * Whether money is due on the invoice, so a finished workflow must be reopened. The first attempt takes the figure
   * the payment's own transaction returned moments before. A retry may come minutes later, after later payments
   * settled the invoice and its workflow finished, and then asks the store: a stale figure would reopen a paid invoice.
   */
  async function moneyDue(firmId: string, invoiceNumber: string, figure: number): Promise<boolean> {
    if (Context.current().info.attempt <= 1) return figure > 0;
    return (await invoices.require(firmId, invoiceNumber)).amountDueCents > 0;
  }

  return {
    /**
     * Wakes an invoice's workflow after a payment moved its money in the store (the invoice then reloads from the
     * store: the signal carries nothing it decides on). With money due again (a refund after it was paid), a workflow
     * that had finished is started again, atomically with the signal, so two payments reopening it at once start it
     * once. Sent from an activity rather than as the payment workflow's own command: a signal command completes only
     * with another workflow task of the payment's, which on the embedded engine was a third of a payment's cost
     * (README, *Payments against the engine's ceiling*). Repeating it is harmless: a second wake reloads again.
     */
    async wakeInvoice(input: {
      firmId: string;
      invoiceNumber: string;
      payment: PaymentReceived;
      policy: BillingPolicy;
    }): Promise<InvoiceWakeup> {
      if (!deps.temporal) return 'no temporal';
      const { client, taskQueue } = deps.temporal;
      const workflowId = workflowIds.invoice(input.firmId, input.invoiceNumber);
      if (await moneyDue(input.firmId, input.invoiceNumber, input.payment.amountDueCentsAfter)) {
        await client.workflow.signalWithStart(workflowRef('invoice'), {
          taskQueue,
          workflowId,
          args: [
            {
              firmId: input.firmId,
              invoiceNumber: input.invoiceNumber,
              policy: input.policy,
              resume: { seenPayments: [], escalated: false, payLinkUrl: null },
            },
          ],
          signal: paymentReceivedSignal,
          signalArgs: [input.payment],
        });
        return 'woken or reopened';
      }
      try {
        await client.workflow.getHandle(workflowId).signal(paymentReceivedSignal, input.payment);
        return 'woken';
      } catch (err) {
        // Settled in the store and its workflow already finished: nothing is left to wake.
        if (err instanceof WorkflowNotFoundError) return 'finished';
        throw err;
      }
    },
  };
}
