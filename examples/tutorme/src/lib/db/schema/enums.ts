import { pgEnum } from 'drizzle-orm/pg-core';

export const role = pgEnum('Role', ['STUDENT', 'TUTOR', 'ADMIN']);

export const bookingStatus = pgEnum('BookingStatus', [
  'PENDING',
  'CONFIRMED',
  'CANCELLED',
  'COMPLETED',
]);

// Prisma maps REQUIRES_ACTION to 'requires_action' and the type to payment_status.
export const paymentStatus = pgEnum('payment_status', [
  'PENDING',
  'requires_action',
  'SUCCEEDED',
  'FAILED',
  'REFUNDED',
]);
