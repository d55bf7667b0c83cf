/** Counts API calls per "METHOD /route/pattern", so tests and benchmarks can see how chatty a client is. */
export class RequestCounter {
  private readonly counts = new Map<string, number>();

  record(method: string, routePattern: string): void {
    const key = `${method} ${routePattern}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  reset(): void {
    this.counts.clear();
  }
}
