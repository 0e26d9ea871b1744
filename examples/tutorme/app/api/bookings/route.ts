import { NextResponse } from 'next/server';
import { z } from 'zod';

import { requireUser } from '@/lib/auth';
import { db } from '@/lib/db';
import { jsonError } from '@/lib/http';
import { createBooking } from '@/lib/services/bookings';

// GET /api/bookings — the signed-in user's bookings (as student or as tutor).
export async function GET(req: Request) {
  try {
    const user = await requireUser();
    const status = new URL(req.url).searchParams.get('status') ?? undefined;

    const bookings = await db.booking.findMany({
      where: {
        OR: [{ studentId: user.id }, ...(user.tutorProfile ? [{ tutorId: user.tutorProfile.id }] : [])],
        ...(status ? { status: status as never } : {}),
      },
      orderBy: { startsAt: 'desc' },
      take: 100,
      include: { subject: true, payment: { select: { status: true, amount: true, currency: true } } },
    });
    return NextResponse.json({ bookings });
  } catch (err) {
    return jsonError(err);
  }
}

const CreateBooking = z.object({
  tutorId: z.string().min(1),
  subjectId: z.number().int().positive().nullable().optional(),
  startsAt: z.coerce.date(),
  minutes: z.number().int(),
  notes: z.string().max(2000).optional(),
});

// POST /api/bookings
export async function POST(req: Request) {
  try {
    const user = await requireUser();
    const body = CreateBooking.parse(await req.json());
    const booking = await createBooking({ ...body, studentId: user.id });
    return NextResponse.json({ booking }, { status: 201 });
  } catch (err) {
    return jsonError(err);
  }
}
