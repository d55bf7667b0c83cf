import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The search attributes of docs/architecture.md §3. They are indexed and never encrypted, so they carry identifiers and
 * amounts only: never client names, emails or notes.
 */
export const FIRM_ID = defineSearchAttributeKey('FirmId', SearchAttributeType.KEYWORD);
export const MATTER_NUMBER = defineSearchAttributeKey('MatterNumber', SearchAttributeType.KEYWORD);
export const INVOICE_NUMBER = defineSearchAttributeKey('InvoiceNumber', SearchAttributeType.KEYWORD);
export const INVOICE_STATUS = defineSearchAttributeKey('InvoiceStatus', SearchAttributeType.KEYWORD);
export const AMOUNT_DUE_CENTS = defineSearchAttributeKey('AmountDueCents', SearchAttributeType.INT);
export const DAYS_OVERDUE = defineSearchAttributeKey('DaysOverdue', SearchAttributeType.INT);
export const ESCALATED = defineSearchAttributeKey('Escalated', SearchAttributeType.BOOL);
export const RECONCILE_STATE = defineSearchAttributeKey('ReconcileState', SearchAttributeType.KEYWORD);
/** The invoice's due date (firm-local midnight starting it): overdue = `DueAt < <today's start> AND AmountDueCents > 0`. */
export const DUE_AT = defineSearchAttributeKey('DueAt', SearchAttributeType.DATETIME);

export const ALL_SEARCH_ATTRIBUTES = [
  FIRM_ID,
  MATTER_NUMBER,
  INVOICE_NUMBER,
  INVOICE_STATUS,
  AMOUNT_DUE_CENTS,
  DAYS_OVERDUE,
  ESCALATED,
  RECONCILE_STATE,
  DUE_AT,
] as const;

/** The type names the Temporal CLI's `--search-attribute Name=Type` flag expects. */
const cliTypeNames: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export function searchAttributeCliFlags(): string[] {
  return ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeNames[key.type]}`]);
}
