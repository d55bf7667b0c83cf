/** The words of the practice system that the billing rules decide on (docs/domain.md §4.1). */
export type MatterStatus = 'open' | 'pending' | 'closed';
export type BillingMethod = 'hourly' | 'flat' | 'contingency';
