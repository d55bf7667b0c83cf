import type { FieldSchema } from './fields';
import { ACTIVITY_FIELDS } from './representations/activities';
import { BILL_FIELDS } from './representations/bills';
import { CONTACT_FIELDS } from './representations/contacts';
import { MATTER_FIELDS } from './representations/matters';

/** Clio's webhook models and their numeric ids (a hook may name its model either way). */
export const WEBHOOK_MODEL_IDS = {
  matter: 1,
  activity: 2,
  bill: 3,
  calendar_entry: 4,
  communication: 5,
  contact: 6,
  task: 7,
  document: 8,
  folder: 9,
  clio_payments_payment: 10,
} as const;

export type WebhookModel = keyof typeof WEBHOOK_MODEL_IDS;

export const MATTER_STATUS_EVENTS = ['matter_opened', 'matter_pended', 'matter_closed'] as const;

export function modelFromInput(input: string | number): WebhookModel | undefined {
  for (const [name, id] of Object.entries(WEBHOOK_MODEL_IDS)) {
    if (input === name || input === id || input === String(id)) return name as WebhookModel;
  }
  return undefined;
}

export function eventsAllowedFor(model: WebhookModel): readonly string[] {
  if (model === 'clio_payments_payment') return ['created', 'updated'];
  if (model === 'matter') return ['created', 'updated', 'deleted', ...MATTER_STATUS_EVENTS];
  return ['created', 'updated', 'deleted'];
}

/** Field schemas for the models the sandbox emulates; other models' hooks can exist but never fire. */
export const WEBHOOK_MODEL_FIELDS: Partial<Record<WebhookModel, FieldSchema>> = {
  matter: MATTER_FIELDS,
  activity: ACTIVITY_FIELDS,
  contact: CONTACT_FIELDS,
  bill: BILL_FIELDS,
};
