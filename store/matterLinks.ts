import type { ProcessorName } from '../shared/processors';
import type { Db } from './db';

export interface MatterLink {
  processor: 'any' | ProcessorName;
  externalReference: string;
  practiceMatterId: string;
  matterDisplayNumber: string;
  source: 'canonical' | 'backfill' | 'webhook' | 'admin';
}

/** The matter-ID lookup table (docs/domain.md §4.6). */
export class MatterLinkRepository {
  constructor(private readonly db: Db) {}

  /** A processor-specific mapping wins over the canonical one for the same reference. */
  async resolve(firmId: string, processor: ProcessorName, reference: string): Promise<MatterLink | null> {
    const { rows } = await this.db.query(
      `SELECT processor, external_reference, practice_matter_id, matter_display_number, source FROM matter_links
       WHERE firm_id = $1 AND processor IN ($2, 'any') AND external_reference = $3 ORDER BY processor = 'any' LIMIT 1`,
      [firmId, processor, reference],
    );
    const r = rows[0];
    return r
      ? {
          processor: r.processor,
          externalReference: r.external_reference,
          practiceMatterId: r.practice_matter_id,
          matterDisplayNumber: r.matter_display_number,
          source: r.source,
        }
      : null;
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

  async count(firmId: string): Promise<number> {
    const { rows } = await this.db.query('SELECT count(*)::int AS n FROM matter_links WHERE firm_id = $1', [firmId]);
    return rows[0].n;
  }
}
