import { PrismaClient } from '@prisma/client';

// Tests run against TEST_DATABASE_URL, migrated with `prisma migrate reset --force`.
export const prisma = new PrismaClient({ datasourceUrl: process.env.TEST_DATABASE_URL });

export async function resetDatabase() {
  // Order matters: children first (bookings RESTRICT deletes of users and tutors).
  await prisma.$transaction([
    prisma.review.deleteMany(),
    prisma.payment.deleteMany(),
    prisma.booking.deleteMany(),
    prisma.payout.deleteMany(),
    prisma.tutorProfile.deleteMany(),
    prisma.user.deleteMany(),
    prisma.subject.deleteMany(),
  ]);
}

export async function makeTutor(email = 'tutor@example.test', hourlyRate = '40.00') {
  return prisma.user.create({
    data: {
      email,
      role: 'TUTOR',
      tutorProfile: { create: { headline: 'Physics tutor', hourlyRate, languages: ['en'] } },
    },
    include: { tutorProfile: true },
  });
}
