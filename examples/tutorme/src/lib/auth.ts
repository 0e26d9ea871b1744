import { headers } from 'next/headers';

import { db } from '@/lib/db';

export class UnauthorizedError extends Error {
  constructor() {
    super('Not signed in');
  }
}

// The edge middleware verifies the session cookie and forwards the user id.
export async function requireUser() {
  const userId = headers().get('x-tutorme-user');
  if (!userId) throw new UnauthorizedError();
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, role: true, tutorProfile: { select: { id: true } } },
  });
  if (!user) throw new UnauthorizedError();
  return user;
}

export type CurrentUser = Awaited<ReturnType<typeof requireUser>>;
