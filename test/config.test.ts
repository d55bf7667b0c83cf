import { ConfigError, loadConfig } from '../worker/config';

const load = (env: Record<string, string>) => loadConfig(env, { dotenvPath: '/nonexistent/.env' });

describe('configuration', () => {
  it('runs the embedded stack with no variables at all', () => {
    const config = load({});
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.BILLING_THRESHOLD_CENTS).toBe(50_000);
    expect(config.BILLING_DEBOUNCE).toBe(15 * 60_000);
    expect(config.REMINDER_SCHEDULE).toEqual([7, 21, 30].map((d) => d * 86_400_000));
    expect(config.publicBaseUrl).toBe('http://127.0.0.1:8787');
  });

  it('names the bad variable and says what it should be', () => {
    expect(() => load({ BILLING_THRESHOLD_CENTS: '500.50' })).toThrow(ConfigError);
    expect(() => load({ BILLING_THRESHOLD_CENTS: '500.50' })).toThrow(
      /BILLING_THRESHOLD_CENTS="500.50": must be a whole number of cents/,
    );
    expect(() => load({ BILLING_THRESHOLD_CENTS: 'abc' })).toThrow(
      /BILLING_THRESHOLD_CENTS="abc": must be a whole number of cents, such as 50000/,
    );
    expect(() => load({ TEMPORAL_PORT: 'abc' })).toThrow(/TEMPORAL_PORT="abc": must be a TCP port between 1 and 65535/);
    expect(() => load({ APPROVAL: 'maybe' })).toThrow(/APPROVAL="maybe": must be "none" or "invoice"/);
    expect(() => load({ REMINDER_SCHEDULE: '7d,3d' })).toThrow(
      /REMINDER_SCHEDULE="7d,3d": must list durations in increasing order/,
    );
    expect(() => load({ BILLING_DEBOUNCE: 'soon' })).toThrow(
      /BILLING_DEBOUNCE="soon": must be a positive duration such as "15m"/,
    );
    expect(() => load({ APPROVAL: 'maybe' })).toThrow(/APPROVAL="maybe"/);
    expect(() => load({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ connection URL/);
    expect(() => load({ FIRM_TIMEZONE: 'Mars/Olympus' })).toThrow(
      /FIRM_TIMEZONE="Mars\/Olympus": must be an IANA time zone/,
    );
  });

  it('names a bad secret without ever echoing its value', () => {
    const secrets = {
      MATTERPAY_SECRET_KEYS: 'c2VjcmV0LWtleS10aGF0LWlzLXRvby1zaG9ydA==',
      CODEC_ACCESS_TOKEN: 'tok-short',
      STRIPE_SECRET_KEY: 'pk_live_public_not_secret_4242',
      STRIPE_WEBHOOK_SECRET: 'wh_sec_typo_abcdef',
      DATABASE_URL: 'mysql://admin:hunter2-password@db.internal/matterpay',
      SMTP_URL: 'http://mailer:mail-password@smtp.internal',
    };
    let message = '';
    try {
      load(secrets);
    } catch (err) {
      message = (err as Error).message;
    }
    for (const name of Object.keys(secrets)) expect(message).toContain(`${name}: `);
    for (const value of Object.values(secrets)) expect(message).not.toContain(value);
    expect(message).not.toMatch(/hunter2|mail-password|tok-short/);
    expect(message).toContain('MATTERPAY_SECRET_KEYS: must be comma-separated base64 keys of 32 bytes each');
  });

  it('keeps the ingress and worker shares of the LawPay budget within the whole', () => {
    expect(
      load({}).LAWPAY_INGRESS_REQUESTS_PER_MINUTE + load({}).LAWPAY_WORKER_REQUESTS_PER_MINUTE,
    ).toBeLessThanOrEqual(load({}).LAWPAY_REQUESTS_PER_MINUTE);
    expect(() => load({ LAWPAY_WORKER_REQUESTS_PER_MINUTE: '500' })).toThrow(
      /LAWPAY_INGRESS_REQUESTS_PER_MINUTE=.*plus LAWPAY_WORKER_REQUESTS_PER_MINUTE must stay within LAWPAY_REQUESTS_PER_MINUTE \(600\)|LAWPAY_INGRESS_REQUESTS_PER_MINUTE: plus LAWPAY_WORKER/,
    );
    expect(load({ WEBHOOK_RATE_LIMIT: '20/10s' }).WEBHOOK_RATE_LIMIT).toEqual({ max: 20, windowMs: 10_000 });
    expect(() => load({ WEBHOOK_RATE_LIMIT: 'lots' })).toThrow(
      /WEBHOOK_RATE_LIMIT="lots": must be a count per duration such as "600\/1m"/,
    );
  });

  it('runs the embedded Temporal in WAL mode unless told otherwise, and names a pragma it cannot pass on', () => {
    expect(load({}).TEMPORAL_SQLITE_PRAGMAS).toEqual(['journal_mode=wal', 'synchronous=normal']);
    expect(load({ TEMPORAL_SQLITE_PRAGMAS: 'none' }).TEMPORAL_SQLITE_PRAGMAS).toEqual([]);
    expect(load({ TEMPORAL_SQLITE_PRAGMAS: 'synchronous=full' }).TEMPORAL_SQLITE_PRAGMAS).toEqual(['synchronous=full']);
    expect(() => load({ TEMPORAL_SQLITE_PRAGMAS: 'journal_mode=wal; DROP TABLE x' })).toThrow(
      /TEMPORAL_SQLITE_PRAGMAS="journal_mode=wal; DROP TABLE x": "journal_mode=wal; DROP TABLE x" is not a pragma: use comma-separated name=value pairs/,
    );
  });

  it('reports every bad variable at once', () => {
    try {
      load({ INGRESS_PORT: '99999', TEMPORAL_ADDRESS: 'nohost' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(2);
    }
  });

  it('lets the Web UI origins follow the UI port', () => {
    expect(load({ TEMPORAL_UI_PORT: '18233' }).temporalUiOrigins).toEqual([
      'http://127.0.0.1:18233',
      'http://localhost:18233',
    ]);
    expect(load({ TEMPORAL_UI_ORIGINS: 'https://temporal.firm.example' }).temporalUiOrigins).toEqual([
      'https://temporal.firm.example',
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(load({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
