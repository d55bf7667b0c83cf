/** Polls `probe` until it gives a truthy value; fails naming `what` when `timeoutMs` passes first. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: { timeoutMs?: number; what?: string; everyMs?: number } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(
        `${options.what ? `timed out waiting for ${options.what}` : 'condition not met'} within ${timeoutMs} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 20));
  }
}
