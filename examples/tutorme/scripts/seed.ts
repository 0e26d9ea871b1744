/**
 * Seeds a development database: `npm run db:seed` (also run by `prisma migrate reset`).
 */
import { PrismaClient, Role } from '@prisma/client';

const prisma = new PrismaClient();

const SUBJECTS = [
  { slug: 'algebra', name: 'Algebra', category: 'Maths' },
  { slug: 'calculus', name: 'Calculus', category: 'Maths' },
  { slug: 'physics', name: 'Physics', category: 'Science' },
  { slug: 'chemistry', name: 'Chemistry', category: 'Science' },
  { slug: 'spanish', name: 'Spanish', category: 'Languages' },
  { slug: 'essay-writing', name: 'Essay writing', category: 'English' },
];

async function main() {
  for (const s of SUBJECTS) {
    await prisma.subject.upsert({ where: { slug: s.slug }, update: {}, create: s });
  }

  const ana = await prisma.user.upsert({
    where: { email: 'ana@example.test' },
    update: {},
    create: {
      email: 'ana@example.test',
      name: 'Ana Ruiz',
      role: Role.TUTOR,
      tutorProfile: {
        create: {
          headline: 'Maths tutor, 8 years of exam prep',
          hourlyRate: '45.00',
          languages: ['en', 'es'],
          timezone: 'Europe/Madrid',
          isVerified: true,
          subjects: { connect: [{ slug: 'algebra' }, { slug: 'calculus' }] },
          availability: {
            create: [
              { weekday: 1, startMinute: 17 * 60, endMinute: 20 * 60 },
              { weekday: 3, startMinute: 17 * 60, endMinute: 20 * 60 },
            ],
          },
        },
      },
    },
    include: { tutorProfile: true },
  });

  const sam = await prisma.user.upsert({
    where: { email: 'sam@example.test' },
    update: {},
    create: {
      email: 'sam@example.test',
      name: 'Sam Okafor',
      studentProfile: { create: { gradeLevel: 11, goals: 'Pass the calculus final' } },
    },
  });

  const startsAt = new Date(Date.now() + 3 * 24 * 3600 * 1000);
  await prisma.booking.create({
    data: {
      studentId: sam.id,
      tutorId: ana.tutorProfile!.id,
      subjectId: (await prisma.subject.findUniqueOrThrow({ where: { slug: 'calculus' } })).id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 60 * 60 * 1000),
      price: '45.00',
      payment: { create: { amount: '45.00' } },
    },
  });

  await prisma.promoCode.upsert({
    where: { code: 'WELCOME10' },
    update: {},
    create: { code: 'WELCOME10', percentOff: 10, maxRedemptions: 500 },
  });
}

main()
  .then(() => prisma.$disconnect())
  .catch(async (err) => {
    console.error(err);
    await prisma.$disconnect();
    process.exit(1);
  });
