import { and, eq, or } from 'drizzle-orm';
import { NextResponse } from 'next/server';
import { z } from 'zod';

import { requireUser } from '@/lib/auth';
import { db } from '@/lib/db';
import { drizzleDb } from '@/lib/db/drizzle';
import { bookings, payments } from '@/lib/db/schema';
import { HttpError, jsonError } from '@/lib/http';

// GET /api/bookings/:id — already on Drizzle.
export async function GET(_req: Request, { params }: { params: { id: string } }) {
  try {
    const user = await requireUser();
    const [row] = await drizzleDb
      .select({ booking: bookings, payment: payments })
      .from(bookings)
      .leftJoin(payments, eq(payments.bookingId, bookings.id))
      .where(
        and(
          eq(bookings.id, params.id),
          or(eq(bookings.studentId, user.id), eq(bookings.tutorId, user.tutorProfile?.id ?? '')),
        ),
      )
      .limit(1);
    if (!row) throw new HttpError(404, 'No such booking');
    return NextResponse.json(row);
  } catch (err) {
    return jsonError(err);
  }
}

const UpdateBooking = z.object({
  notes: z.string().max(2000).optional(),
  meetingUrl: z.string().url().optional(),
});

// PATCH /api/bookings/:id — still Prisma (the update path moves next sprint).
export async function PATCH(req: Request, { params }: { params: { id: string } }) {
  try {
    const user = await requireUser();
    const data = UpdateBooking.parse(await req.json());
    const { count } = await db.booking.updateMany({
      where: { id: params.id, OR: [{ studentId: user.id }, { tutor: { userId: user.id } }] },
      data,
    });
    if (count === 0) throw new HttpError(404, 'No such booking');
    const booking = await db.booking.findUniqueOrThrow({ where: { id: params.id } });
    return NextResponse.json({ booking });
  } catch (err) {
    return jsonError(err);
  }
}
