import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ClioContext } from '../context';
import { createMatter, updateMatter } from '../operations/matters';
import type { Query } from '../queryParams';
import { enumList, positiveInteger, single } from '../queryParams';
import { MATTER_FIELDS, renderMatter } from '../representations/matters';
import type { MatterRecord } from '../state';
import type { ReadableResource } from './readRoutes';
import { findOr404, idParam, registerReadRoutes, sendRecord } from './readRoutes';
import { checkIfMatch, parseDataEnvelope } from './requestBody';
import { customFieldValueInput, isoDateString, recordId } from './schemas';

const statusInput = z.enum(['open', 'pending', 'closed']);
const billingMethod = z.enum(['hourly', 'flat', 'contingency']);

const matterCreateSchema = z.object({
  client: z.object({ id: recordId }),
  description: z.string().trim().min(1),
  status: statusInput.optional(),
  billing_method: billingMethod.optional(),
  open_date: isoDateString.optional(),
  client_reference: z.string().nullable().optional(),
  custom_field_values: z.array(customFieldValueInput).optional(),
});

const matterUpdateSchema = z.object({
  description: z.string().optional(),
  status: statusInput.optional(),
  billing_method: billingMethod.optional(),
  client_reference: z.string().nullable().optional(),
  custom_field_values: z.array(customFieldValueInput).optional(),
});

/** `custom_field_values[123]=value` filters (equality only, as for Clio's text fields). */
function customFieldFilters(query: Query): Array<{ fieldId: number; value: string }> {
  return Object.keys(query).flatMap((key) => {
    const match = /^custom_field_values\[(\d+)\]$/.exec(key);
    const value = single(query, key);
    return match && value !== undefined ? [{ fieldId: Number(match[1]), value }] : [];
  });
}

function filterMatters(_ctx: ClioContext, matters: MatterRecord[], query: Query): MatterRecord[] {
  // Filters take lowercase statuses; records carry capitalised ones.
  const statuses = enumList(query, 'status', ['open', 'pending', 'closed'] as const)?.map(
    (status) => status[0]!.toUpperCase() + status.slice(1),
  );
  const clientId = positiveInteger(query, 'client_id');
  const text = single(query, 'query')?.toLowerCase();
  const customFields = customFieldFilters(query);
  return matters.filter(
    (matter) =>
      (statuses === undefined || statuses.includes(matter.status)) &&
      (clientId === undefined || matter.client_id === clientId) &&
      (text === undefined || `${matter.display_number} ${matter.description}`.toLowerCase().includes(text)) &&
      customFields.every(({ fieldId, value }) =>
        matter.custom_field_values.some((cfv) => cfv.custom_field_id === fieldId && String(cfv.value) === value),
      ),
  );
}

export const matterResource: ReadableResource<MatterRecord> = {
  name: 'Matter',
  path: '/api/v4/matters',
  fields: MATTER_FIELDS,
  sortable: ['id', 'display_number', 'description', 'open_date', 'close_date', 'created_at', 'updated_at'],
  records: (ctx) => ctx.state.matters,
  filter: filterMatters,
  render: (ctx, matter) => renderMatter(ctx.state, matter),
};

export function registerMatterRoutes(api: FastifyInstance, ctx: ClioContext): void {
  registerReadRoutes(api, ctx, matterResource);

  api.post(matterResource.path, async (request, reply) => {
    const input = parseDataEnvelope(request, matterCreateSchema);
    const matter = createMatter(ctx, {
      client_id: input.client.id,
      description: input.description,
      status: input.status,
      billing_method: input.billing_method,
      open_date: input.open_date,
      client_reference: input.client_reference,
      custom_field_values: input.custom_field_values,
    });
    return sendRecord(ctx, request, reply, matterResource, matter, 201);
  });

  api.patch(`${matterResource.path}/:id`, async (request, reply) => {
    const matter = findOr404(ctx.state.matters, idParam(request, 'Matter'), 'Matter');
    checkIfMatch(request, matter.etag);
    const changes = parseDataEnvelope(request, matterUpdateSchema);
    updateMatter(ctx, matter, changes);
    return sendRecord(ctx, request, reply, matterResource, matter);
  });
}
