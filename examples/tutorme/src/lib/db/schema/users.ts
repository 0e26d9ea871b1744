import { text, timestamp, pgTable, uniqueIndex } from 'drizzle-orm/pg-core';

import { cuidPk, timestamps } from './_shared';
import { role } from './enums';

export const users = pgTable(
  'User',
  {
    id: cuidPk(),
    email: text('email').notNull(),
    name: text('name'),
    role: role('role').default('STUDENT').notNull(),
    image: text('image'),
    emailVerified: timestamp('emailVerified', { precision: 3, mode: 'date' }),
    ...timestamps,
  },
  (t) => [uniqueIndex('User_email_key').on(t.email)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
