import { timingSafeEqual } from 'node:crypto';

/** Whether an `Authorization: Bearer …` header carries exactly `token` (constant-time). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(String(authorization ?? '').replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
