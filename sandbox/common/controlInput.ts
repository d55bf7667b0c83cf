import type { z } from 'zod';
import { SandboxHttpError } from './httpError';

/** Body of every control-surface error, in both sandboxes. */
export function controlErrorBody(type: string, message: string): { error: { type: string; message: string } } {
  return { error: { type, message } };
}

export function controlError(statusCode: number, type: string, message: string): SandboxHttpError {
  return new SandboxHttpError(statusCode, controlErrorBody(type, message));
}

/** Names the offending field first, so a 400 tells the caller exactly what to fix. */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Validates control-surface input; a mismatch becomes a 400 naming the bad field. */
export function parseControlInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw controlError(400, 'invalid_request', describeZodIssues(parsed.error));
  return parsed.data;
}
