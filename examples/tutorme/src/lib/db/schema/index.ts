// Everything drizzleDb knows about. Tables not listed here (accounts, messages,
// payouts, ...) are still Prisma-only.
export * from './enums';
export * from './users';
export * from './tutors';
export * from './bookings';
export * from './reviews';
export * from './relations';
export { timestamps } from './_shared';
