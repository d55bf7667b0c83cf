import type http from 'node:http';
import type { FaultCounts } from './faultCounts';
import { forward, listen, readRequest, reply, type BufferedRequest } from './httpForward';
import type { Random } from './random';

export interface WebhookFaultSettings {
  duplicateRate: number;
  dropRate: number;
  delayRate: number;
  maxDelayMs: number;
  replayRate: number;
  replayAfterMs: [number, number];
}

/**
 * matterpay's public address during a chaos run (PUBLIC_BASE_URL): every request passes to the ingress, and the
 * processor's webhooks are duplicated, dropped, held back (so a refund or a `completed` overtakes what came before
 * it) and replayed later, from the seeded schedule. A held or replayed delivery is retried until the ingress takes it,
 * as a sender would; a dropped one is left for the sweep to find.
 */
export async function startWebhookFaultProxy(
  target: string,
  random: Random,
  counts: FaultCounts,
  settings: WebhookFaultSettings,
) {
  let active = true;
  const timers = new Set<NodeJS.Timeout>();
  let pendingDeliveries = 0;
  let newestForwarded = '';

  const deliverEventually = (request: BufferedRequest, afterMs: number, kind: string, eventCreated: string) => {
    pendingDeliveries++;
    const attempt = (tries: number) => {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          forward(target, request).then(
            (answer) => {
              if (answer.status >= 200 && answer.status < 300) {
                if (kind === 'webhook delayed' && eventCreated && newestForwarded > eventCreated)
                  counts.add('webhook reordered');
                pendingDeliveries--;
              } else if (tries < 90) attempt(tries + 1);
              else pendingDeliveries--;
            },
            () => (tries < 90 ? attempt(tries + 1) : pendingDeliveries--),
          );
        },
        tries === 0 ? afterMs : 2000,
      );
      timers.add(timer);
    };
    attempt(0);
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const request = await readRequest(req);
    if (active && request.method === 'POST' && request.url.startsWith('/webhooks/lawpay')) {
      const created = eventCreatedAt(request.body);
      if (random.chance(settings.dropRate)) {
        counts.add('webhook dropped');
        res.writeHead(200);
        res.end();
        return;
      }
      if (random.chance(settings.duplicateRate)) {
        counts.add('webhook duplicated');
        deliverEventually(request, random.int(0, 1500), 'webhook duplicated', created);
      }
      if (random.chance(settings.replayRate)) {
        counts.add('webhook replayed later');
        deliverEventually(request, random.int(...settings.replayAfterMs), 'webhook replayed later', created);
      }
      if (random.chance(settings.delayRate)) {
        counts.add('webhook delayed');
        deliverEventually(request, random.int(500, settings.maxDelayMs), 'webhook delayed', created);
        res.writeHead(200);
        res.end();
        return;
      }
      if (created > newestForwarded) newestForwarded = created;
    }
    try {
      reply(res, await forward(target, request));
    } catch (err) {
      res.writeHead(502);
      res.end(String((err as Error).message));
    }
  };
  const server = await listen((req, res) => void handler(req, res).catch(() => res.destroy()));
  return {
    ...server,
    /** Stops injecting: what is already held back is still delivered. */
    calm: () => {
      active = false;
    },
    pendingDeliveries: () => pendingDeliveries,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await server.close();
    },
  };
}

function eventCreatedAt(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      created?: string;
      data?: { created?: string; modified?: string };
    };
    return parsed.created ?? parsed.data?.modified ?? '';
  } catch {
    return '';
  }
}
