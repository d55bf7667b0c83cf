/**
 * The payment processors matterpay has connectors for: the one list (the ingress's webhook routes, the
 * configuration's PROCESSOR, workflow IDs, message shapes). The SQL CHECKs of old migrations keep their own copy:
 * a migration is history and is never edited; a new processor needs a new migration for those columns.
 */
export const PROCESSOR_NAMES = ['lawpay', 'stripe'] as const;

export type ProcessorName = (typeof PROCESSOR_NAMES)[number];
