import type { FastifyRequest } from 'fastify';
import { clioError } from './errors';

export const DEFAULT_API_VERSION = '4.0.9';
/** The newest minor version Clio's published spec describes. */
const NEWEST_MINOR = 10;

export interface ApiVersion {
  text: string;
  minor: number;
}

/** Reads `X-API-VERSION`; an unknown or retired version is 410 Gone, as in Clio. */
export function negotiateApiVersion(request: FastifyRequest): ApiVersion {
  const header = request.headers['x-api-version'];
  const requested = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!requested) return { text: DEFAULT_API_VERSION, minor: 9 };
  const match = /^4\.0\.(\d{1,3})$/.exec(requested);
  const minor = match ? Number(match[1]) : Number.NaN;
  if (!(minor >= 0 && minor <= NEWEST_MINOR)) {
    throw clioError(410, `API version ${requested} is not supported; use 4.0.0 to 4.0.${NEWEST_MINOR}`);
  }
  return { text: requested, minor };
}
