import { z } from 'zod';
import { setTimeout as sleep } from 'node:timers/promises';

const rate = z.number().min(0).max(1);

export const faultSettingsSchema = z
  .object({
    /** Share of API requests answered with a random 500 or 503. */
    error_rate: rate,
    /** Delay added before every API response. */
    latency_ms: z.number().int().min(0).max(120_000),
    /** Requests allowed per credential per fixed 60-second window. */
    rate_limit_per_minute: z.number().int().min(1),
    /** Share of webhook events delivered twice. */
    webhook_duplicate_rate: rate,
    /** Share of webhook events never delivered (the consumer must find them by polling). */
    webhook_drop_rate: rate,
  })
  .strict();

export type FaultSettings = z.infer<typeof faultSettingsSchema>;

export const faultPatchSchema = faultSettingsSchema.partial().strict();

export type FaultPatch = z.infer<typeof faultPatchSchema>;

/** Generous enough that normal use is never throttled; tests lower it. */
export const DEFAULT_FAULTS: FaultSettings = {
  error_rate: 0,
  latency_ms: 0,
  rate_limit_per_minute: 1000,
  webhook_duplicate_rate: 0,
  webhook_drop_rate: 0,
};

export type RandomSource = () => number;

/** Holds the current fault settings of one sandbox and rolls the dice for them. */
export class FaultInjector {
  private settings: FaultSettings;
  private readonly defaults: FaultSettings;

  constructor(
    initial: FaultPatch = {},
    private readonly random: RandomSource = Math.random,
  ) {
    this.defaults = faultSettingsSchema.parse({ ...DEFAULT_FAULTS, ...initial });
    this.settings = { ...this.defaults };
  }

  get current(): FaultSettings {
    return { ...this.settings };
  }

  update(patch: FaultPatch): FaultSettings {
    this.settings = { ...this.settings, ...patch };
    return this.current;
  }

  reset(): void {
    this.settings = { ...this.defaults };
  }

  async delay(): Promise<void> {
    if (this.settings.latency_ms > 0) await sleep(this.settings.latency_ms);
  }

  /** The status of an injected server error, or null when this request should go through. */
  injectedServerError(): 500 | 503 | null {
    if (this.settings.error_rate <= 0 || this.random() >= this.settings.error_rate) return null;
    return this.random() < 0.5 ? 500 : 503;
  }

  shouldDropWebhook(): boolean {
    return this.settings.webhook_drop_rate > 0 && this.random() < this.settings.webhook_drop_rate;
  }

  shouldDuplicateWebhook(): boolean {
    return this.settings.webhook_duplicate_rate > 0 && this.random() < this.settings.webhook_duplicate_rate;
  }
}
