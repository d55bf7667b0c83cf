import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Moves a failure's message and stack trace into its encoded attributes, a payload the codec encrypts like any other
 * (worker/codec/aesGcmCodec.ts): a vendor's refusal or a step's error may quote a client's name or address, and without
 * this the Temporal server would keep those words in the clear in its history (docs/architecture.md §10). Failure
 * types and the failure's shape stay readable, so the Web UI still shows which step failed and why in kind; its
 * codec endpoint decodes the words. Loaded by path (`failureConverterPath`) in clients, workers and the workflow bundle.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
