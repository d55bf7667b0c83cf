import type { FastifyInstance } from 'fastify';
import { bearerMatches } from './bearer';
import type { IngressDeps } from './server';

export function registerHealthRoutes(app: FastifyInstance, deps: IngressDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Ready = we can durably accept work: Temporal answers and the database answers. */
  app.get('/readyz', async (_req, reply) => {
    const [temporal, database] = await Promise.all([
      check(() => deps.temporal.workflowService.describeNamespace({ namespace: deps.config.TEMPORAL_NAMESPACE })),
      check(() => deps.db.query('SELECT 1')),
    ]);
    const ready = temporal === 'ok' && database === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', temporal, database });
  });

  /** Open by default (a scraper on a private network); METRICS_ACCESS_TOKEN makes it ask for a bearer token. */
  app.get('/metrics', async (req, reply) => {
    const token = deps.config.METRICS_ACCESS_TOKEN;
    if (token && !bearerMatches(req.headers.authorization, token)) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer')
        .send({ error: 'metrics need Authorization: Bearer <METRICS_ACCESS_TOKEN>' });
    }
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}

async function check(probe: () => Promise<unknown>, timeoutMs = 2_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
  }
}
