import { createId } from '@paralleldrive/cuid2';
import { sql } from 'drizzle-orm';
import { text, timestamp } from 'drizzle-orm/pg-core';

// Prisma owns the database until the move is done, so every column here must
// match what Prisma Migrate created: camelCase column names, TIMESTAMP(3),
// CURRENT_TIMESTAMP defaults and no database default for @updatedAt.
export const timestamps = {
  createdAt: timestamp('createdAt', { precision: 3, mode: 'date' })
    .default(sql`CURRENT_TIMESTAMP`)
    .notNull(),
  updatedAt: timestamp('updatedAt', { precision: 3, mode: 'date' })
    .notNull()
    .$onUpdate(() => new Date()),
};

// Prisma's @default(cuid()) is generated in the client, never by Postgres.
export const cuidPk = (name = 'id') =>
  text(name)
    .primaryKey()
    .$defaultFn(() => createId());
