/** The Clio-style sandbox's control surface as the benchmarks use it: seed data, set faults, read its counters. */

export interface RateLimitWindow {
  credential: number;
  started_at: number;
  ends_at: number;
  limit: number;
  served: number;
  rejected: number;
}

export interface ClioCounters {
  /** Requests to the API (`/api/v4`) per `METHOD /route`. */
  byRoute: Record<string, number>;
  served: number;
  rejected: number;
}

export async function control<T>(baseUrl: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export async function clioCounters(baseUrl: string): Promise<ClioCounters> {
  const state = (await (await fetch(`${baseUrl}/__sandbox/state`)).json()) as {
    request_counts: Record<string, number>;
    rate_limit_windows: RateLimitWindow[];
  };
  const byRoute = Object.fromEntries(
    Object.entries(state.request_counts).filter(([route]) => route.includes('/api/v4')),
  );
  return {
    byRoute,
    served: state.rate_limit_windows.reduce((sum, w) => sum + w.served, 0),
    rejected: state.rate_limit_windows.reduce((sum, w) => sum + w.rejected, 0),
  };
}

export function countersSince(before: ClioCounters, after: ClioCounters): ClioCounters {
  const byRoute: Record<string, number> = {};
  for (const [route, n] of Object.entries(after.byRoute)) {
    const delta = n - (before.byRoute[route] ?? 0);
    if (delta > 0) byRoute[route] = delta;
  }
  return { byRoute, served: after.served - before.served, rejected: after.rejected - before.rejected };
}

/** The subjects of the notes on each matter, oldest first (what the firm reads on it). */
export async function matterNotes(baseUrl: string): Promise<Map<number, string[]>> {
  const state = (await (await fetch(`${baseUrl}/__sandbox/state`)).json()) as {
    notes: Array<{ matter_id: number | null; subject: string }>;
  };
  const byMatter = new Map<number, string[]>();
  for (const note of state.notes) {
    if (note.matter_id === null) continue;
    byMatter.set(note.matter_id, [...(byMatter.get(note.matter_id) ?? []), note.subject]);
  }
  return byMatter;
}
