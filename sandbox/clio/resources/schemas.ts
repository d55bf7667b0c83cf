import { z } from 'zod';

/** Ids arrive as JSON numbers, but clients often send them as strings. */
export const recordId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);

export const isoDateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)');

export const customFieldValueInput = z.object({
  id: z.string().optional(),
  custom_field: z.object({ id: recordId }).optional(),
  value: z.unknown().optional(),
  _destroy: z.boolean().optional(),
});
