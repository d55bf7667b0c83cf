import type http from 'node:http';
import type { FaultCounts } from './faultCounts';
import { forward, listen, readRequest, reply } from './httpForward';
import type { Random } from './random';

export interface VendorFaultSettings {
  serverErrorRate: number;
  tooManyRequestsRate: number;
  maxLatencyMs: number;
}

/**
 * Stands between matterpay's roles and one vendor's API: answers a seeded share of API calls with 500/503 or
 * 429 + Retry-After (before the vendor sees them, so nothing happens there), and delays the rest. OAuth and the
 * sandbox's control routes pass untouched.
 */
export async function startVendorFaultProxy(
  vendor: string,
  target: string,
  random: Random,
  counts: FaultCounts,
  settings: VendorFaultSettings,
) {
  let active = true;
  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      const request = await readRequest(req);
      const isApi = request.url.startsWith('/api/') || request.url.startsWith('/v1/');
      if (active && isApi) {
        const roll = random();
        if (roll < settings.serverErrorRate) {
          counts.add(`${vendor} API 5xx`);
          const status = random.chance(0.5) ? 500 : 503;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { type: 'injected', message: 'chaos: injected server error' } }));
          return;
        }
        if (roll < settings.serverErrorRate + settings.tooManyRequestsRate) {
          counts.add(`${vendor} API 429`);
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
          res.end(JSON.stringify({ error: { type: 'rate_limited', message: 'chaos: injected rate limit' } }));
          return;
        }
        if (settings.maxLatencyMs > 0) {
          counts.add(`${vendor} API latency`);
          await new Promise((resolve) => setTimeout(resolve, random.int(0, settings.maxLatencyMs)));
        }
      }
      reply(res, await forward(target, request));
    } catch (err) {
      res.writeHead(502);
      res.end(String((err as Error).message));
    }
  };
  const server = await listen((req, res) => void handler(req, res));
  return {
    ...server,
    calm: () => {
      active = false;
    },
  };
}
