import { and, count, eq, gte, sql, sum } from 'drizzle-orm';
import { NextResponse } from 'next/server';

import { requireUser } from '@/lib/auth';
import { db } from '@/lib/db';
import { drizzleDb } from '@/lib/db/drizzle';
import { bookings, payments } from '@/lib/db/schema';
import { HttpError, jsonError } from '@/lib/http';

// GET /api/dashboard — tutor dashboard. Half-migrated: the booking stats come
// from Drizzle, unread messages and payouts still from Prisma.
export async function GET() {
  try {
    const user = await requireUser();
    const tutorId = user.tutorProfile?.id;
    if (!tutorId) throw new HttpError(403, 'Tutors only');

    const since = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    const [stats] = await drizzleDb
      .select({
        lessons: count(),
        completed: sql<number>`count(*) filter (where ${bookings.status} = 'COMPLETED')`,
        earned: sum(payments.amount),
      })
      .from(bookings)
      .leftJoin(payments, and(eq(payments.bookingId, bookings.id), eq(payments.status, 'SUCCEEDED')))
      .where(and(eq(bookings.tutorId, tutorId), gte(bookings.startsAt, since)));

    const [unread, lastPayout] = await Promise.all([
      db.conversationParticipant.count({
        where: { userId: user.id, conversation: { messages: { some: { sentAt: { gt: since } } } } },
      }),
      db.payout.findFirst({ where: { tutorId }, orderBy: { periodStart: 'desc' } }),
    ]);

    return NextResponse.json({ stats, unreadConversations: unread, lastPayout });
  } catch (err) {
    return jsonError(err);
  }
}
