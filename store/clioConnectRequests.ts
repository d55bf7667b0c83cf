import type { Db } from './db';

export type ConnectOutcome = 'connected' | 'refused-other-account' | 'failed';

export type StartResult =
  { kind: 'started'; firmId: string } | { kind: 'refused'; reason: 'unknown' | 'used' | 'expired' };

/** How long the OAuth round trip through Clio may take once the start link was opened. */
const STATE_LIFETIME = '15 minutes';

/**
 * Start links minted by `matterpay connect clio` (docs/architecture.md §10, issue 10). Only SHA-256 hashes are stored: the link
 * and the OAuth `state` exist in plain text only in the admin's terminal and browser. Each is consumed once, by a
 * single UPDATE, so two racing uses cannot both succeed.
 */
export class ClioConnectRequestRepository {
  constructor(private readonly db: Db) {}

  async create(request: {
    requestHash: string;
    firmId: string;
    replaceAllowed: boolean;
    lifetimeMs: number;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO clio_connect_requests (request_hash, firm_id, replace_allowed, expires_at) VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')`,
      [request.requestHash, request.firmId, request.replaceAllowed, request.lifetimeMs],
    );
  }

  /** Uses the start link once, binding it to the `state` sent to Clio. */
  async start(requestHash: string, stateHash: string): Promise<StartResult> {
    const { rows } = await this.db.query(
      `UPDATE clio_connect_requests SET started_at = now(), state_hash = $2
       WHERE request_hash = $1 AND started_at IS NULL AND expires_at > now() RETURNING firm_id`,
      [requestHash, stateHash],
    );
    if (rows[0]) return { kind: 'started', firmId: rows[0].firm_id };
    const { rows: known } = await this.db.query(
      'SELECT started_at IS NOT NULL AS used FROM clio_connect_requests WHERE request_hash = $1',
      [requestHash],
    );
    if (!known[0]) return { kind: 'refused', reason: 'unknown' };
    return { kind: 'refused', reason: known[0].used ? 'used' : 'expired' };
  }

  /** The callback's one use of `state`: the request it belongs to, or null (unknown, used, or too old). */
  async consumeState(
    stateHash: string,
  ): Promise<{ requestHash: string; firmId: string; replaceAllowed: boolean } | null> {
    const { rows } = await this.db.query(
      `UPDATE clio_connect_requests SET completed_at = now()
       WHERE state_hash = $1 AND completed_at IS NULL AND started_at > now() - interval '${STATE_LIFETIME}'
       RETURNING request_hash, firm_id, replace_allowed`,
      [stateHash],
    );
    const row = rows[0];
    return row ? { requestHash: row.request_hash, firmId: row.firm_id, replaceAllowed: row.replace_allowed } : null;
  }

  async recordOutcome(requestHash: string, outcome: ConnectOutcome): Promise<void> {
    await this.db.query('UPDATE clio_connect_requests SET outcome = $2 WHERE request_hash = $1', [
      requestHash,
      outcome,
    ]);
  }

  async outcome(requestHash: string): Promise<ConnectOutcome | null> {
    const { rows } = await this.db.query('SELECT outcome FROM clio_connect_requests WHERE request_hash = $1', [
      requestHash,
    ]);
    return rows[0]?.outcome ?? null;
  }
}
