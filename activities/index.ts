import type { Db } from '../store/db';

/** Everything activities may touch, injected so tests can hand in real peers or stubs per test. */
export interface ActivityDeps {
  db: Db;
}

export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
