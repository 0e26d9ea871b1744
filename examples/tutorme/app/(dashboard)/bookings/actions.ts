'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';

import { requireUser } from '@/lib/auth';
import { db } from '@/lib/db';
import { cancelBooking } from '@/lib/services/bookings';

const Availability = z.array(
  z.object({
    weekday: z.number().int().min(0).max(6),
    startMinute: z.number().int().min(0).max(1439),
    endMinute: z.number().int().min(1).max(1440),
  }),
);

/** Replaces the tutor's weekly availability with the submitted slots. */
export async function saveAvailability(slots: unknown) {
  const user = await requireUser();
  if (!user.tutorProfile) throw new Error('Only tutors have availability');
  const parsed = Availability.parse(slots).filter((s) => s.endMinute > s.startMinute);
  const tutorId = user.tutorProfile.id;

  await db.$transaction([
    db.availabilitySlot.deleteMany({ where: { tutorId } }),
    db.availabilitySlot.createMany({ data: parsed.map((s) => ({ ...s, tutorId })), skipDuplicates: true }),
  ]);
  revalidatePath('/bookings');
}

export async function confirmBooking(bookingId: string) {
  const user = await requireUser();
  await db.booking.update({
    where: { id: bookingId, tutor: { userId: user.id }, status: 'PENDING' },
    data: { status: 'CONFIRMED' },
  });
  revalidatePath('/bookings');
}

export async function markNoShow(bookingId: string) {
  const user = await requireUser();
  await db.booking.update({
    where: { id: bookingId, tutor: { userId: user.id } },
    data: { status: 'NO_SHOW' },
  });
  revalidatePath('/bookings');
}

export async function cancelFromDashboard(bookingId: string, formData: FormData) {
  const user = await requireUser();
  await cancelBooking(bookingId, user.id, String(formData.get('reason') ?? '') || undefined);
  revalidatePath('/bookings');
}
