import type { FastifyRequest } from 'fastify';
import { lawPayError } from './errors';

export interface PagedEnvelope<T> {
  page: number;
  page_size: number;
  total_entries: number;
  results: T[];
}

type Query = Record<string, string | string[] | undefined>;

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

export function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

export function single(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function positiveInteger(query: Query, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw lawPayError(400, 'invalid_parameter', `${name} must be an integer between 1 and ${max}`, { context: name });
  }
  return value;
}

/** start_date / end_date on `created`; a bare date means the whole day (end_date inclusive). */
function dateBound(query: Query, name: 'start_date' | 'end_date'): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  const isDateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const ms = Date.parse(isDateOnly ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(ms))
    throw lawPayError(400, 'invalid_parameter', `${name} must be an ISO-8601 date or timestamp`, { context: name });
  return isDateOnly && name === 'end_date' ? ms + 24 * 3600 * 1000 - 1 : ms;
}

export function createdWithin<T extends { created: string }>(query: Query): (item: T) => boolean {
  const start = dateBound(query, 'start_date');
  const end = dateBound(query, 'end_date');
  return (item) => {
    const created = Date.parse(item.created);
    return (start === undefined || created >= start) && (end === undefined || created <= end);
  };
}

/**
 * `order_by` names a field, `-` prefix for descending (the gateway's exact syntax is undocumented).
 * Default: newest first, with creation order breaking ties.
 */
export function ordered<T extends { created: string }>(items: T[], query: Query, sortable: readonly string[]): T[] {
  const raw = single(query, 'order_by') ?? '-created';
  const descending = raw.startsWith('-');
  const field = descending ? raw.slice(1) : raw;
  if (!sortable.includes(field)) {
    throw lawPayError(
      400,
      'invalid_parameter',
      `order_by must be one of ${sortable.map((f) => `${f}, -${f}`).join(', ')}`,
      { context: 'order_by' },
    );
  }
  const indexed = items.map((item, index) => ({ item, index }));
  indexed.sort((a, b) => {
    const left = (a.item as Record<string, unknown>)[field] as string | number;
    const right = (b.item as Record<string, unknown>)[field] as string | number;
    const byField = left < right ? -1 : left > right ? 1 : 0;
    return (byField || a.index - b.index) * (descending ? -1 : 1);
  });
  return indexed.map(({ item }) => item);
}

export function pageOf<T>(items: T[], query: Query): PagedEnvelope<T> {
  const page = positiveInteger(query, 'page', 1);
  const pageSize = positiveInteger(query, 'page_size', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const start = (page - 1) * pageSize;
  return { page, page_size: pageSize, total_entries: items.length, results: items.slice(start, start + pageSize) };
}
