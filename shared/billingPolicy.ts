/**
 * The firm's billing policy, as workflows receive it in their input. Imported from here by every layer; the
 * declaration still sits in workflows/policy.ts (being reworked on another branch) and moves here after that merge.
 */
export type { BillingPolicy } from '../workflows/policy';
