import type { ClioContext } from './context';
import type { CustomFieldValueInput } from './operations/customFields';
import { ensureCustomField } from './operations/customFields';

export const FLAT_FEE_FIELD = 'Flat fee';
export const BILLING_DAY_FIELD = 'Billing day';

/** Flat fee and billing day live where a real firm keeps them in Clio: matter custom fields. */
export function billingTermsAsCustomFields(
  ctx: ClioContext,
  input: { flat_fee_cents?: number; billing_day?: number },
): CustomFieldValueInput[] {
  const values: CustomFieldValueInput[] = [];
  if (input.flat_fee_cents !== undefined) {
    const field = ensureCustomField(ctx, FLAT_FEE_FIELD, 'Matter', 'currency');
    values.push({ custom_field: { id: field.id }, value: input.flat_fee_cents / 100 });
  }
  if (input.billing_day !== undefined) {
    const field = ensureCustomField(ctx, BILLING_DAY_FIELD, 'Matter', 'numeric');
    values.push({ custom_field: { id: field.id }, value: input.billing_day });
  }
  return values;
}
