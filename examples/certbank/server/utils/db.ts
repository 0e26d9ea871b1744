// One libSQL client for the whole server: Turso in production, a local file in development.
import { readFile } from 'node:fs/promises';
import { createClient, type Client } from '@libsql/client';

export const db: Client = createClient({
  url: process.env.TURSO_DATABASE_URL ?? 'file:certbank.db',
  authToken: process.env.TURSO_AUTH_TOKEN,
});

// First boot of an empty database: run schema.sql as written. There is no migration table;
// changing the schema meant editing schema.sql and an ALTER by hand on every database.
export async function initSchema(): Promise<void> {
  const tables = await db.execute("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'users'");
  if (Number(tables.rows[0].n) > 0) return;
  await db.executeMultiple(await readFile(new URL('../../schema.sql', import.meta.url), 'utf8'));
}

// SQLite has no boolean: 0/1 in, 0/1 out.
export const bool = (value: unknown): boolean => Number(value) === 1;
export const now = (): number => Math.floor(Date.now() / 1000);
