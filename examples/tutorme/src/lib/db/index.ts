import { PrismaClient } from '@prisma/client';

// Next.js dev mode re-evaluates modules on every change; keeping the client on
// globalThis stops each reload from opening a new connection pool.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

export const db =
  globalForPrisma.prisma ??
  new PrismaClient({
    log: process.env.NODE_ENV === 'development' ? ['query', 'warn', 'error'] : ['error'],
  });

if (process.env.NODE_ENV !== 'production') {
  globalForPrisma.prisma = db;
}

export type Db = typeof db;
