import { defineConfig } from 'drizzle-kit';

// Prisma Migrate still owns the database: drizzle-kit is only used to check
// the Drizzle schema against it (`drizzle-kit introspect` into ./drizzle and
// diff by hand). Never run `drizzle-kit push` against a shared database.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/lib/db/schema/index.ts',
  out: './drizzle',
  dbCredentials: {
    // Direct connection: drizzle-kit's introspection does not work through pgbouncer.
    url: process.env.DIRECT_URL ?? process.env.DATABASE_URL!,
  },
  tablesFilter: ['!_prisma_migrations'],
  strict: true,
  verbose: true,
});
