import { requireUser } from '@/lib/auth';
import { upcomingForStudent } from '@/lib/services/bookings';

import { cancelFromDashboard } from './actions';

export default async function BookingsPage() {
  const user = await requireUser();
  const bookings = await upcomingForStudent(user.id);

  return (
    <main className="mx-auto max-w-3xl p-6">
      <h1 className="text-2xl font-semibold">Upcoming lessons</h1>
      {bookings.length === 0 && <p className="mt-4 text-gray-500">Nothing booked yet.</p>}
      <ul className="mt-4 divide-y">
        {bookings.map((b) => (
          <li key={b.id} className="flex items-center justify-between py-3">
            <div>
              <p className="font-medium">{b.subject?.name ?? 'Lesson'} with {b.tutor.user.name}</p>
              <p className="text-sm text-gray-500">{b.startsAt.toLocaleString()} · {b.status.toLowerCase()}</p>
            </div>
            <form action={cancelFromDashboard.bind(null, b.id)}>
              <input type="hidden" name="reason" value="cancelled from dashboard" />
              <button className="text-sm text-red-600">Cancel</button>
            </form>
          </li>
        ))}
      </ul>
    </main>
  );
}
