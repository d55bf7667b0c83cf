import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ClioContext } from '../context';
import { clioError } from '../errors';
import { createCustomField } from '../operations/customFields';
import type { Query } from '../queryParams';
import { single } from '../queryParams';
import { CUSTOM_FIELD_FIELDS, renderCustomField } from '../representations/customFields';
import type { CustomFieldRecord } from '../state';
import { CUSTOM_FIELD_TYPES } from '../state';
import type { ReadableResource } from './readRoutes';
import { registerReadRoutes, sendRecord } from './readRoutes';
import { parseDataEnvelope } from './requestBody';

const customFieldCreateSchema = z.object({
  name: z.string().trim().min(1),
  parent_type: z.enum(['Matter', 'Contact']),
  field_type: z.enum(CUSTOM_FIELD_TYPES),
  displayed: z.boolean().optional(),
  required: z.boolean().optional(),
});

function filterCustomFields(_ctx: ClioContext, fields: CustomFieldRecord[], query: Query): CustomFieldRecord[] {
  const parentType = single(query, 'parent_type');
  if (parentType !== undefined && parentType !== 'Matter' && parentType !== 'Contact') {
    throw clioError(400, `Parameter 'parent_type' must be Matter or Contact`);
  }
  return fields.filter((field) => parentType === undefined || field.parent_type === parentType);
}

export const customFieldResource: ReadableResource<CustomFieldRecord> = {
  name: 'CustomField',
  path: '/api/v4/custom_fields',
  fields: CUSTOM_FIELD_FIELDS,
  sortable: ['id', 'name', 'display_order', 'created_at', 'updated_at'],
  records: (ctx) => ctx.state.customFields,
  filter: filterCustomFields,
  render: (_ctx, field) => renderCustomField(field),
};

export function registerCustomFieldRoutes(api: FastifyInstance, ctx: ClioContext): void {
  registerReadRoutes(api, ctx, customFieldResource);

  api.post(customFieldResource.path, async (request, reply) => {
    const input = parseDataEnvelope(request, customFieldCreateSchema);
    return sendRecord(ctx, request, reply, customFieldResource, createCustomField(ctx, input), 201);
  });
}
