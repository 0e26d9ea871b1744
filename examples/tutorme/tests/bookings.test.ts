import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { makeTutor, prisma, resetDatabase } from './helpers';

vi.mock('@/lib/db', () => ({ db: prisma }));

const { cancelBooking, createBooking } = await import('@/lib/services/bookings');

describe('createBooking', () => {
  beforeEach(resetDatabase);
  afterAll(() => prisma.$disconnect());

  it('creates the booking and its pending payment together', async () => {
    const tutor = await makeTutor();
    const student = await prisma.user.create({ data: { email: 'student@example.test' } });

    const booking = await createBooking({
      studentId: student.id,
      tutorId: tutor.tutorProfile!.id,
      startsAt: new Date('2030-01-07T17:00:00Z'),
      minutes: 90,
    });

    expect(booking.price.toString()).toBe('60');
    expect(booking.payment?.status).toBe('PENDING');
    expect(await prisma.payment.count({ where: { bookingId: booking.id } })).toBe(1);
  });

  it('refuses an overlapping slot', async () => {
    const tutor = await makeTutor();
    const student = await prisma.user.create({ data: { email: 'student@example.test' } });
    const input = { studentId: student.id, tutorId: tutor.tutorProfile!.id, startsAt: new Date('2030-01-07T17:00:00Z'), minutes: 60 };

    await createBooking(input);
    await expect(createBooking({ ...input, startsAt: new Date('2030-01-07T17:30:00Z') })).rejects.toThrow(/already booked/);
  });

  it('refunds a paid booking on cancel', async () => {
    const tutor = await makeTutor();
    const student = await prisma.user.create({ data: { email: 'student@example.test' } });
    const booking = await createBooking({ studentId: student.id, tutorId: tutor.tutorProfile!.id, startsAt: new Date('2030-02-01T09:00:00Z'), minutes: 60 });
    await prisma.payment.update({ where: { bookingId: booking.id }, data: { status: 'SUCCEEDED' } });

    const cancelled = await cancelBooking(booking.id, student.id, 'sick');

    expect(cancelled.status).toBe('CANCELLED');
    expect((await prisma.payment.findUniqueOrThrow({ where: { bookingId: booking.id } })).status).toBe('REFUNDED');
  });
});
