import crypto from 'node:crypto';

/** An unguessable URL-safe token (OAuth codes and tokens, webhook secrets, gateway ids). */
export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function randomHex(bytes = 16): string {
  return crypto.randomBytes(bytes).toString('hex');
}
