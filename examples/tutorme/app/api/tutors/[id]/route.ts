import { NextResponse } from 'next/server';

import { db } from '@/lib/db';
import { jsonError } from '@/lib/http';

// GET /api/tutors/:id — profile page data, still served by Prisma.
export async function GET(_req: Request, { params }: { params: { id: string } }) {
  try {
    const tutor = await db.tutorProfile.findUnique({
      where: { id: params.id },
      include: {
        user: { select: { name: true, image: true } },
        subjects: { select: { id: true, slug: true, name: true } },
        availability: { orderBy: [{ weekday: 'asc' }, { startMinute: 'asc' }] },
        reviews: {
          orderBy: { createdAt: 'desc' },
          take: 5,
          select: { rating: true, comment: true, createdAt: true, author: { select: { name: true } } },
        },
      },
    });
    if (!tutor) return NextResponse.json({ error: 'Not found' }, { status: 404 });
    return NextResponse.json({ tutor });
  } catch (err) {
    return jsonError(err);
  }
}
