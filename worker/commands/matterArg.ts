import type { Db } from '../../store/db';
import { MatterLinkRepository } from '../../store/matterLinks';
import { CommandError } from './context';

export interface ResolvedMatter {
  practiceMatterId: string;
  matterDisplayNumber: string;
}

/**
 * The matter named on the command line (`00042-Smith`, a practice-system id, or `id:<id>` / `number:<display
 * number>` when both could match), through the canonical rows of the lookup table, which `matterpay backfill`
 * fills for every matter.
 */
export async function resolveMatter(db: Db, firmId: string, arg: string): Promise<ResolvedMatter> {
  const forced = /^(id|number):(.+)$/.exec(arg);
  const value = forced ? forced[2]!.trim() : arg;
  const links = new MatterLinkRepository(db);
  const byNumber = forced?.[1] === 'id' ? null : await links.canonical(firmId, { displayNumber: value });
  const byId = forced?.[1] === 'number' ? null : await links.canonical(firmId, { matterId: value });
  if (byNumber && byId && byNumber.practiceMatterId !== byId.practiceMatterId) {
    throw new CommandError(
      `"${value}" is both the display number of matter ${byNumber.matterDisplayNumber} (id ${byNumber.practiceMatterId}) and the id of matter ${byId.matterDisplayNumber}: say which with number:${value} or id:${value}`,
    );
  }
  const found = byNumber ?? byId;
  if (!found) {
    throw new CommandError(
      `matter "${value}" is not in the lookup table for firm ${firmId} (no display number or practice-system id matches): run \`matterpay backfill\` to load every matter from the practice system, then try again`,
    );
  }
  return found;
}
