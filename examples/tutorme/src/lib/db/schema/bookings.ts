import {
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

import { cuidPk, timestamps } from './_shared';
import { bookingStatus, paymentStatus } from './enums';
import { subjects, tutors } from './tutors';
import { users } from './users';

export const bookings = pgTable(
  'bookings',
  {
    // Prisma's @default(uuid()) is client-side: no gen_random_uuid() default here.
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    studentId: text('studentId').notNull(),
    tutorId: text('tutorId').notNull(),
    subjectId: integer('subjectId'),
    status: bookingStatus('status').default('PENDING').notNull(),
    startsAt: timestamp('startsAt', { precision: 3, withTimezone: true, mode: 'date' }).notNull(),
    endsAt: timestamp('endsAt', { precision: 3, withTimezone: true, mode: 'date' }),
    price: numeric('price', { precision: 10, scale: 2 }).notNull(),
    notes: text('notes'),
    meetingUrl: text('meetingUrl'),
    cancelledAt: timestamp('cancelledAt', { precision: 3, mode: 'date' }),
    cancelReason: text('cancelReason'),
    ...timestamps,
  },
  (t) => [
    index('bookings_tutorId_startsAt_idx').on(t.tutorId, t.startsAt.desc().nullsFirst()),
    index('bookings_studentId_status_idx').on(t.studentId, t.status),
    foreignKey({ name: 'bookings_studentId_fkey', columns: [t.studentId], foreignColumns: [users.id] })
      .onDelete('restrict')
      .onUpdate('cascade'),
    foreignKey({ name: 'bookings_tutorId_fkey', columns: [t.tutorId], foreignColumns: [tutors.id] })
      .onDelete('restrict')
      .onUpdate('cascade'),
    foreignKey({ name: 'bookings_subjectId_fkey', columns: [t.subjectId], foreignColumns: [subjects.id] })
      .onDelete('set null')
      .onUpdate('cascade'),
  ],
);

export type PaymentMetadata = {
  checkoutSessionId?: string;
  receiptUrl?: string;
  failureCode?: string;
  [key: string]: unknown;
};

export const payments = pgTable(
  'payments',
  {
    id: cuidPk(),
    bookingId: uuid('bookingId').notNull(),
    amount: numeric('amount', { precision: 10, scale: 2 }).notNull(),
    status: paymentStatus('status').default('PENDING').notNull(),
    provider: text('provider').default('stripe').notNull(),
    providerRef: text('providerRef'),
    metadata: jsonb('metadata').$type<PaymentMetadata>(),
    paidAt: timestamp('paidAt', { precision: 3, mode: 'date' }),
    ...timestamps,
    currency: varchar('currency', { length: 3 }).default('USD').notNull(),
  },
  (t) => [
    uniqueIndex('payments_bookingId_key').on(t.bookingId),
    uniqueIndex('payments_providerRef_key').on(t.providerRef),
    index('payments_status_createdAt_idx').on(t.status, t.createdAt),
    foreignKey({ name: 'payments_bookingId_fkey', columns: [t.bookingId], foreignColumns: [bookings.id] })
      .onDelete('cascade')
      .onUpdate('cascade'),
  ],
);

export type Booking = typeof bookings.$inferSelect;
export type NewBooking = typeof bookings.$inferInsert;
export type Payment = typeof payments.$inferSelect;
