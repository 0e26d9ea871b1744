import { foreignKey, pgTable, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

import { cuidPk, timestamps } from './_shared';
import { bookings } from './bookings';
import { tutors } from './tutors';
import { users } from './users';

export const reviews = pgTable(
  'Review',
  {
    id: cuidPk(),
    bookingId: uuid('bookingId').notNull(),
    authorId: text('authorId').notNull(),
    tutorId: text('tutorId').notNull(),
    rating: smallint('rating').notNull(),
    comment: text('comment'),
    tags: text('tags').array(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    uniqueIndex('Review_bookingId_key').on(t.bookingId),
    foreignKey({ name: 'Review_bookingId_fkey', columns: [t.bookingId], foreignColumns: [bookings.id] })
      .onDelete('cascade')
      .onUpdate('cascade'),
    foreignKey({ name: 'Review_authorId_fkey', columns: [t.authorId], foreignColumns: [users.id] })
      .onDelete('restrict')
      .onUpdate('cascade'),
    foreignKey({ name: 'Review_tutorId_fkey', columns: [t.tutorId], foreignColumns: [tutors.id] })
      .onDelete('cascade')
      .onUpdate('cascade'),
  ],
);

export type Review = typeof reviews.$inferSelect;
export type NewReview = typeof reviews.$inferInsert;
