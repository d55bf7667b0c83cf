import { VendorError, VendorRejectedError } from '../connectors/errors';
import { AlertRepository } from '../store/alerts';
import { PracticeWriteRepository } from '../store/practiceWrites';
import { WritebackRepository, type Writeback, type WritebackPayload } from '../store/writebacks';
import { coalescedNote } from './coalescedNote';
import type { ActivityDeps } from './deps';

export interface DrainResult {
  written: number;
  retrying: number;
  deadLettered: number;
  /** Milliseconds until the next pending write-back is due (0: now), or null when the queue is empty. */
  nextDueInMs: number | null;
}

const CLAIM_MS = 2 * 60_000;
const LONGEST_BACKOFF_MS = 5 * 60_000;
/** How long a write-back may keep failing before a person is told (docs/domain.md §4.4). */
export const STALLED_ALERT_AFTER_MS = 3_600_000;

/** 2 s, 4 s, 8 s … up to 5 minutes; the vendor's Retry-After when it said one. */
export function writebackBackoffMs(attempts: number, retryAfterSeconds: number | null): number {
  if (retryAfterSeconds !== null && retryAfterSeconds > 0)
    return Math.min(LONGEST_BACKOFF_MS, retryAfterSeconds * 1000);
  return Math.min(LONGEST_BACKOFF_MS, 2000 * 2 ** Math.max(0, attempts - 1));
}

export function writebackActivities(deps: ActivityDeps) {
  const queue = new WritebackRepository(deps.db);
  const ledger = new PracticeWriteRepository(deps.db);
  const alerts = new AlertRepository(deps.db);

  /** Writes one claimed write: a row of its own, or a moment's rows as one note. Returns the practice system's id. */
  async function perform(rows: Writeback[]): Promise<string | null> {
    const [row] = rows;
    if (!row) return null;
    const { practice } = deps.firm(row.firmId);
    const payload = row.payload;
    switch (payload.kind) {
      case 'note': {
        const note = coalescedNote(
          rows.map((r) => {
            const p = r.payload as Extract<WritebackPayload, { kind: 'note' }>;
            return { key: r.idempotencyKey, subject: p.subject, detail: p.detail };
          }),
        );
        // A claim that lapsed (its worker died mid-call) may have written the note: look before writing again. The
        // rows of a batch were claimed together from their first attempt, so the note found is the note they make.
        const result = await practice.addMatterNote(
          row.matterId,
          { subject: note.subject, detail: note.detail, date: payload.date },
          note.key,
          { checkFirst: rows.some((r) => r.attempts > 1), alsoKeys: note.alsoKeys },
        );
        return result.noteId;
      }
      case 'reference':
        await practice.setMatterReference(row.matterId, payload.reference);
        return payload.reference;
      case 'review_flag':
        await practice.flagForReview(row.matterId, payload.flagged);
        return null;
    }
  }

  return {
    /**
     * Writes up to `limit` due write-backs to the practice system, oldest first, one at a time within the
     * connector's rate limiter. 429, 5xx and timeouts come back later with backoff, without end, and raise an alert
     * once they have failed for an hour; any other rejection is dead-lettered with an alert. Never throws for a
     * vendor failure: the queue, not Temporal's retry, owns the retrying.
     */
    async drainWritebacks(input: {
      firmId: string;
      limit?: number;
      stalledAlertAfterMs?: number;
    }): Promise<DrainResult> {
      const { firmId } = input;
      const result: DrainResult = { written: 0, retrying: 0, deadLettered: 0, nextDueInMs: null };
      // One write claimed at a time (a row, or a moment's rows as one note): a claim covers one vendor call, so it
      // cannot lapse while a batch is still waiting.
      for (let n = 0; n < (input.limit ?? 25); n++) {
        const rows = await queue.claimNext(firmId, CLAIM_MS);
        const [row] = rows;
        if (!row) break;
        const ids = rows.map((r) => r.id);
        try {
          const remoteId = await perform(rows);
          await queue.markDone(ids);
          for (const r of rows) {
            await ledger.record(firmId, r.idempotencyKey, r.matterId, r.payload.kind, remoteId);
            if (r.firstFailedAt) await alerts.resolve(firmId, 'writeback-stalled', r.idempotencyKey);
          }
          // The connection alert is raised with a failed attempt (first_failed_at), so only a write after one can clear it.
          if (rows.some((r) => r.firstFailedAt !== null)) await alerts.resolve(firmId, 'writeback-connection', firmId);
          result.written++;
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const refusedCredentials =
            err instanceof VendorError &&
            (err.status === 401 || err.status === 403 || (err instanceof VendorRejectedError && err.connectionRefused));
          // Only the practice system can refuse a write for good. A failure of matterpay's own (a database deadlock or
          // restart between the write and its record) is tried again, and the retry looks before writing (attempts > 1).
          const vendorError = err instanceof VendorError ? err : null;
          if (!vendorError || vendorError.retryable || refusedCredentials) {
            const waitMs = writebackBackoffMs(
              Math.max(...rows.map((r) => r.attempts)),
              vendorError?.retryAfterSeconds ?? null,
            );
            const firstFailedAt = await queue.markRetry(ids, waitMs, message);
            result.retrying++;
            if (refusedCredentials) {
              // The connection itself is refused: nothing this row did. Hold the whole queue, tell the admin once.
              await alerts.raise(
                firmId,
                'writeback-connection',
                firmId,
                `The practice system refuses matterpay's connection (${message}); ${await queue.list(firmId, { state: 'pending' }).then((r) => r.length)} write-backs wait. Reconnect with: matterpay connect clio`,
              );
            } else if (Date.now() - firstFailedAt.getTime() >= (input.stalledAlertAfterMs ?? STALLED_ALERT_AFTER_MS)) {
              await alerts.raise(
                firmId,
                'writeback-stalled',
                row.idempotencyKey,
                `The ${row.payload.kind.replace('_', ' ')} write-back ${row.idempotencyKey} on matter ${row.matterId} has failed since ${firstFailedAt.toISOString()} (${message}); matterpay keeps retrying.`,
              );
            }
            // The vendor is down or throttling: the rest of the queue waits too instead of hammering it.
            if (vendorError) await queue.holdFirm(firmId, waitMs);
            break;
          }
          await queue.markDead(ids, message);
          result.deadLettered++;
          // Refused for a reason of its own, so the connection answered: a refusal it met earlier is over.
          if (rows.some((r) => r.firstFailedAt !== null)) await alerts.resolve(firmId, 'writeback-connection', firmId);
          await alerts.raise(
            firmId,
            'writeback-dead',
            row.idempotencyKey,
            `The practice system refused the ${row.payload.kind.replace('_', ' ')} write-back ${row.idempotencyKey} on matter ${row.matterId}: ${message}. Fix the cause, then run: matterpay writebacks retry ${row.id}`,
          );
          deps.logger?.warn(
            { firmId, writeback: row.id, key: row.idempotencyKey, kind: row.payload.kind, error: message },
            'write-back dead-lettered (see `matterpay writebacks`)',
          );
        }
      }
      result.nextDueInMs = await queue.nextDueInMs(firmId);
      return result;
    },
  };
}
