import type { ClioContext } from '../context';

/** Marks a record as changed: fresh etag and updated_at, as every Clio write does. */
export function touch(ctx: ClioContext, record: { etag: string; updated_at: string }): void {
  record.etag = ctx.newEtag();
  record.updated_at = ctx.nowIso();
}

export function timestamps(ctx: ClioContext): { etag: string; created_at: string; updated_at: string } {
  const now = ctx.nowIso();
  return { etag: ctx.newEtag(), created_at: now, updated_at: now };
}

export function today(ctx: ClioContext): string {
  return ctx.nowIso().slice(0, 10);
}
