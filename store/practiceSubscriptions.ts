import type { WebhookSubscription, WebhookSubscriptionStore } from '../connectors/ports';
import type { Db } from './db';
import type { SecretBox } from './encryption';
import { sealedAs } from './sealPurposes';

/**
 * The webhook subscriptions a practice-system connector registered, per firm, with their secrets sealed at rest.
 * The table keeps the name it was born with (`clio_webhooks`, `model` for the topic): renaming it would be a
 * migration for no one's benefit, and the sealed secrets stay bound to the purpose they were sealed for.
 */
export class PracticeSubscriptionRepository {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  /** The firm a delivery's subscription belongs to; null for a subscription we never made. */
  async firmOf(subscriptionId: string): Promise<string | null> {
    const { rows } = await this.db.query('SELECT firm_id FROM clio_webhooks WHERE webhook_id = $1', [subscriptionId]);
    return rows[0]?.firm_id ?? null;
  }

  /** One firm's subscriptions, as the connector's store. */
  forFirm(firmId: string): WebhookSubscriptionStore {
    return {
      byId: (subscriptionId) => this.one('firm_id = $1 AND webhook_id = $2', [firmId, subscriptionId]),
      byTopic: (topic) => this.one('firm_id = $1 AND model = $2', [firmId, topic]),
      save: (subscription) => this.save(firmId, subscription),
      updateState: async (topic, status, expiresAt) => {
        await this.db.query(
          'UPDATE clio_webhooks SET status = $3, expires_at = $4, updated_at = now() WHERE firm_id = $1 AND model = $2',
          [firmId, topic, status, expiresAt],
        );
      },
    };
  }

  /** One subscription per firm and topic: a new registration replaces the old one. */
  private async save(firmId: string, subscription: WebhookSubscription): Promise<void> {
    await this.db.query(
      `INSERT INTO clio_webhooks (firm_id, webhook_id, model, shared_secret_sealed, status, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (firm_id, model) DO UPDATE SET webhook_id = EXCLUDED.webhook_id, shared_secret_sealed = EXCLUDED.shared_secret_sealed,
         status = EXCLUDED.status, expires_at = EXCLUDED.expires_at, updated_at = now()`,
      [
        firmId,
        subscription.subscriptionId,
        subscription.topic,
        this.box.seal(subscription.secret, sealedAs.clioWebhookSecret(firmId, subscription.subscriptionId)),
        subscription.status,
        subscription.expiresAt,
      ],
    );
  }

  private async one(where: string, params: unknown[]): Promise<WebhookSubscription | null> {
    const { rows } = await this.db.query(
      `SELECT firm_id, webhook_id, model, shared_secret_sealed, status, expires_at FROM clio_webhooks WHERE ${where}`,
      params,
    );
    const row = rows[0];
    if (!row) return null;
    const firmId = row.firm_id as string;
    const subscriptionId = row.webhook_id as string;
    return {
      subscriptionId,
      topic: row.model as string,
      status: row.status as string,
      expiresAt: new Date(row.expires_at as string).toISOString(),
      secret: this.box.open(row.shared_secret_sealed as string, sealedAs.clioWebhookSecret(firmId, subscriptionId)),
    };
  }
}
