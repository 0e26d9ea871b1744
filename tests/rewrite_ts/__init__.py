"""Tests of the TypeScript rewrite rule sets (prisma-drizzle) and their equivalence harness."""
