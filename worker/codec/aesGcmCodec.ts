import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encrypts every Temporal payload (workflow inputs, results, signals, activity arguments) with AES-256-GCM before it
 * leaves the process, so the Temporal server and its database never hold invoice data in the clear (docs/architecture.md §10).
 * The whole payload (metadata and data) is sealed; the key id travels with it so rotated keys still open old ones.
 * Search attributes are not payloads: they stay readable and so carry no personal data.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: { id: string; key: Buffer };

  /** `keys`: 32-byte keys, newest first; the newest encrypts, any decrypts. */
  constructor(keys: Buffer[]) {
    if (keys.length === 0 || keys.some((k) => k.length !== 32)) throw new Error('payload keys must be 32 bytes each');
    this.byId = new Map(keys.map((key) => [keyId(key), key]));
    this.current = { id: keyId(keys[0]!), key: keys[0]! };
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: encoder.encode(ENCODING), 'encryption-key-id': encoder.encode(this.current.id) },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!payload.metadata || decoder.decode(payload.metadata.encoding) !== ENCODING) return payload;
      const id = decoder.decode(payload.metadata['encryption-key-id']);
      const key = this.byId.get(id);
      if (!key)
        throw new Error(
          `payload encrypted with unknown key ${id}: add the key it was made with to MATTERPAY_SECRET_KEYS`,
        );
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Payload keys are derived from the secret keys, one per secret key, so payloads and sealed secrets never share a key. */
export function payloadKeys(secretKeys: Buffer[]): Buffer[] {
  return secretKeys.map((key) => createHmac('sha256', key).update('matterpay:temporal-payloads').digest());
}

/** Where the failure converter lives: clients, workers and the workflow bundle load it by path. */
export const FAILURE_CONVERTER_PATH = require.resolve('../../shared/failureConverter');

export function dataConverterFor(secretKeys: Buffer[]) {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(payloadKeys(secretKeys))],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
