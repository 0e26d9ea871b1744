import { defineConfig } from 'drizzle-kit';

// Drizzle owns the schema from now on: src/db/schema.ts is the source of truth and
// `drizzle-kit generate` writes the migrations into ./drizzle/migrations. The database
// predates Drizzle, so 0000 is the baseline `drizzle-kit pull` wrote (commented out, never
// run); migrations are applied with `migrator apply --prove`, which backs the file up first.
export default defineConfig({
  dialect: 'turso',
  schema: './src/db/schema.ts',
  out: './drizzle/migrations',
  dbCredentials: {
    url: process.env.TURSO_DATABASE_URL ?? 'file:./certbank.db',
    authToken: process.env.TURSO_AUTH_TOKEN,
  },
  strict: true,
  verbose: true,
});
