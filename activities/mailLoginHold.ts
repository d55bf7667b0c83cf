/** A mail server's refusal of matterpay's own login, as the firm's logins are held after it. */
export interface LoginRefusal {
  vendor: string;
  status: number | null;
  /** When the next login may be offered (epoch ms). */
  retryAtMs: number;
}

export interface MailLoginHoldOptions {
  now?: () => number;
  /** How long logins are held after the first refusal; each refusal after a hold doubles it. */
  firstHoldMs?: number;
  longestHoldMs?: number;
}

interface Held extends LoginRefusal {
  holdMs: number;
  /**
   * When a message began offering the login after the hold ran out (epoch ms): the others wait for its answer rather
   * than offer their own. A send that never answers (SMTP gives up within two minutes, connectors/mail/smtp.ts) frees
   * the turn after PROBE_GIVES_UP_MS.
   */
  probingSinceMs: number | null;
}

const PROBE_GIVES_UP_MS = 5 * 60_000;

export const FIRST_LOGIN_HOLD_MS = 60_000;
export const LONGEST_LOGIN_HOLD_MS = 15 * 60_000;

/**
 * After a mail server refuses matterpay's login, no message of that firm offers a login again until a hold has run
 * out, and then one message does, alone: every waiting message retrying on its own backoff would offer the refused
 * login once per message per retry, and mail providers lock an account after a handful of failed logins (the firm's
 * own mailbox, which its staff use). The hold doubles while the refusals go on, up to its longest. It lives in the
 * worker process, so a restart (which a fix to SMTP_URL needs) offers the login at once.
 */
export class MailLoginHold {
  private readonly now: () => number;
  readonly firstHoldMs: number;
  readonly longestHoldMs: number;
  private readonly held = new Map<string, Held>();
  /**
   * Firms whose `mail-login-refused` alert this process knows to be resolved: none when it starts (another process,
   * or this one before a restart, may have raised it), and not after a refusal.
   */
  private readonly alertResolvedFor = new Set<string>();

  constructor(options: MailLoginHoldOptions = {}) {
    this.now = options.now ?? Date.now;
    this.firstHoldMs = options.firstHoldMs ?? FIRST_LOGIN_HOLD_MS;
    this.longestHoldMs = Math.max(options.longestHoldMs ?? LONGEST_LOGIN_HOLD_MS, this.firstHoldMs);
  }

  /**
   * Whether a message may offer the firm's login now. `refusal` when it may not. After a hold has run out, the one that
   * may is the `probe` (until `refused`, `passed` or `released`), and only its refusal lengthens the hold.
   */
  claim(firmId: string): { refusal: LoginRefusal | null; probe: boolean } {
    const held = this.held.get(firmId);
    if (!held) return { refusal: null, probe: false };
    const now = this.now();
    const probing = held.probingSinceMs !== null && now - held.probingSinceMs < PROBE_GIVES_UP_MS;
    if (probing || now < held.retryAtMs)
      return { refusal: { vendor: held.vendor, status: held.status, retryAtMs: held.retryAtMs }, probe: false };
    held.probingSinceMs = now;
    return { refusal: null, probe: true };
  }

  /**
   * A login was refused. The hold starts, or, after the probe's refusal, doubles; messages that offered the login
   * together before the first refusal was known do not each lengthen it.
   */
  refused(firmId: string, vendor: string, status: number | null, probe: boolean): LoginRefusal {
    const before = this.held.get(firmId);
    if (before && !probe) return { vendor: before.vendor, status: before.status, retryAtMs: before.retryAtMs };
    const holdMs = before ? Math.min(before.holdMs * 2, this.longestHoldMs) : this.firstHoldMs;
    const retryAtMs = this.now() + holdMs;
    this.held.set(firmId, { vendor, status, holdMs, retryAtMs, probingSinceMs: null });
    this.alertResolvedFor.delete(firmId);
    return { vendor, status, retryAtMs };
  }

  /** The server took the login: a message went. */
  passed(firmId: string): void {
    this.held.delete(firmId);
  }

  /** The message that offered the login failed for another reason (an outage): the next message offers it. */
  released(firmId: string): void {
    const held = this.held.get(firmId);
    if (held) held.probingSinceMs = null;
  }

  /** Whether the firm's login alert may be open, after a message went: it is resolved then, once. */
  alertMayBeOpen(firmId: string): boolean {
    return !this.alertResolvedFor.has(firmId);
  }

  alertResolved(firmId: string): void {
    if (!this.held.has(firmId)) this.alertResolvedFor.add(firmId);
  }

  /** The hold in words, for the firm's alert. */
  describe(): string {
    return `after ${duration(this.firstHoldMs)}, then at most every ${duration(this.longestHoldMs)}`;
  }
}

function duration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return ms === 60_000 ? 'a minute' : `${ms / 60_000} minutes`;
  return `${ms / 1000} seconds`;
}
