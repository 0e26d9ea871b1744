import { relations } from 'drizzle-orm';

import { bookings, payments } from './bookings';
import { reviews } from './reviews';
import { availabilitySlots, subjects, subjectsToTutors, tutors } from './tutors';
import { users } from './users';

export const usersRelations = relations(users, ({ one, many }) => ({
  tutor: one(tutors, { fields: [users.id], references: [tutors.userId] }),
  bookings: many(bookings),
  reviews: many(reviews),
}));

export const tutorsRelations = relations(tutors, ({ one, many }) => ({
  user: one(users, { fields: [tutors.userId], references: [users.id] }),
  subjects: many(subjectsToTutors),
  availability: many(availabilitySlots),
  bookings: many(bookings),
  reviews: many(reviews),
}));

export const subjectsRelations = relations(subjects, ({ many }) => ({
  tutors: many(subjectsToTutors),
  bookings: many(bookings),
}));

export const subjectsToTutorsRelations = relations(subjectsToTutors, ({ one }) => ({
  subject: one(subjects, { fields: [subjectsToTutors.A], references: [subjects.id] }),
  tutor: one(tutors, { fields: [subjectsToTutors.B], references: [tutors.id] }),
}));

export const availabilitySlotsRelations = relations(availabilitySlots, ({ one }) => ({
  tutor: one(tutors, { fields: [availabilitySlots.tutorId], references: [tutors.id] }),
}));

export const bookingsRelations = relations(bookings, ({ one }) => ({
  student: one(users, { fields: [bookings.studentId], references: [users.id] }),
  tutor: one(tutors, { fields: [bookings.tutorId], references: [tutors.id] }),
  subject: one(subjects, { fields: [bookings.subjectId], references: [subjects.id] }),
  payment: one(payments, { fields: [bookings.id], references: [payments.bookingId] }),
  review: one(reviews, { fields: [bookings.id], references: [reviews.bookingId] }),
}));

export const paymentsRelations = relations(payments, ({ one }) => ({
  booking: one(bookings, { fields: [payments.bookingId], references: [bookings.id] }),
}));

export const reviewsRelations = relations(reviews, ({ one }) => ({
  booking: one(bookings, { fields: [reviews.bookingId], references: [bookings.id] }),
  author: one(users, { fields: [reviews.authorId], references: [users.id] }),
  tutor: one(tutors, { fields: [reviews.tutorId], references: [tutors.id] }),
}));
