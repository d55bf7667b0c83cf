import type { Db } from './db';
import type { SecretBox } from './encryption';
import { sealedAs } from './sealPurposes';

export interface StoredClioConnection {
  firmId: string;
  baseUrl: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

/** The Clio user a connection acts as (`who_am_i`), recorded when an admin connects. */
export interface ClioConnectionIdentity {
  userId: string;
  userName: string;
}

export interface ConnectedClio {
  /** Null for a connection made before identities were recorded. */
  userId: string | null;
  userName: string | null;
  baseUrl: string;
}

/** Who is connected, and where; null for no connection. Needs no key: nothing sealed is read. */
export async function connectedClio(db: Db, firmId: string): Promise<ConnectedClio | null> {
  const { rows } = await db.query(
    'SELECT clio_user_id, clio_user_name, base_url FROM clio_connections WHERE firm_id = $1',
    [firmId],
  );
  return rows[0] ? { userId: rows[0].clio_user_id, userName: rows[0].clio_user_name, baseUrl: rows[0].base_url } : null;
}

/** Clio OAuth tokens per firm, sealed at rest. */
export class ClioConnectionRepository {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  async get(firmId: string): Promise<StoredClioConnection | null> {
    const { rows } = await this.db.query(
      'SELECT firm_id, base_url, access_token_sealed, refresh_token_sealed, expires_at FROM clio_connections WHERE firm_id = $1',
      [firmId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      firmId: row.firm_id,
      baseUrl: row.base_url,
      accessToken: this.box.open(row.access_token_sealed, sealedAs.clioAccessToken(row.firm_id)),
      refreshToken: this.box.open(row.refresh_token_sealed, sealedAs.clioRefreshToken(row.firm_id)),
      expiresAt: row.expires_at,
    };
  }

  async identity(firmId: string): Promise<ConnectedClio | null> {
    return connectedClio(this.db, firmId);
  }

  /** A new connection (or a replacement): tokens and the identity that approved them, in one write. */
  async connect(connection: StoredClioConnection, identity: ClioConnectionIdentity): Promise<void> {
    await this.db.query(
      `INSERT INTO clio_connections (firm_id, base_url, access_token_sealed, refresh_token_sealed, expires_at, clio_user_id, clio_user_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (firm_id) DO UPDATE SET base_url = EXCLUDED.base_url, access_token_sealed = EXCLUDED.access_token_sealed,
         refresh_token_sealed = EXCLUDED.refresh_token_sealed, expires_at = EXCLUDED.expires_at, clio_user_id = EXCLUDED.clio_user_id,
         clio_user_name = EXCLUDED.clio_user_name, connected_at = now(), refreshed_at = now()`,
      [
        connection.firmId,
        connection.baseUrl,
        this.box.seal(connection.accessToken, sealedAs.clioAccessToken(connection.firmId)),
        this.box.seal(connection.refreshToken, sealedAs.clioRefreshToken(connection.firmId)),
        connection.expiresAt,
        identity.userId,
        identity.userName,
      ],
    );
  }

  /** Refreshed tokens for the connection as it is: the identity stays. */
  async save(connection: StoredClioConnection): Promise<void> {
    await this.db.query(
      `INSERT INTO clio_connections (firm_id, base_url, access_token_sealed, refresh_token_sealed, expires_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (firm_id) DO UPDATE SET base_url = EXCLUDED.base_url, access_token_sealed = EXCLUDED.access_token_sealed,
         refresh_token_sealed = EXCLUDED.refresh_token_sealed, expires_at = EXCLUDED.expires_at, refreshed_at = now()`,
      [
        connection.firmId,
        connection.baseUrl,
        this.box.seal(connection.accessToken, sealedAs.clioAccessToken(connection.firmId)),
        this.box.seal(connection.refreshToken, sealedAs.clioRefreshToken(connection.firmId)),
        connection.expiresAt,
      ],
    );
  }
}
