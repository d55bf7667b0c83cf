import type { FieldSchema } from '../fields';
import type { ClioState, CustomFieldRecord, CustomFieldValueRecord } from '../state';

export const CUSTOM_FIELD_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  name: null,
  parent_type: null,
  field_type: null,
  displayed: null,
  deleted: null,
  required: null,
  display_order: null,
  picklist_options: null,
  created_at: null,
  updated_at: null,
};

export const CUSTOM_FIELD_VALUE_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  field_name: null,
  field_type: null,
  field_required: null,
  field_displayed: null,
  field_display_order: null,
  value: null,
  soft_deleted: null,
  custom_field: CUSTOM_FIELD_FIELDS,
  picklist_option: null,
  created_at: null,
  updated_at: null,
};

export function renderCustomField(field: CustomFieldRecord): Record<string, unknown> {
  return {
    id: field.id,
    etag: field.etag,
    name: field.name,
    parent_type: field.parent_type,
    field_type: field.field_type,
    displayed: field.displayed,
    deleted: false,
    required: field.required,
    display_order: field.display_order,
    picklist_options: [],
    created_at: field.created_at,
    updated_at: field.updated_at,
  };
}

export function renderCustomFieldValue(state: ClioState, value: CustomFieldValueRecord): Record<string, unknown> {
  const field = state.customFields.get(value.custom_field_id);
  return {
    id: value.id,
    etag: value.etag,
    field_name: field?.name ?? null,
    field_type: field?.field_type ?? null,
    field_required: field?.required ?? false,
    field_displayed: field?.displayed ?? true,
    field_display_order: field?.display_order ?? 0,
    value: value.value,
    soft_deleted: false,
    custom_field: field ? renderCustomField(field) : { id: value.custom_field_id },
    picklist_option: null,
    created_at: value.created_at,
    updated_at: value.updated_at,
  };
}
