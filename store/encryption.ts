import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What a sealed secret is for: it opens only with the same firm and purpose, so rows cannot be swapped. */
export interface SealContext {
  firmId: string;
  /** e.g. `clio-access-token`, `clio-webhook-secret/<webhook id>` */
  purpose: string;
}

/**
 * AES-256-GCM for secrets at rest (OAuth tokens, webhook shared secrets). The sealed form names the key by a short
 * fingerprint so a rotated key can still open old values while it is kept beside the new one. The firm and purpose
 * are GCM's associated data (`v2`): a value copied into another firm's row, or into another column, fails to open.
 */
export interface SecretBox {
  seal(plaintext: string, context: SealContext): string;
  open(sealed: string, context: SealContext): string;
  /** Whether a value was sealed before associated data existed and needs `reseal`. */
  isLegacy(sealed: string): boolean;
  /** Opens a `v1` value (no associated data) and seals it again bound to `context`: only the migration step uses it. */
  reseal(sealed: string, context: SealContext): string;
  /** A separate key for another purpose (e.g. signing OAuth state), derived from the current secret key. */
  deriveKey(purpose: string): Buffer;
  readonly keyId: string;
}

const associatedData = (context: SealContext) =>
  Buffer.from(`matterpay:v2:${context.firmId}:${context.purpose}`, 'utf8');

export function createSecretBox(keys: Buffer[]): SecretBox {
  if (keys.length === 0 || keys.some((k) => k.length !== 32)) throw new Error('secret keys must be 32 bytes each');
  const byId = new Map(keys.map((key) => [fingerprint(key), key]));
  const current = keys[0]!;
  const currentId = fingerprint(current);

  const seal = (plaintext: string, context: SealContext) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', current, iv);
    cipher.setAAD(associatedData(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v2:${currentId}:${iv.toString('base64')}:${body.toString('base64')}`;
  };

  const decrypt = (sealed: string, version: 'v1' | 'v2', context: SealContext | null) => {
    const [given, keyId, ivText, bodyText] = sealed.split(':');
    if (given !== version || !keyId || !ivText || !bodyText) throw new Error('not a sealed secret');
    const key = byId.get(keyId);
    if (!key) throw new Error(`secret sealed with unknown key ${keyId}: add that key to MATTERPAY_SECRET_KEYS`);
    const body = Buffer.from(bodyText, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64'));
    if (context) decipher.setAAD(associatedData(context));
    decipher.setAuthTag(body.subarray(body.length - 16));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(
        context ? `sealed secret does not belong to ${context.firmId}/${context.purpose}` : 'sealed secret is damaged',
      );
    }
  };

  return {
    keyId: currentId,
    deriveKey: (purpose) => createHmac('sha256', current).update(`matterpay:${purpose}`).digest(),
    seal,
    open(sealed, context) {
      if (sealed.startsWith('v1:')) {
        throw new Error(
          'secret sealed without its firm and purpose: start matterpay once so its migration re-seals it',
        );
      }
      return decrypt(sealed, 'v2', context);
    },
    isLegacy: (sealed) => sealed.startsWith('v1:'),
    reseal: (sealed, context) => seal(decrypt(sealed, 'v1', null), context),
  };
}

function fingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Keys from MATTERPAY_SECRET_KEYS (comma-separated base64, newest first). With none configured (the embedded
 * stack) a key is generated once into the data dir, readable by this user only.
 */
export function loadSecretKeys(
  configured: string | undefined,
  dataDir: string,
  options: { mayGenerate?: boolean } = {},
): Buffer[] {
  if (configured) return configured.split(',').map((k) => Buffer.from(k.trim(), 'base64'));
  const file = path.join(dataDir, 'secret.key');
  if (!fs.existsSync(file)) {
    // Every worker, ingress and command of a deployment must share the key: only the embedded stack invents one.
    if (options.mayGenerate === false) {
      throw new Error(
        'MATTERPAY_SECRET_KEYS is not set: give every worker, ingress and matterpay command the same key (make one with: openssl rand -base64 32)',
      );
    }
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return [Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')];
}
