/** The two local emulators: Clio Manage v4 (practice management) and the LawPay/AffiniPay gateway. */
export { createClioSandbox, startClioSandbox } from './clio/server';
export type { ClioSandbox, ClioSandboxHandle } from './clio/server';
export type { ClioSandboxOptions } from './clio/options';
export { CLIO_DEFAULT_PORT } from './clio/options';
export type { TokenResponse as ClioTokenResponse } from './clio/oauth';
export { signWebhookBody as signClioWebhookBody } from './clio/webhookEvents';
export { BILLING_DAY_FIELD, FLAT_FEE_FIELD } from './clio/billingTerms';

export { createLawPaySandbox, startLawPaySandbox } from './lawpay/server';
export type { LawPaySandbox, LawPaySandboxHandle } from './lawpay/server';
export type { LawPaySandboxOptions } from './lawpay/options';
export { LAWPAY_DEFAULT_PORT } from './lawpay/options';
export type { GatewayEvent as LawPayEvent, Transaction as LawPayTransaction } from './lawpay/state';

export type { FaultSettings } from './common/faults';
export type { DeliveryLogEntry } from './common/webhookDeliverer';
