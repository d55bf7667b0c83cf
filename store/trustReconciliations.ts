import type { Db } from './db';

export interface SignedReconciliation<Report = unknown> {
  month: string;
  revision: number;
  signedBy: string;
  signedAt: Date;
  withExceptions: boolean;
  flaggedLines: number;
  report: Report;
}

/** Signed trust reconciliations (`trust_reconciliations`): append-only snapshots, one revision per sign-off. */
export class TrustReconciliationRepository {
  constructor(private readonly db: Db) {}

  /** The latest revision signed for the month, or null. */
  async latest<Report>(firmId: string, month: string): Promise<SignedReconciliation<Report> | null> {
    const { rows } = await this.db.query(
      `SELECT month, revision, signed_by, signed_at, with_exceptions, flagged_lines, report FROM trust_reconciliations
       WHERE firm_id = $1 AND month = $2 ORDER BY revision DESC LIMIT 1`,
      [firmId, month],
    );
    const r = rows[0];
    return r
      ? {
          month: r.month,
          revision: r.revision,
          signedBy: r.signed_by,
          signedAt: r.signed_at,
          withExceptions: r.with_exceptions,
          flaggedLines: r.flagged_lines,
          report: r.report as Report,
        }
      : null;
  }

  /** Records a new revision; two sign-offs at the same moment get distinct revisions (the unique key decides). */
  async sign(
    firmId: string,
    input: { month: string; signedBy: string; withExceptions: boolean; flaggedLines: number; report: unknown },
  ): Promise<number> {
    const { rows } = await this.db.query(
      `INSERT INTO trust_reconciliations (firm_id, month, revision, signed_by, with_exceptions, flagged_lines, report)
       SELECT $1, $2, COALESCE(MAX(revision), 0) + 1, $3, $4, $5, $6::jsonb FROM trust_reconciliations WHERE firm_id = $1 AND month = $2
       RETURNING revision`,
      [firmId, input.month, input.signedBy, input.withExceptions, input.flaggedLines, JSON.stringify(input.report)],
    );
    return rows[0].revision as number;
  }
}
