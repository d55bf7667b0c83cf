import crypto from 'node:crypto';
import type { CardMethod } from './state';

/** A card number the sandbox always declines (the test card convention of most gateways). */
export const DECLINED_TEST_CARD = '4000000000000002';

export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

function cardType(digits: string): string {
  if (digits.startsWith('4')) return 'VISA';
  if (/^5[1-5]/.test(digits) || /^2[2-7]/.test(digits)) return 'MASTERCARD';
  if (/^3[47]/.test(digits)) return 'AMERICAN_EXPRESS';
  if (digits.startsWith('6')) return 'DISCOVER';
  return 'UNKNOWN';
}

export interface CardDetails {
  number: string;
  exp_month?: number;
  exp_year?: number;
  name?: string | null;
}

/** What the gateway stores of a card: masked number, brand, fingerprint. Never the full number. */
export function cardMethod(card: CardDetails): CardMethod {
  const digits = card.number.replace(/\D/g, '');
  const year = new Date().getUTCFullYear();
  return {
    type: 'card',
    number: `${'*'.repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}`,
    fingerprint: crypto.createHash('sha256').update(digits).digest('base64url').slice(0, 20),
    card_type: cardType(digits),
    exp_month: card.exp_month ?? 12,
    exp_year: card.exp_year ?? year + 3,
    name: card.name ?? null,
  };
}

/** A one-time token from hosted fields stands for the sandbox's test card. */
export function cardMethodForToken(): CardMethod {
  return cardMethod({ number: '4111111111111111' });
}
