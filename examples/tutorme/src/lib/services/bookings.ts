import { BookingStatus, Prisma } from '@prisma/client';

import { db } from '@/lib/db';
import { HttpError } from '@/lib/http';

export const MIN_LESSON_MINUTES = 30;
export const MAX_LESSON_MINUTES = 180;

/** Price of a lesson: hourly rate pro rata, rounded to cents. */
export function quotePrice(hourlyRate: Prisma.Decimal | number | string, minutes: number): Prisma.Decimal {
  if (minutes < MIN_LESSON_MINUTES || minutes > MAX_LESSON_MINUTES) {
    throw new HttpError(422, `Lessons are ${MIN_LESSON_MINUTES}-${MAX_LESSON_MINUTES} minutes long`);
  }
  return new Prisma.Decimal(hourlyRate).mul(minutes).div(60).toDecimalPlaces(2);
}

export type CreateBookingInput = {
  studentId: string;
  tutorId: string;
  subjectId?: number | null;
  startsAt: Date;
  minutes: number;
  notes?: string;
};

/**
 * Books a lesson and opens its payment in one transaction. The overlap check
 * runs inside the transaction at SERIALIZABLE so two students cannot grab the
 * same slot.
 */
export async function createBooking(input: CreateBookingInput) {
  const endsAt = new Date(input.startsAt.getTime() + input.minutes * 60_000);

  return db.$transaction(
    async (tx) => {
      const tutor = await tx.tutorProfile.findUniqueOrThrow({
        where: { id: input.tutorId },
        select: { id: true, hourlyRate: true, currency: true },
      });

      const clash = await tx.booking.count({
        where: {
          tutorId: tutor.id,
          status: { in: [BookingStatus.PENDING, BookingStatus.CONFIRMED] },
          startsAt: { lt: endsAt },
          endsAt: { gt: input.startsAt },
        },
      });
      if (clash > 0) throw new HttpError(409, 'That time is already booked');

      const price = quotePrice(tutor.hourlyRate, input.minutes);
      return tx.booking.create({
        data: {
          studentId: input.studentId,
          tutorId: tutor.id,
          subjectId: input.subjectId ?? null,
          startsAt: input.startsAt,
          endsAt,
          price,
          notes: input.notes,
          payment: { create: { amount: price, currency: tutor.currency } },
        },
        include: { payment: true },
      });
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.Serializable },
  );
}

export async function cancelBooking(bookingId: string, byUserId: string, reason?: string) {
  return db.$transaction(async (tx) => {
    const booking = await tx.booking.findUnique({
      where: { id: bookingId },
      include: { payment: true, tutor: { select: { userId: true } } },
    });
    if (!booking) throw new HttpError(404, 'No such booking');
    if (booking.studentId !== byUserId && booking.tutor.userId !== byUserId) {
      throw new HttpError(403, 'Not your booking');
    }
    if (booking.status === BookingStatus.CANCELLED) return booking;

    if (booking.payment?.status === 'SUCCEEDED') {
      await tx.payment.update({ where: { id: booking.payment.id }, data: { status: 'REFUNDED' } });
    }
    return tx.booking.update({
      where: { id: bookingId },
      data: { status: BookingStatus.CANCELLED, cancelledAt: new Date(), cancelReason: reason },
    });
  });
}

export async function upcomingForStudent(studentId: string, take = 20) {
  return db.booking.findMany({
    where: { studentId, startsAt: { gte: new Date() }, status: { not: BookingStatus.CANCELLED } },
    orderBy: { startsAt: 'asc' },
    take,
    include: {
      tutor: { select: { id: true, headline: true, user: { select: { name: true, image: true } } } },
      subject: true,
    },
  });
}
