/**
 * The payment processors matterpay has connectors for: the one list (the ingress's webhook routes, the
 * configuration's PROCESSOR, workflow IDs, message shapes). The SQL CHECKs of old migrations keep their own copy:
 * a migration is history and is never edited; a new processor needs a new migration for those columns.
 */
export const PROCESSOR_NAMES = ['lawpay', 'stripe'] as const;

export type ProcessorName = (typeof PROCESSOR_NAMES)[number];

/** How a client reads a processor's name (the pay page, the invoice's payment lines). */
export const PROCESSOR_DISPLAY_NAMES: Record<ProcessorName, string> = { lawpay: 'LawPay', stripe: 'Stripe' };

export function processorDisplayName(name: string): string {
  return (PROCESSOR_DISPLAY_NAMES as Record<string, string>)[name] ?? name;
}
