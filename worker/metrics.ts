import client from 'prom-client';

/** One Prometheus registry per process (no module-level global), exposed on the ingress at /metrics. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'matterpay_' });
  return {
    registry,
    webhooksReceived: new client.Counter({
      name: 'matterpay_webhooks_total',
      help: 'Webhooks received by the ingress, by source and outcome',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    requestsShed: new client.Counter({
      name: 'matterpay_ingress_requests_shed_total',
      help: 'Requests the ingress answered 503 because it was overloaded (event-loop delay)',
      registers: [registry],
    }),
    payLinkOpens: new client.Counter({
      name: 'matterpay_pay_link_opens_total',
      help: 'Pay links opened, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
