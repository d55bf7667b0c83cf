import type { FastifyRequest } from 'fastify';
import { requestBaseUrl } from '../common/app';
import { clioError } from './errors';
import type { Query } from './queryParams';
import { positiveInteger, single } from './queryParams';

export const MAX_LIMIT = 200;
export const OFFSET_RECORD_CAP = 10_000;

interface Sort {
  field: string;
  direction: 'asc' | 'desc';
}

type PageRequest =
  { mode: 'cursor'; limit: number; afterId: number } | { mode: 'offset'; limit: number; offset: number; sort: Sort };

export interface Page<T> {
  items: T[];
  meta: { paging: { next?: string; previous?: string }; records: number };
}

interface CursorToken {
  after: number;
}

function encodeCursor(token: CursorToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeCursor(raw: string): CursorToken {
  try {
    const decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<CursorToken>;
    if (typeof decoded.after === 'number' && Number.isInteger(decoded.after)) return { after: decoded.after };
  } catch {
    // fall through to the 400 below
  }
  throw clioError(400, 'Invalid page_token');
}

function parseSort(raw: string | undefined, sortable: readonly string[]): Sort {
  if (raw === undefined || raw === '') return { field: 'id', direction: 'asc' };
  const match = /^([a-z_]+)\((asc|desc)\)$/.exec(raw);
  if (!match || !sortable.includes(match[1]!)) {
    throw clioError(400, `Invalid order '${raw}'; use one of ${sortable.map((f) => `${f}(asc|desc)`).join(', ')}`);
  }
  return { field: match[1]!, direction: match[2] as Sort['direction'] };
}

/**
 * Cursor paging (the default, unlimited) applies when ordering by id(asc) without `offset`.
 * Anything else is offset paging, capped at 10,000 records like Clio.
 */
function parsePageRequest(query: Query, sortable: readonly string[]): PageRequest {
  const limit = positiveInteger(query, 'limit') ?? MAX_LIMIT;
  if (limit < 1 || limit > MAX_LIMIT) throw clioError(400, `Parameter 'limit' must be between 1 and ${MAX_LIMIT}`);
  const sort = parseSort(single(query, 'order'), sortable);
  const offset = positiveInteger(query, 'offset');
  const pageToken = single(query, 'page_token');
  const isIdAscending = sort.field === 'id' && sort.direction === 'asc';
  if (offset === undefined && isIdAscending) {
    return { mode: 'cursor', limit, afterId: pageToken ? decodeCursor(pageToken).after : 0 };
  }
  if (pageToken) throw clioError(400, 'page_token can only be used with order=id(asc) and no offset');
  const start = offset ?? 0;
  if (start + limit > OFFSET_RECORD_CAP) {
    throw clioError(
      422,
      `Offset pagination is limited to ${OFFSET_RECORD_CAP} records; use cursor pagination (order=id(asc) and page_token) instead`,
    );
  }
  return { mode: 'offset', limit, offset: start, sort };
}

function compareBy<T extends { id: number }>(sort: Sort): (a: T, b: T) => number {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return (a, b) => {
    const left = (a as Record<string, unknown>)[sort.field];
    const right = (b as Record<string, unknown>)[sort.field];
    if (left === right) return (a.id - b.id) * sign;
    if (left === null || left === undefined) return -sign;
    if (right === null || right === undefined) return sign;
    return (left < right ? -1 : 1) * sign;
  };
}

/** `next`/`previous` are full URLs carrying every original parameter (fields, filters, limit). */
function linkWith(request: FastifyRequest, changes: Record<string, string | null>): string {
  const url = new URL(request.originalUrl, requestBaseUrl(request));
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  return url.toString();
}

/** Pages an already-filtered list of records. */
export function paginate<T extends { id: number }>(
  request: FastifyRequest,
  query: Query,
  matching: T[],
  sortable: readonly string[],
): Page<T> {
  const pageRequest = parsePageRequest(query, sortable);
  const records = matching.length;
  if (pageRequest.mode === 'cursor') {
    const remaining = matching.filter((item) => item.id > pageRequest.afterId).sort((a, b) => a.id - b.id);
    const items = remaining.slice(0, pageRequest.limit);
    const last = items[items.length - 1];
    const next =
      remaining.length > items.length && last
        ? linkWith(request, { page_token: encodeCursor({ after: last.id }), limit: String(pageRequest.limit) })
        : undefined;
    return { items, meta: { paging: next ? { next } : {}, records } };
  }
  const sorted = [...matching].sort(compareBy<T>(pageRequest.sort));
  const { offset, limit } = pageRequest;
  const items = sorted.slice(offset, offset + limit);
  const paging: Page<T>['meta']['paging'] = {};
  if (offset + limit < sorted.length && offset + 2 * limit <= OFFSET_RECORD_CAP) {
    paging.next = linkWith(request, { offset: String(offset + limit), limit: String(limit) });
  }
  if (offset > 0)
    paging.previous = linkWith(request, { offset: String(Math.max(0, offset - limit)), limit: String(limit) });
  return { items, meta: { paging, records } };
}
