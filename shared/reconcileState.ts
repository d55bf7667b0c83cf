/** Values of the ReconcileState search attribute: "which payments are parked?" is `ReconcileState = 'unmatched'`. */
export const ReconcileStateValues = {
  pending: 'pending',
  applied: 'applied',
  unmatched: 'unmatched',
  ignored: 'ignored',
  /** Its reference names an invoice that cannot take money (draft, void): a person decides. */
  parked: 'parked',
  /** It cannot be applied (another currency, a bad amount): a person decides. */
  rejected: 'rejected',
} as const;
