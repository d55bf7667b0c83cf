import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { ClioConnectionRepository } from '../../store/clioConnections';
import { PracticeSubscriptionRepository } from '../../store/practiceSubscriptions';
import { createSecretBox } from '../../store/encryption';
import { migrate } from '../../store/migrate';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Sealed secrets are bound to their firm and purpose (issue 10, finding 5): a sealed value copied into another
 * firm's row, or from the refresh-token column into the access-token column, no longer opens. Rows sealed before
 * this binding existed are re-sealed by the migration step that runs with the key.
 */
const key = randomBytes(32);
const box = createSecretBox([key]);

/** A value as matterpay sealed it before associated data existed (`v1`, no AAD). */
function sealedWithoutContext(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1:${createHash('sha256').update(key).digest('hex').slice(0, 8)}:${iv.toString('base64')}:${body.toString('base64')}`;
}

describe('sealed secrets carry their firm and purpose', () => {
  it('opens a value only for the firm and purpose it was sealed for', () => {
    const sealed = box.seal('clio-access-token-of-smith-law', { firmId: 'smith-law', purpose: 'clio-access-token' });
    expect(box.open(sealed, { firmId: 'smith-law', purpose: 'clio-access-token' })).toBe(
      'clio-access-token-of-smith-law',
    );
    expect(() => box.open(sealed, { firmId: 'jones-law', purpose: 'clio-access-token' })).toThrow();
    expect(() => box.open(sealed, { firmId: 'smith-law', purpose: 'clio-refresh-token' })).toThrow();
    expect(() => box.open(sealedWithoutContext('old'), { firmId: 'smith-law', purpose: 'clio-access-token' })).toThrow(
      /re-seal|migrat/i,
    );
  });

  describe('in the store', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('refuses a token row swapped into another firm', async () => {
      const connections = new ClioConnectionRepository(database.db, box);
      const expiresAt = new Date(Date.now() + 3_600_000);
      await connections.save({
        firmId: 'smith-law',
        baseUrl: 'https://app.clio.com',
        accessToken: 'smith-access',
        refreshToken: 'smith-refresh',
        expiresAt,
      });
      await connections.save({
        firmId: 'jones-law',
        baseUrl: 'https://app.clio.com',
        accessToken: 'jones-access',
        refreshToken: 'jones-refresh',
        expiresAt,
      });
      await database.db.query(
        `UPDATE clio_connections SET access_token_sealed = (SELECT access_token_sealed FROM clio_connections WHERE firm_id = 'smith-law') WHERE firm_id = 'jones-law'`,
      );
      await expect(connections.get('jones-law')).rejects.toThrow();
      expect((await connections.get('smith-law'))?.accessToken).toBe('smith-access');
    });

    it('re-seals rows sealed without associated data when migrating with the key', async () => {
      await database.db.query(
        `INSERT INTO clio_connections (firm_id, base_url, access_token_sealed, refresh_token_sealed, expires_at) VALUES ('legacy-law', 'https://app.clio.com', $1, $2, now() + interval '1 day')`,
        [sealedWithoutContext('legacy-access'), sealedWithoutContext('legacy-refresh')],
      );
      await database.db.query(
        `INSERT INTO clio_webhooks (firm_id, webhook_id, model, shared_secret_sealed, status, expires_at) VALUES ('legacy-law', '77', 'matter', $1, 'enabled', now() + interval '30 days')`,
        [sealedWithoutContext('legacy-hook-secret')],
      );
      await migrate(database.url, { box });
      const { rows } = await database.db.query(
        `SELECT access_token_sealed, refresh_token_sealed FROM clio_connections WHERE firm_id = 'legacy-law'`,
      );
      expect(rows[0].access_token_sealed).toMatch(/^v2:/);
      expect(rows[0].refresh_token_sealed).toMatch(/^v2:/);
      const connection = await new ClioConnectionRepository(database.db, box).get('legacy-law');
      expect(connection).toMatchObject({ accessToken: 'legacy-access', refreshToken: 'legacy-refresh' });
      expect(
        (await new PracticeSubscriptionRepository(database.db, box).forFirm('legacy-law').byId('77'))?.secret,
      ).toBe('legacy-hook-secret');
      // Running again changes nothing.
      await migrate(database.url, { box });
      expect((await new ClioConnectionRepository(database.db, box).get('legacy-law'))?.accessToken).toBe(
        'legacy-access',
      );
    });
  });
});
