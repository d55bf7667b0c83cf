import type { Matter } from '../connectors/ports';

/** A matter as one practice-system read returned it, and when (epoch ms): what a billing cycle already knows. */
export interface KnownMatter {
  matter: Matter;
  readAtMs: number;
}

/**
 * How long a read stands for the matter within one billing cycle (read, draft, draw trust, issue, deliver), so the
 * cycle does not read it again (issue 14: Clio allows 50 calls a minute at peak). Long enough for a month-end run's
 * last invoice behind the rate limit; older than that, the matter is read again.
 */
export const KNOWN_MATTER_FOR_MS = 30 * 60_000;

/** The known matter if it is this matter and was read recently enough to stand for it, else null. */
export function knownMatter(known: KnownMatter | null | undefined, matterId: string, nowMs: number): Matter | null {
  if (!known || known.matter.id !== matterId) return null;
  const ageMs = nowMs - known.readAtMs;
  return ageMs >= 0 && ageMs <= KNOWN_MATTER_FOR_MS ? known.matter : null;
}
