import { WorkflowNotFoundError } from '@temporalio/common';
import type { BillingPolicy } from '../shared/billingPolicy';
import { paymentReceivedSignal, type PaymentReceived } from '../shared/messages';
import { workflowIds } from '../shared/workflowIds';
import { workflowRef } from '../shared/workflowTypes';
import type { ActivityDeps } from './deps';

export type InvoiceWakeup = 'woken' | 'woken or reopened' | 'finished' | 'no temporal';

export function invoiceWakeupActivities(deps: ActivityDeps) {
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
      if (input.payment.amountDueCentsAfter > 0) {
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
