/**
 * "Validate the email first" (docs/domain.md §4.4): a syntactic check before an invoice is sent, so a typo in the practice
 * system is reported on the matter instead of bouncing. It cannot tell whether the mailbox exists.
 */
import { z } from 'zod';

/**
 * zod's email pattern (dot-atom local part, dotted domain with an alphabetic TLD: no quoted local parts, IP
 * literals, bare hosts or display names), plus the RFC 5321 length limits. The address must be exactly that:
 * surrounding whitespace is rejected rather than trimmed, since the string is what would be sent to.
 */
const deliverableEmail = z
  .email()
  .max(254)
  .refine((address) => (address.split('@')[0] ?? '').length <= 64, 'local part longer than 64 characters');

export function isDeliverableEmail(address: string): boolean {
  return deliverableEmail.safeParse(address).success;
}
