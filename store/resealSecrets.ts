import type pg from 'pg';
import type { SecretBox } from './encryption';
import { sealedAs } from './sealPurposes';

/**
 * Re-seals values sealed before associated data existed (`v1`) so they are bound to their firm and purpose (`v2`).
 * Runs after the SQL migrations, in the same transaction-per-table, in whichever process holds the key; idempotent
 * (only `v1` rows are touched), so every start may run it.
 */
export async function resealLegacySecrets(client: pg.ClientBase, box: SecretBox): Promise<number> {
  let resealed = 0;
  const connections = await client.query(
    `SELECT firm_id, access_token_sealed, refresh_token_sealed FROM clio_connections
     WHERE access_token_sealed LIKE 'v1:%' OR refresh_token_sealed LIKE 'v1:%' FOR UPDATE`,
  );
  for (const row of connections.rows) {
    const access = box.isLegacy(row.access_token_sealed)
      ? box.reseal(row.access_token_sealed, sealedAs.clioAccessToken(row.firm_id))
      : row.access_token_sealed;
    const refresh = box.isLegacy(row.refresh_token_sealed)
      ? box.reseal(row.refresh_token_sealed, sealedAs.clioRefreshToken(row.firm_id))
      : row.refresh_token_sealed;
    await client.query(
      'UPDATE clio_connections SET access_token_sealed = $2, refresh_token_sealed = $3 WHERE firm_id = $1',
      [row.firm_id, access, refresh],
    );
    resealed++;
  }
  const hooks = await client.query(
    `SELECT firm_id, webhook_id, shared_secret_sealed FROM clio_webhooks WHERE shared_secret_sealed LIKE 'v1:%' FOR UPDATE`,
  );
  for (const row of hooks.rows) {
    const sealed = box.reseal(row.shared_secret_sealed, sealedAs.clioWebhookSecret(row.firm_id, row.webhook_id));
    await client.query('UPDATE clio_webhooks SET shared_secret_sealed = $2 WHERE webhook_id = $1', [
      row.webhook_id,
      sealed,
    ]);
    resealed++;
  }
  return resealed;
}
