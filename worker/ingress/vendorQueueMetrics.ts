import client from 'prom-client';
import type { IngressDeps } from './server';

/**
 * The ingress's vendor queues as Prometheus gauges (what is waiting, the most that ever waited, what was refused),
 * read at scrape time from the limiters themselves so the figures cannot drift.
 */
export function watchVendorQueues(deps: IngressDeps): void {
  const limiters = () =>
    deps.firms.ids().flatMap((firmId) =>
      Object.entries(deps.firms.connection(firmId).limiters ?? {}).map(([vendor, limiter]) => ({
        firmId,
        vendor,
        stats: limiter!.stats(),
      })),
    );
  const gauge = (
    name: string,
    help: string,
    pick: (s: { queued: number; peakQueued: number; rejected: number }) => number,
  ) =>
    new client.Gauge({
      name,
      help,
      labelNames: ['firm', 'vendor'] as const,
      registers: [deps.metrics.registry],
      collect() {
        for (const { firmId, vendor, stats } of limiters()) this.set({ firm: firmId, vendor }, pick(stats));
      },
    });
  if (deps.metrics.registry.getSingleMetric('matterpay_ingress_vendor_queue_length')) return;
  gauge(
    'matterpay_ingress_vendor_queue_length',
    'Vendor calls of the ingress waiting for a slot or for budget',
    (s) => s.queued,
  );
  gauge(
    'matterpay_ingress_vendor_queue_peak',
    'The most vendor calls of the ingress that ever waited at once',
    (s) => s.peakQueued,
  );
  gauge(
    'matterpay_ingress_vendor_queue_rejected',
    'Vendor calls of the ingress refused because the queue was full or the wait too long',
    (s) => s.rejected,
  );
}
