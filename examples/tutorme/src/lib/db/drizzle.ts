import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

import * as schema from './schema';

// Queries go through pgbouncer when DATABASE_POOL_URL is set (production);
// locally we talk to Postgres directly.
const connectionString = process.env.DATABASE_POOL_URL ?? process.env.DATABASE_URL;
if (!connectionString) {
  throw new Error('Set DATABASE_POOL_URL or DATABASE_URL before importing drizzleDb');
}

const globalForDrizzle = globalThis as unknown as { pgClient?: ReturnType<typeof postgres> };

// pgbouncer runs in transaction mode, which cannot keep prepared statements.
const client =
  globalForDrizzle.pgClient ?? postgres(connectionString, { prepare: false, max: 10 });

if (process.env.NODE_ENV !== 'production') {
  globalForDrizzle.pgClient = client;
}

export const drizzleDb = drizzle(client, { schema });
export type DrizzleDb = typeof drizzleDb;
