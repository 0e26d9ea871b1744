/**
 * Tiny structured logger. Writes one JSON object per line so the log shipper
 * can parse it.
 *
 * Note: query logging used to be wired to the prisma client's `$on('query')`
 * event here; it moved to src/lib/db/index.ts, and this module no longer
 * touches any database client.
 */

type Level = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = LEVELS[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? LEVELS.info;

// Channels the dashboards filter on; 'prisma:query' is kept so old saved
// searches still match.
export const CHANNELS = ['http', 'jobs', 'payments', 'prisma:query'] as const;
export type Channel = (typeof CHANNELS)[number];

export function log(level: Level, channel: Channel, message: string, fields: Record<string, unknown> = {}) {
  if (LEVELS[level] < threshold) return;
  const line = JSON.stringify({ ts: new Date().toISOString(), level, channel, message, ...fields });
  (level === 'error' ? console.error : console.log)(line);
}

export const logger = {
  debug: (channel: Channel, message: string, fields?: Record<string, unknown>) => log('debug', channel, message, fields),
  info: (channel: Channel, message: string, fields?: Record<string, unknown>) => log('info', channel, message, fields),
  warn: (channel: Channel, message: string, fields?: Record<string, unknown>) => log('warn', channel, message, fields),
  error: (channel: Channel, message: string, fields?: Record<string, unknown>) => log('error', channel, message, fields),
};
