import type { FastifyInstance } from 'fastify';
import type { ClioContext } from '../context';
import { BILL_FIELDS, renderBill } from '../representations/bills';
import type { BillRecord } from '../state';
import type { ReadableResource } from './readRoutes';
import { registerReadRoutes } from './readRoutes';

export const billResource: ReadableResource<BillRecord> = {
  name: 'Bill',
  path: '/api/v4/bills',
  fields: BILL_FIELDS,
  sortable: ['id', 'created_at', 'updated_at'],
  records: (ctx) => ctx.state.bills,
  render: (_ctx, bill) => renderBill(bill),
};

/**
 * Read-only, as in Clio: its API has no endpoint that creates a bill or records a payment, so there is no
 * POST route and the list is always empty here (bills are generated in Clio's UI).
 */
export function registerBillRoutes(api: FastifyInstance, ctx: ClioContext): void {
  registerReadRoutes(api, ctx, billResource);
}
