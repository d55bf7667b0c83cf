import type { Db } from './db';
import type { SecretBox } from './encryption';
import { sealedAs } from './sealPurposes';

export interface StoredClioWebhook {
  firmId: string;
  webhookId: string;
  model: string;
  sharedSecret: string;
}

/** The Clio webhooks matterpay registered, with their shared secrets sealed at rest. */
export class ClioWebhookRepository {
  constructor(private readonly db: Db, private readonly box: SecretBox) {}

  async byId(webhookId: string): Promise<StoredClioWebhook | null> {
    const { rows } = await this.db.query('SELECT firm_id, webhook_id, model, shared_secret_sealed FROM clio_webhooks WHERE webhook_id = $1', [webhookId]);
    return rows[0] ? this.toWebhook(rows[0]) : null;
  }

  async byModel(firmId: string, model: string): Promise<StoredClioWebhook | null> {
    const { rows } = await this.db.query('SELECT firm_id, webhook_id, model, shared_secret_sealed FROM clio_webhooks WHERE firm_id = $1 AND model = $2', [firmId, model]);
    return rows[0] ? this.toWebhook(rows[0]) : null;
  }

  /** One webhook per firm and model: a new registration replaces the old one. */
  async save(hook: StoredClioWebhook & { status: string; expiresAt: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO clio_webhooks (firm_id, webhook_id, model, shared_secret_sealed, status, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (firm_id, model) DO UPDATE SET webhook_id = EXCLUDED.webhook_id, shared_secret_sealed = EXCLUDED.shared_secret_sealed,
         status = EXCLUDED.status, expires_at = EXCLUDED.expires_at, updated_at = now()`,
      [hook.firmId, hook.webhookId, hook.model, this.box.seal(hook.sharedSecret, sealedAs.clioWebhookSecret(hook.firmId, hook.webhookId)), hook.status, hook.expiresAt],
    );
  }

  async updateState(firmId: string, model: string, status: string, expiresAt: string): Promise<void> {
    await this.db.query('UPDATE clio_webhooks SET status = $3, expires_at = $4, updated_at = now() WHERE firm_id = $1 AND model = $2', [firmId, model, status, expiresAt]);
  }

  private toWebhook(row: Record<string, unknown>): StoredClioWebhook {
    const firmId = row.firm_id as string;
    const webhookId = row.webhook_id as string;
    return { firmId, webhookId, model: row.model as string, sharedSecret: this.box.open(row.shared_secret_sealed as string, sealedAs.clioWebhookSecret(firmId, webhookId)) };
  }
}
