import type { ProcessorName } from '../shared/processors';
import type pg from 'pg';
import type { Db } from './db';

export interface MatterLink {
  processor: 'any' | ProcessorName;
  externalReference: string;
  practiceMatterId: string;
  matterDisplayNumber: string;
  source: 'canonical' | 'backfill' | 'webhook' | 'admin';
}

function toLink(r: Record<string, string>): MatterLink {
  return {
    processor: r.processor as MatterLink['processor'],
    externalReference: r.external_reference!,
    practiceMatterId: r.practice_matter_id!,
    matterDisplayNumber: r.matter_display_number!,
    source: r.source as MatterLink['source'],
  };
}

/** The matter-ID lookup table (docs/domain.md §4.6). */
export class MatterLinkRepository {
  constructor(private readonly db: Db | pg.PoolClient) {}

  /** A processor-specific mapping wins over the canonical one for the same reference. */
  async resolve(firmId: string, processor: ProcessorName, reference: string): Promise<MatterLink | null> {
    const { rows } = await this.db.query(
      `SELECT processor, external_reference, practice_matter_id, matter_display_number, source FROM matter_links
       WHERE firm_id = $1 AND processor IN ($2, 'any') AND external_reference = $3 ORDER BY processor = 'any' LIMIT 1`,
      [firmId, processor, reference],
    );
    return rows[0] ? toLink(rows[0]) : null;
  }

  /** Adds a mapping; an existing one for the same reference is left as it is. Returns whether it was added. */
  async add(firmId: string, link: MatterLink): Promise<boolean> {
    const result = await this.db.query(
      `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [firmId, link.processor, link.externalReference, link.practiceMatterId, link.matterDisplayNumber, link.source],
    );
    return result.rowCount === 1;
  }

  async addMany(firmId: string, links: MatterLink[]): Promise<number> {
    if (links.length === 0) return 0;
    const result = await this.db.query(
      `INSERT INTO matter_links (firm_id, processor, external_reference, practice_matter_id, matter_display_number, source)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) ON CONFLICT DO NOTHING`,
      [
        firmId,
        links.map((l) => l.processor),
        links.map((l) => l.externalReference),
        links.map((l) => l.practiceMatterId),
        links.map((l) => l.matterDisplayNumber),
        links.map((l) => l.source),
      ],
    );
    return result.rowCount ?? 0;
  }

  /**
   * The matter a canonical row names (processor `any`, the display number as its reference), found by display
   * number or by practice-system id: the rows `matterpay backfill` writes for every matter.
   */
  async canonical(
    firmId: string,
    by: { displayNumber: string } | { matterId: string },
  ): Promise<Pick<MatterLink, 'practiceMatterId' | 'matterDisplayNumber'> | null> {
    const [column, value] =
      'displayNumber' in by ? ['external_reference', by.displayNumber] : ['practice_matter_id', by.matterId];
    const { rows } = await this.db.query(
      `SELECT practice_matter_id, matter_display_number FROM matter_links
       WHERE firm_id = $1 AND processor = 'any' AND external_reference = matter_display_number AND ${column} = $2
       ORDER BY created_at LIMIT 1`,
      [firmId, value],
    );
    const row = rows[0] as { practice_matter_id: string; matter_display_number: string } | undefined;
    return row ? { practiceMatterId: row.practice_matter_id, matterDisplayNumber: row.matter_display_number } : null;
  }

  /** Every row for this reference, whatever the processor. */
  async forReference(firmId: string, reference: string): Promise<MatterLink[]> {
    const { rows } = await this.db.query(
      `SELECT processor, external_reference, practice_matter_id, matter_display_number, source FROM matter_links
       WHERE firm_id = $1 AND external_reference = $2 ORDER BY processor`,
      [firmId, reference],
    );
    return rows.map(toLink);
  }

  async count(firmId: string): Promise<number> {
    const { rows } = await this.db.query('SELECT count(*)::int AS n FROM matter_links WHERE firm_id = $1', [firmId]);
    return rows[0].n;
  }
}
