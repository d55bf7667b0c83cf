/**
 * Errors every connector throws, classified so activities know what a retry can fix (docs/architecture.md §5): 429, 5xx and
 * timeouts are retryable; any other 4xx and a response of the wrong shape are not. The class name is the
 * Temporal failure type, so workflows and retry policies can name them.
 */
export class VendorError extends Error {
  constructor(
    message: string,
    readonly vendor: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
    /** Seconds the vendor asked us to wait (Retry-After), when it said. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 429, 5xx, network failure or timeout: the same request may succeed later. */
export class VendorUnavailableError extends VendorError {
  constructor(vendor: string, message: string, status: number | null = null, retryAfterSeconds: number | null = null) {
    super(message, vendor, true, status, retryAfterSeconds);
  }
}

/** A 4xx other than 429: repeating the request cannot help. */
export class VendorRejectedError extends VendorError {
  constructor(
    vendor: string,
    message: string,
    status: number,
    /**
     * The firm's connection itself is refused (no connection, a grant revoked or expired), not this one request:
     * every call fails the same way until an admin reconnects, so queued work waits for that instead of failing.
     */
    readonly connectionRefused = false,
  ) {
    super(message, vendor, false, status);
  }
}

/** The vendor answered with a shape we do not understand: a field missing or of the wrong type. */
export class VendorSchemaError extends VendorError {
  constructor(
    vendor: string,
    readonly endpoint: string,
    readonly fieldPaths: string[],
    detail: string,
  ) {
    super(`${vendor} ${endpoint} returned an unexpected shape: ${detail}`, vendor, false);
  }
}

/** A webhook whose signature or origin could not be verified: answer 401, start nothing. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** A verified webhook whose body is not what the vendor documents: answer 400, start nothing. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}
