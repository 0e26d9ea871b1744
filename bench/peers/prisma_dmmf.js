// Peer for bench_inspect_prisma.py: Prisma's own parser and validator (get_dmmf of
// @prisma/prisma-schema-wasm) over every .prisma file of a folder. Needs NODE_PATH to
// reach node_modules/@prisma/prisma-schema-wasm. Exits non-zero when Prisma rejects the schema.
const fs = require("fs");
const path = require("path");
const wasm = require("@prisma/prisma-schema-wasm");

const dir = process.argv[2];
const files = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith(".prisma"))
  .map((name) => [path.join(dir, name), fs.readFileSync(path.join(dir, name), "utf8")]);
const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: files, noColor: true })));
process.stdout.write(`${dmmf.datamodel.models.length} models\n`);
