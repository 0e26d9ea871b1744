import { NextResponse } from 'next/server';
import { ZodError } from 'zod';

import { UnauthorizedError } from '@/lib/auth';
import { logger } from '@/lib/logger';

export class HttpError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

export function jsonError(err: unknown) {
  if (err instanceof UnauthorizedError) return NextResponse.json({ error: err.message }, { status: 401 });
  if (err instanceof HttpError) return NextResponse.json({ error: err.message }, { status: err.status });
  if (err instanceof ZodError) return NextResponse.json({ error: 'Invalid input', issues: err.issues }, { status: 422 });
  logger.error('http', 'unhandled error', { error: String(err) });
  return NextResponse.json({ error: 'Internal error' }, { status: 500 });
}
