import { z } from 'zod';
import { billingPeriod } from '../../domain/dates';

/** Arguments the trust commands share, validated at the edge. */

export const monthArg = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month is YYYY-MM, such as "2026-11"');

export const dateArg = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD, such as "2026-11-30"')
  .refine((d) => !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().startsWith(d), 'that day does not exist');

/** `12345.67`, `$12,345.67` or `-5.00` (a bank balance can be negative) → integer cents. */
export const moneyArg = z
  .string()
  .trim()
  .regex(/^-?\$?\d{1,3}(,?\d{3})*(\.\d{1,2})?$/, 'an amount is dollars and cents, such as "12345.67" or "$12,345.67"')
  .transform((raw) => {
    const negative = raw.startsWith('-');
    const [dollars, cents = ''] = raw.replace(/[-$,]/g, '').split('.') as [string, string?];
    const value = Number(dollars) * 100 + Number(cents.padEnd(2, '0'));
    return negative ? -value : value;
  });

export const personArg = z
  .string()
  .trim()
  .min(1, 'say who, such as --by "Pat Bookkeeper"')
  .max(200, 'a name is at most 200 characters');

export const drawIdArg = z
  .string()
  .trim()
  .regex(/^\d{1,15}$/, 'a draw is its number from `matterpay trust-report --json` or `matterpay invoice`, such as 12')
  .transform(Number);

export function currentMonth(timeZone: string): string {
  return billingPeriod(Date.now(), timeZone);
}
