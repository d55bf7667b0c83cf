import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { FIRM_ID, RECONCILE_STATE } from '../../shared/searchAttributes';
import { workflowIds } from '../../shared/workflowIds';
import { workflowRef, type WorkflowOf } from '../../shared/workflowTypes';
import { uniqueTaskQueue } from './temporal';

/**
 * Typed references to a test's own stand-in workflows, as `workflowRef` gives for the registered ones: the name is
 * checked against the module and the arguments against the function, with no workflow code loaded here.
 *
 *   const fixtures = workflowRefsOf<typeof import('../fixtures/codec-workflows')>();
 *   await client.workflow.start(fixtures('holdNote'), { args: ['…'], … });
 */
export function workflowRefsOf<Module>() {
  return <Name extends keyof Module & string>(name: Name): Module[Name] => name as unknown as Module[Name];
}

/**
 * A payment parked as unmatched for the firm: a running `paymentReconciliation` with the search attributes the
 * reconciliation sets, on a task queue no worker polls, so it stays parked and keeps every signal it is sent in its
 * history. The caller terminates it.
 */
export function startParkedPayment(
  client: Client,
  firmId: string,
): Promise<WorkflowHandle<WorkflowOf<'paymentReconciliation'>>> {
  const transactionId = `parked-${randomBytes(6).toString('hex')}`;
  return client.workflow.start(workflowRef('paymentReconciliation'), {
    taskQueue: uniqueTaskQueue('parked'),
    workflowId: workflowIds.paymentReconciliation(firmId, 'lawpay', transactionId),
    args: [
      {
        firmId,
        payment: {
          processor: 'lawpay',
          transactionId,
          kind: 'charge',
          status: 'completed',
          amountCents: 25_000,
          currency: 'USD',
          reference: 'LEGACY-REF',
          accountKind: 'operating',
          occurredAt: new Date().toISOString(),
          chargeTransactionId: null,
          account: null,
        },
        policy: {
          debounceMs: 15 * 60_000,
          thresholdCents: 50_000,
          approval: 'none',
          reminderScheduleMs: [7, 21, 30].map((days) => days * 86_400_000),
          timeZone: 'America/New_York',
        },
      },
    ],
    typedSearchAttributes: [
      { key: FIRM_ID, value: firmId },
      { key: RECONCILE_STATE, value: 'unmatched' },
    ],
  });
}
