import type { ClioContext } from '../context';
import { clioError } from '../errors';
import type { CustomFieldRecord, CustomFieldType, CustomFieldValueRecord } from '../state';
import { nextId } from '../state';
import { timestamps, touch } from './records';

export interface NewCustomField {
  name: string;
  parent_type: CustomFieldRecord['parent_type'];
  field_type: CustomFieldType;
  displayed?: boolean;
  required?: boolean;
}

export function createCustomField(ctx: ClioContext, input: NewCustomField): CustomFieldRecord {
  const { state } = ctx;
  const duplicate = [...state.customFields.values()].some(
    (field) => field.parent_type === input.parent_type && field.name.toLowerCase() === input.name.trim().toLowerCase(),
  );
  if (duplicate) throw clioError(422, `A ${input.parent_type} custom field named '${input.name}' already exists`);
  const field: CustomFieldRecord = {
    id: nextId(state, 'customField'),
    ...timestamps(ctx),
    name: input.name.trim(),
    parent_type: input.parent_type,
    field_type: input.field_type,
    displayed: input.displayed ?? true,
    required: input.required ?? false,
    display_order: state.customFields.size,
  };
  state.customFields.set(field.id, field);
  return field;
}

/** Finds a custom field by name, creating it the first time (the sandbox's "Flat fee" / "Billing day"). */
export function ensureCustomField(
  ctx: ClioContext,
  name: string,
  parentType: 'Matter' | 'Contact',
  fieldType: CustomFieldType,
): CustomFieldRecord {
  for (const field of ctx.state.customFields.values()) {
    if (field.parent_type === parentType && field.name === name) return field;
  }
  return createCustomField(ctx, { name, parent_type: parentType, field_type: fieldType });
}

type CustomFieldValue = CustomFieldValueRecord['value'];

/** Clio validates a value against its field's type; a mismatch is a 422. */
export function coerceCustomFieldValue(field: CustomFieldRecord, value: unknown): CustomFieldValue {
  if (value === null || value === undefined || value === '') return null;
  const invalid = () =>
    clioError(422, `Value '${String(value)}' is not valid for ${field.field_type} custom field '${field.name}'`);
  switch (field.field_type) {
    case 'numeric':
    case 'currency': {
      const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
      if (!Number.isFinite(number)) throw invalid();
      return number;
    }
    case 'checkbox':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw invalid();
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw invalid();
      return value;
    case 'contact':
    case 'matter':
    case 'picklist':
      if (typeof value !== 'number' && !(typeof value === 'string' && /^\d+$/.test(value))) throw invalid();
      return Number(value);
    default:
      if (typeof value !== 'string' && typeof value !== 'number') throw invalid();
      return String(value);
  }
}

export interface CustomFieldValueInput {
  id?: string;
  custom_field?: { id: number };
  value?: unknown;
  _destroy?: boolean;
}

/**
 * Applies Clio's nested custom_field_values semantics: an `id` updates (or with `_destroy` removes) an
 * existing value; `custom_field{id}` adds one. Returns whether anything changed.
 */
export function applyCustomFieldValues(
  ctx: ClioContext,
  parentType: 'Matter' | 'Contact',
  values: CustomFieldValueRecord[],
  inputs: CustomFieldValueInput[],
): boolean {
  let changed = false;
  for (const input of inputs) {
    if (input.id !== undefined) {
      const index = values.findIndex((value) => value.id === input.id);
      const existing = values[index];
      if (!existing) throw clioError(422, `Custom field value '${input.id}' does not exist on this record`);
      if (input._destroy) {
        values.splice(index, 1);
        changed = true;
        continue;
      }
      const field = ctx.state.customFields.get(existing.custom_field_id)!;
      const coerced = coerceCustomFieldValue(field, input.value);
      if (coerced !== existing.value) {
        existing.value = coerced;
        touch(ctx, existing);
        changed = true;
      }
      continue;
    }
    const fieldId = input.custom_field?.id;
    const field = fieldId === undefined ? undefined : ctx.state.customFields.get(fieldId);
    if (!field || field.parent_type !== parentType) {
      throw clioError(422, `custom_field ${fieldId ?? '(missing)'} is not a ${parentType} custom field`);
    }
    if (values.some((value) => value.custom_field_id === field.id)) {
      throw clioError(422, `Custom field '${field.name}' already has a value; update it by its value id`);
    }
    values.push({
      id: `${field.field_type}-${nextId(ctx.state, 'customFieldValue')}`,
      ...timestamps(ctx),
      custom_field_id: field.id,
      value: coerceCustomFieldValue(field, input.value),
    });
    changed = true;
  }
  return changed;
}
