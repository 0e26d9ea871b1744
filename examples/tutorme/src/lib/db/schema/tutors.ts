import {
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  numeric,
  pgTable,
  serial,
  smallint,
  text,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';

import { cuidPk, timestamps } from './_shared';
import { users } from './users';

export const tutors = pgTable(
  'tutor_profiles',
  {
    id: cuidPk(),
    userId: text('userId').notNull(),
    headline: varchar('headline', { length: 140 }).notNull(),
    bio: text('bio'),
    hourlyRate: numeric('hourlyRate', { precision: 10, scale: 2 }).notNull(),
    currency: varchar('currency', { length: 3 }).default('USD').notNull(),
    languages: text('languages').array(),
    timezone: text('timezone').default('UTC').notNull(),
    isVerified: boolean('isVerified').default(false).notNull(),
    ...timestamps,
    ratingAvg: doublePrecision('ratingAvg'),
    ratingCount: integer('ratingCount').default(0).notNull(),
  },
  (t) => [
    uniqueIndex('tutor_profiles_userId_key').on(t.userId),
    foreignKey({ name: 'tutor_profiles_userId_fkey', columns: [t.userId], foreignColumns: [users.id] })
      .onDelete('cascade')
      .onUpdate('cascade'),
  ],
);

export const subjects = pgTable(
  'Subject',
  {
    id: serial('id').primaryKey(),
    slug: varchar('slug', { length: 64 }).notNull(),
    name: text('name').notNull(),
    category: text('category'),
  },
  (t) => [uniqueIndex('Subject_slug_key').on(t.slug)],
);

// Prisma's implicit many-to-many table: A = Subject.id, B = TutorProfile.id
// (models sorted by name). Prisma 5 backs it with a unique index, not a key.
export const subjectsToTutors = pgTable(
  '_SubjectToTutorProfile',
  {
    A: integer('A').notNull(),
    B: text('B').notNull(),
  },
  (t) => [
    uniqueIndex('_SubjectToTutorProfile_AB_unique').on(t.A, t.B),
    index('_SubjectToTutorProfile_B_index').on(t.B),
    foreignKey({ name: '_SubjectToTutorProfile_A_fkey', columns: [t.A], foreignColumns: [subjects.id] })
      .onDelete('cascade')
      .onUpdate('cascade'),
    foreignKey({ name: '_SubjectToTutorProfile_B_fkey', columns: [t.B], foreignColumns: [tutors.id] })
      .onDelete('cascade')
      .onUpdate('cascade'),
  ],
);

export const availabilitySlots = pgTable(
  'availability_slots',
  {
    id: serial('id').primaryKey(),
    tutorId: text('tutorId').notNull(),
    weekday: smallint('weekday').notNull(),
    startMinute: integer('startMinute').notNull(),
    endMinute: integer('endMinute').notNull(),
  },
  (t) => [
    uniqueIndex('availability_slots_tutorId_weekday_startMinute_key').on(t.tutorId, t.weekday, t.startMinute),
    foreignKey({ name: 'availability_slots_tutorId_fkey', columns: [t.tutorId], foreignColumns: [tutors.id] })
      .onDelete('cascade')
      .onUpdate('cascade'),
  ],
);

export type Tutor = typeof tutors.$inferSelect;
export type Subject = typeof subjects.$inferSelect;
export type AvailabilitySlot = typeof availabilitySlots.$inferSelect;
