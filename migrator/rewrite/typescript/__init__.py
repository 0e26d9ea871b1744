"""TypeScript/JavaScript codemods: `migrator rewrite --rules prisma-drizzle`.

engine.py finds the Prisma Client call sites `migrator scan` proves (its value flow knows
which expressions are Prisma clients), locates each call with ast-grep, asks the rules of
migrator/rewrite/rules/prisma_drizzle/ to convert it, and splices the result in span-exact
(only the call expression's text is replaced). mapping.py pairs the Prisma schema's models
with the Drizzle schema's exports by physical table name; convert.py holds what the rules
share (the refusal that becomes a finding, the conversion context, object-literal reading).
"""
