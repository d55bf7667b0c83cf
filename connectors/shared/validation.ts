import type { z } from 'zod';
import { WebhookPayloadError } from '../errors';

/** "data.amount: expected number; meta: required": every issue with the path where it is. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

export function issuePaths(error: z.ZodError): string[] {
  return error.issues.map((issue) => issue.path.join('.'));
}

/** A webhook body as JSON of the vendor's documented shape, or a WebhookPayloadError saying what is wrong where. */
export function parseWebhookJson<T extends z.ZodTypeAny>(rawBody: Buffer, schema: T): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookPayloadError('body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new WebhookPayloadError(describeIssues(parsed.error));
  return parsed.data;
}
