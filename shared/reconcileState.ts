/** Values of the ReconcileState search attribute: "which payments are parked?" is `ReconcileState = 'unmatched'`. */
export const ReconcileStateValues = {
  pending: 'pending',
  applied: 'applied',
  unmatched: 'unmatched',
  ignored: 'ignored',
} as const;
