import { and, avg, count, desc, eq } from 'drizzle-orm';

import { drizzleDb } from '@/lib/db/drizzle';
import { bookings, reviews, tutors, users } from '@/lib/db/schema';
import { HttpError } from '@/lib/http';

// First service moved to Drizzle (see README: "Migration status").

export async function listTutorReviews(tutorId: string, limit = 20) {
  return drizzleDb
    .select({
      id: reviews.id,
      rating: reviews.rating,
      comment: reviews.comment,
      tags: reviews.tags,
      createdAt: reviews.createdAt,
      authorName: users.name,
    })
    .from(reviews)
    .innerJoin(users, eq(users.id, reviews.authorId))
    .where(eq(reviews.tutorId, tutorId))
    .orderBy(desc(reviews.createdAt))
    .limit(limit);
}

export async function submitReview(input: {
  bookingId: string;
  authorId: string;
  rating: number;
  comment?: string;
  tags?: string[];
}) {
  return drizzleDb.transaction(async (tx) => {
    const [booking] = await tx
      .select({ id: bookings.id, tutorId: bookings.tutorId, status: bookings.status })
      .from(bookings)
      .where(and(eq(bookings.id, input.bookingId), eq(bookings.studentId, input.authorId)))
      .limit(1);
    if (!booking) throw new HttpError(404, 'No such booking');
    if (booking.status !== 'COMPLETED') throw new HttpError(409, 'Only completed lessons can be reviewed');

    const [review] = await tx
      .insert(reviews)
      .values({
        bookingId: booking.id,
        authorId: input.authorId,
        tutorId: booking.tutorId,
        rating: input.rating,
        comment: input.comment,
        tags: input.tags ?? [],
      })
      .returning();

    // Keep the denormalised rating on the tutor in step with its reviews.
    const [agg] = await tx
      .select({ avg: avg(reviews.rating), n: count() })
      .from(reviews)
      .where(eq(reviews.tutorId, booking.tutorId));
    await tx
      .update(tutors)
      .set({ ratingAvg: agg.avg === null ? null : Number(agg.avg), ratingCount: agg.n })
      .where(eq(tutors.id, booking.tutorId));

    return review;
  });
}
