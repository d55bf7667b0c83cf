/**
 * The vendors of a chaos run, in a process of their own that the harness never kills: their state is the truth the
 * invariants are checked against. `node bin/run-ts.js bench/chaos/vendors.ts` with CLIO_SANDBOX_PORT,
 * LAWPAY_SANDBOX_PORT and SANDBOX_WEBHOOK_RETRY_BASE_MS.
 */
import { startClioSandbox, startLawPaySandbox } from '../../sandbox';

async function main(): Promise<void> {
  const webhookRetryBaseMs = Number(process.env.SANDBOX_WEBHOOK_RETRY_BASE_MS ?? 2000);
  const clio = await startClioSandbox({ port: Number(process.env.CLIO_SANDBOX_PORT ?? 0), webhookRetryBaseMs });
  const lawpay = await startLawPaySandbox({ port: Number(process.env.LAWPAY_SANDBOX_PORT ?? 0), webhookRetryBaseMs });
  // The sandboxes' own per-minute budget (1000, Clio's documented default) would throttle a whole run's traffic on
  // one token; the harness injects its 429s itself, at the rate the schedule says.
  for (const url of [clio.url, lawpay.url]) {
    await fetch(`${url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate_limit_per_minute: 1_000_000 }),
    });
  }
  process.stdout.write(`${JSON.stringify({ ready: true, clio: clio.url, lawpay: lawpay.url })}\n`);
  const shutdown = (): void => {
    void Promise.all([clio.close(), lawpay.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
