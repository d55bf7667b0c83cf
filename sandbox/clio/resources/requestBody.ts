import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { describeZodIssues } from '../../common/controlInput';
import { clioError } from '../errors';

/** Clio writes are wrapped: `{"data":{...}}`. A malformed envelope is 400, invalid content 422. */
export function parseDataEnvelope<S extends z.ZodType>(request: FastifyRequest, schema: S): z.output<S> {
  const body = request.body as { data?: unknown } | undefined;
  if (typeof body !== 'object' || body === null || typeof body.data !== 'object' || body.data === null) {
    throw clioError(400, 'The request body must be a JSON object of the form {"data":{...}}');
  }
  const parsed = schema.safeParse(body.data);
  if (!parsed.success) throw clioError(422, describeZodIssues(parsed.error));
  return parsed.data;
}

/** Honours `IF-MATCH` on writes: a stale etag means someone else changed the record first. */
export function checkIfMatch(request: FastifyRequest, currentEtag: string): void {
  const expected = request.headers['if-match'];
  if (expected !== undefined && expected !== currentEtag) {
    throw clioError(412, 'The record has changed since it was read (etag mismatch)');
  }
}
