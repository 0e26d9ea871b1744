import { PaymentStatus, Prisma } from '@prisma/client';
import { NextResponse } from 'next/server';

import { db } from '@/lib/db';
import { logger } from '@/lib/logger';
import { verifyWebhookSignature } from '@/lib/payments';

type ProviderEvent = {
  type: 'checkout.completed' | 'payment.failed' | 'payment.requires_action' | 'charge.refunded';
  data: { bookingId: string; reference: string; receiptUrl?: string; failureCode?: string };
};

const STATUS_FOR_EVENT: Record<ProviderEvent['type'], PaymentStatus> = {
  'checkout.completed': PaymentStatus.SUCCEEDED,
  'payment.failed': PaymentStatus.FAILED,
  'payment.requires_action': PaymentStatus.REQUIRES_ACTION,
  'charge.refunded': PaymentStatus.REFUNDED,
};

// POST /api/payments/webhook — called by the payment provider.
export async function POST(req: Request) {
  const raw = await req.text();
  if (!verifyWebhookSignature(raw, req.headers.get('x-signature'))) {
    return NextResponse.json({ error: 'bad signature' }, { status: 400 });
  }
  const event = JSON.parse(raw) as ProviderEvent;
  const status = STATUS_FOR_EVENT[event.type];
  if (!status) return NextResponse.json({ ignored: event.type });

  try {
    await db.$transaction([
      db.payment.update({
        where: { bookingId: event.data.bookingId },
        data: {
          status,
          providerRef: event.data.reference,
          paidAt: status === PaymentStatus.SUCCEEDED ? new Date() : undefined,
          metadata: { receiptUrl: event.data.receiptUrl, failureCode: event.data.failureCode } as Prisma.InputJsonValue,
        },
      }),
      db.booking.update({
        where: { id: event.data.bookingId },
        data: { status: status === PaymentStatus.SUCCEEDED ? 'CONFIRMED' : undefined },
      }),
    ]);
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025') {
      logger.warn('payments', 'webhook for unknown booking', { bookingId: event.data.bookingId });
      return NextResponse.json({ ok: true });
    }
    throw err;
  }
  logger.info('payments', 'payment updated', { bookingId: event.data.bookingId, status });
  return NextResponse.json({ ok: true });
}
