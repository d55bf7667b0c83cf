import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiVersion } from '../apiVersion';
import { negotiateApiVersion } from '../apiVersion';
import type { ClioContext } from '../context';
import { clioError } from '../errors';
import type { FieldSchema } from '../fields';
import { parseFields, selectFields } from '../fields';
import { paginate } from '../paging';
import type { Query } from '../queryParams';
import { integerList, queryOf, single, timestamp } from '../queryParams';

interface ApiRecord {
  id: number;
  etag: string;
  created_at: string;
  updated_at: string;
}

/** How one Clio resource is listed, found and shown. */
export interface ReadableResource<T extends ApiRecord> {
  /** Singular name used in error messages ("Matter"). */
  name: string;
  /** Route without `.json` (the server strips it): `/api/v4/matters`. */
  path: string;
  fields: FieldSchema;
  sortable: readonly string[];
  records(ctx: ClioContext): Map<number, T>;
  /** Resource-specific list filters; the common ones (ids[], updated_since, created_since) are applied first. */
  filter?: (ctx: ClioContext, records: T[], query: Query) => T[];
  render(ctx: ClioContext, record: T, version: ApiVersion): Record<string, unknown>;
}

export function idParam(request: FastifyRequest, resourceName: string): number {
  const raw = (request.params as { id?: string }).id ?? '';
  if (!/^\d+$/.test(raw)) throw clioError(404, `${resourceName} ${raw} not found`);
  return Number(raw);
}

export function findOr404<T>(map: Map<number, T>, id: number, resourceName: string): T {
  const record = map.get(id);
  if (!record) throw clioError(404, `${resourceName} ${id} not found`);
  return record;
}

/** `{"data":{...}}` with the fields the caller asked for (default `id,etag`). */
export function sendRecord<T extends ApiRecord>(
  ctx: ClioContext,
  request: FastifyRequest,
  reply: FastifyReply,
  resource: ReadableResource<T>,
  record: T,
  statusCode = 200,
): FastifyReply {
  const selection = parseFields(single(queryOf(request), 'fields'), resource.fields, resource.name);
  const full = resource.render(ctx, record, negotiateApiVersion(request));
  return reply
    .code(statusCode)
    .header('ETag', record.etag)
    .send({ data: selectFields(full, selection) });
}

function applyCommonFilters<T extends ApiRecord>(records: T[], query: Query): T[] {
  const ids = integerList(query, 'ids');
  const updatedSince = timestamp(query, 'updated_since');
  const createdSince = timestamp(query, 'created_since');
  return records.filter(
    (record) =>
      (ids === undefined || ids.includes(record.id)) &&
      (updatedSince === undefined || Date.parse(record.updated_at) >= updatedSince) &&
      (createdSince === undefined || Date.parse(record.created_at) >= createdSince),
  );
}

export function registerReadRoutes<T extends ApiRecord>(
  api: FastifyInstance,
  ctx: ClioContext,
  resource: ReadableResource<T>,
): void {
  api.get(resource.path, async (request, reply) => {
    const query = queryOf(request);
    // Validate fields before doing any work, so a typo is a 400 even on an empty list.
    const selection = parseFields(single(query, 'fields'), resource.fields, resource.name);
    let matching = applyCommonFilters([...resource.records(ctx).values()], query);
    if (resource.filter) matching = resource.filter(ctx, matching, query);
    const page = paginate(request, query, matching, resource.sortable);
    const version = negotiateApiVersion(request);
    const data = page.items.map((record) => selectFields(resource.render(ctx, record, version), selection));
    return reply.send({ data, meta: page.meta });
  });

  api.get(`${resource.path}/:id`, async (request, reply) => {
    const record = findOr404(resource.records(ctx), idParam(request, resource.name), resource.name);
    if (request.headers['if-none-match'] === record.etag) return reply.code(304).header('ETag', record.etag).send();
    return sendRecord(ctx, request, reply, resource, record);
  });
}
