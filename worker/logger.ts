import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs (pino): cheap on the hot path and readable by any log shipper. Secrets and card data are
 * redacted by key wherever they appear.
 */
export function createLogger(level: string, name = 'matterpay'): Logger {
  // A person at a terminal reads pretty lines; a service manager or log shipper gets JSON.
  const pretty = process.stdout.isTTY && !process.env.CI;
  return pino({
    name,
    level,
    transport: pretty
      ? {
          target: 'pino-pretty',
          options: { colorize: true, ignore: 'pid,hostname,name', translateTime: 'SYS:HH:MM:ss' },
        }
      : undefined,
    redact: {
      paths: [
        '*.secret',
        '*.secretKey',
        '*.password',
        '*.access_token',
        '*.refresh_token',
        '*.authorization',
        'headers.authorization',
        'headers["stripe-signature"]',
        'headers["x-hook-signature"]',
        '*.card',
        '*.number',
      ],
      censor: '[redacted]',
    },
  });
}
