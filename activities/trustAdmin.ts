import { inTransaction, type Db } from '../store/db';
import { lockMatter } from '../store/invoices';
import { TrustDrawRepository, type TrustDraw } from '../store/trustDraws';

/**
 * An admin's word on a trust draw the ledger cannot settle (`matterpay trust confirm|reverse`), taken under the
 * matter's lock as every draw is, so it never races a draw being made or confirmed from the ledger. False when the
 * draw is no longer in a state the action applies to.
 */
export async function decideTrustDrawByAdmin(
  db: Db,
  input: { firmId: string; draw: Pick<TrustDraw, 'id' | 'matterId'>; action: 'confirm' | 'reverse'; by: string },
): Promise<boolean> {
  const draws = new TrustDrawRepository(db);
  return inTransaction(db, async (client) => {
    await lockMatter(client, input.firmId, input.draw.matterId);
    return input.action === 'confirm'
      ? draws.confirmByAdmin(client, input.firmId, input.draw.id, input.by)
      : draws.reverse(client, input.firmId, input.draw.id, input.by);
  });
}
