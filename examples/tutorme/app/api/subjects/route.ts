import { asc } from 'drizzle-orm';
import { NextResponse } from 'next/server';

import { drizzleDb } from '@/lib/db/drizzle';
import { subjects } from '@/lib/db/schema';

export const revalidate = 3600;

export async function GET() {
  const rows = await drizzleDb
    .select({ id: subjects.id, slug: subjects.slug, name: subjects.name, category: subjects.category })
    .from(subjects)
    .orderBy(asc(subjects.category), asc(subjects.name));
  return NextResponse.json({ subjects: rows });
}
