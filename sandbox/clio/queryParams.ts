import type { FastifyRequest } from 'fastify';
import { clioError } from './errors';

export type Query = Record<string, string | string[] | undefined>;

export function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

/** The single value of a parameter; a repeated parameter keeps its last value, as Rails does. */
export function single(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function positiveInteger(query: Query, name: string): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw clioError(400, `Parameter '${name}' must be a positive integer`);
  return Number(raw);
}

/** `ids[]=1&ids[]=2` (also `ids=1,2`). */
export function integerList(query: Query, name: string): number[] | undefined {
  const raw = query[`${name}[]`] ?? query[name];
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => value.split(','));
  return values.map((value) => {
    if (!/^\d+$/.test(value.trim())) throw clioError(400, `Parameter '${name}' must list integer ids`);
    return Number(value);
  });
}

/** A comma list restricted to known lowercase values (`status=open,pending`). */
export function enumList<T extends string>(query: Query, name: string, allowed: readonly T[]): T[] | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  return raw.split(',').map((value) => {
    const trimmed = value.trim();
    if (!(allowed as readonly string[]).includes(trimmed)) {
      throw clioError(400, `Parameter '${name}' must be one of ${allowed.join(', ')} (got '${trimmed}')`);
    }
    return trimmed as T;
  });
}

export function timestamp(query: Query, name: string): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw clioError(400, `Parameter '${name}' must be an ISO-8601 timestamp`);
  return ms;
}

export function isoDateParam(query: Query, name: string): string | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) {
    throw clioError(400, `Parameter '${name}' must be a date (YYYY-MM-DD)`);
  }
  return raw;
}
