import { NextResponse } from 'next/server';
import { z } from 'zod';

import { requireUser } from '@/lib/auth';
import { HttpError, jsonError } from '@/lib/http';
import { listTutorReviews, submitReview } from '@/lib/services/reviews';

// GET /api/reviews?tutorId=...
export async function GET(req: Request) {
  try {
    const tutorId = new URL(req.url).searchParams.get('tutorId');
    if (!tutorId) throw new HttpError(400, 'tutorId is required');
    return NextResponse.json({ reviews: await listTutorReviews(tutorId) });
  } catch (err) {
    return jsonError(err);
  }
}

const NewReview = z.object({
  bookingId: z.string().uuid(),
  rating: z.number().int().min(1).max(5),
  comment: z.string().max(4000).optional(),
  tags: z.array(z.string().max(32)).max(10).optional(),
});

// POST /api/reviews
export async function POST(req: Request) {
  try {
    const user = await requireUser();
    const body = NewReview.parse(await req.json());
    const review = await submitReview({ ...body, authorId: user.id });
    return NextResponse.json({ review }, { status: 201 });
  } catch (err) {
    return jsonError(err);
  }
}
