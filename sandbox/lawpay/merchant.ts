import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ResolvedLawPayOptions } from './options';

export interface GatewayAccount {
  id: string;
  name: string;
  status: 'ACTIVE';
  primary: boolean;
  currency: 'USD';
  trust_account: boolean;
  cvv_policy: string;
  avs_policy: string;
  required_payment_fields: string;
  transaction_allowed_countries: string;
}

export interface Merchant {
  id: string;
  name: string;
  status: 'ACTIVE';
  merchant_accounts: GatewayAccount[];
  ach_accounts: GatewayAccount[];
}

/** Hosted-page slug → the card account it pays into. */
export type AccountSlug = 'operating' | 'trust';

function account(id: string, name: string, primary: boolean, trust: boolean): GatewayAccount {
  return {
    id,
    name,
    status: 'ACTIVE',
    primary,
    currency: 'USD',
    trust_account: trust,
    cvv_policy: 'REQUIRE_MATCH',
    avs_policy: 'REQUIRE_POSTAL_CODE_MATCH',
    required_payment_fields: 'postal_code',
    transaction_allowed_countries: 'US',
  };
}

/**
 * Account ids derive from the merchant slug, so they stay the same across restarts and resets
 * (a connector may keep them in its configuration).
 */
export function buildMerchant(options: ResolvedLawPayOptions): Merchant {
  const suffix = crypto.createHash('sha256').update(options.merchantSlug).digest('hex').slice(0, 12);
  return {
    id: `mer_${suffix}`,
    name: options.merchantName,
    status: 'ACTIVE',
    merchant_accounts: [
      account(`acct_op_${suffix}`, 'Operating', true, false),
      account(`acct_trust_${suffix}`, 'Trust', false, true),
    ],
    ach_accounts: [account(`acct_ach_${suffix}`, 'Operating eCheck', true, false)],
  };
}

export function allAccounts(merchant: Merchant): GatewayAccount[] {
  return [...merchant.merchant_accounts, ...merchant.ach_accounts];
}

export function accountForSlug(merchant: Merchant, slug: string): GatewayAccount | undefined {
  if (slug === 'operating') return merchant.merchant_accounts.find((candidate) => !candidate.trust_account);
  if (slug === 'trust') return merchant.merchant_accounts.find((candidate) => candidate.trust_account);
  return undefined;
}

export function registerMerchantRoutes(api: FastifyInstance, merchant: Merchant): void {
  api.get('/v1/merchant', async () => merchant);
}
