import type { Db } from './db';

/** Webhook events accepted once (docs/domain.md §4.6): recorded only after Temporal accepted the work they carry. */
export class ProcessedEventRepository {
  constructor(private readonly db: Db) {}

  async seen(firmId: string, source: string, eventId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'SELECT 1 FROM processed_events WHERE firm_id = $1 AND source = $2 AND event_id = $3',
      [firmId, source, eventId],
    );
    return (rowCount ?? 0) > 0;
  }

  async record(firmId: string, source: string, eventId: string, eventType: string): Promise<void> {
    await this.db.query(
      'INSERT INTO processed_events (firm_id, source, event_id, event_type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [firmId, source, eventId, eventType],
    );
  }
}
