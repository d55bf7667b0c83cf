/** Pinned: 4.0.4 changed activity `quantity` from hours to seconds, and a silent minor bump could change more. */
export const CLIO_API_VERSION = '4.0.9';

export type ClioRegion = 'us' | 'eu' | 'ca' | 'au';

/** A token only works in its own region (docs/vendors.md §1.1): the host is stored with each connection. */
export const CLIO_REGION_HOSTS: Record<ClioRegion, string> = {
  us: 'https://app.clio.com',
  eu: 'https://eu.app.clio.com',
  ca: 'https://ca.app.clio.com',
  au: 'https://au.app.clio.com',
};

/** Clio's documented peak budget per access token; the live headers override it after the first response. */
export const CLIO_DEFAULT_RATE_LIMIT_PER_MINUTE = 50;

/** Matter custom fields a firm uses to carry billing terms Clio has no field for. */
export const FLAT_FEE_FIELD_NAME = 'Flat fee';
export const BILLING_DAY_FIELD_NAME = 'Billing day';
export const REVIEW_FLAG_FIELD_NAME = 'matterpay: attorney review';
