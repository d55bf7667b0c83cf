import type { SealContext } from './encryption';

/** The one place that names what each sealed column is for (the associated data of its values). */
export const sealedAs = {
  clioAccessToken: (firmId: string): SealContext => ({ firmId, purpose: 'clio-access-token' }),
  clioRefreshToken: (firmId: string): SealContext => ({ firmId, purpose: 'clio-refresh-token' }),
  clioWebhookSecret: (firmId: string, webhookId: string): SealContext => ({
    firmId,
    purpose: `clio-webhook-secret/${webhookId}`,
  }),
};
