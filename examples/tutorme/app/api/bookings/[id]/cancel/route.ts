import { NextResponse } from 'next/server';
import { z } from 'zod';

import { requireUser } from '@/lib/auth';
import { jsonError } from '@/lib/http';
import { cancelBooking } from '@/lib/services/bookings';

const Cancel = z.object({ reason: z.string().max(500).optional() });

// POST /api/bookings/:id/cancel
export async function POST(req: Request, { params }: { params: { id: string } }) {
  try {
    const user = await requireUser();
    const { reason } = Cancel.parse(await req.json().catch(() => ({})));
    const booking = await cancelBooking(params.id, user.id, reason);
    return NextResponse.json({ booking });
  } catch (err) {
    return jsonError(err);
  }
}
