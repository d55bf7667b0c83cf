/** An error that already knows the exact HTTP response it should become (status, body, extra headers). */
export class SandboxHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`HTTP ${statusCode}`);
    this.name = 'SandboxHttpError';
  }
}
