import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * JSON logs. Request logs carry ids, routes, statuses and timings, never headers or
 * bodies; the redaction list is a second line of defence for anything passed by mistake.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'switchyard' },
    redact: {
      paths: [
        'headers',
        '*.headers',
        'authorization',
        '*.authorization',
        'api_key',
        '*.api_key',
        'value',
        '*.value',
        'apiKey',
        '*.apiKey',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
