import { NextResponse } from 'next/server';

import { drizzleDb } from '@/lib/db/drizzle';
import { jsonError } from '@/lib/http';

// GET /api/tutors?subject=algebra&verified=1
export async function GET(req: Request) {
  try {
    const url = new URL(req.url);
    const subject = url.searchParams.get('subject');
    const verifiedOnly = url.searchParams.get('verified') === '1';

    const rows = await drizzleDb.query.tutors.findMany({
      where: (t, { eq }) => (verifiedOnly ? eq(t.isVerified, true) : undefined),
      orderBy: (t, { desc }) => [desc(t.ratingAvg), desc(t.ratingCount)],
      limit: 50,
      columns: { id: true, headline: true, hourlyRate: true, currency: true, ratingAvg: true, ratingCount: true },
      with: {
        user: { columns: { name: true, image: true } },
        subjects: { with: { subject: { columns: { slug: true, name: true } } } },
      },
    });

    const tutors = rows
      .map(({ subjects, ...t }) => ({ ...t, subjects: subjects.map((s) => s.subject) }))
      .filter((t) => !subject || t.subjects.some((s) => s.slug === subject));

    return NextResponse.json({ tutors });
  } catch (err) {
    return jsonError(err);
  }
}
