# Every target sets itself up on a fresh clone: the venv is created and filled on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean golden accuracy peer-suites

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# compat: the project folder on a .pth line; setuptools' default editable finder is an import
	# hook that costs every command 7 ms of start-up (a tenth of a warm re-scan).
	$(BIN)/python -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/learnhub/build_db.py
	$(BIN)/migrator inspect sqlite:///examples/learnhub/learnhub.db
	$(BIN)/migrator inspect examples/tutorme/prisma/migrations
	$(BIN)/migrator inspect prisma:examples/tutorme/prisma/schema.prisma
	$(BIN)/migrator inspect drizzle:examples/tutorme/src/lib/db/schema
	# Drift between the Prisma schema and its Drizzle port: exit 1 (drift found) is the expected answer.
	$(BIN)/migrator diff prisma:examples/tutorme/prisma/schema.prisma drizzle:examples/tutorme/src/lib/db/schema --partial to || test $$? -eq 1
	$(BIN)/migrator drift --live examples/tutorme/prisma/migrations --legacy prisma:examples/tutorme/prisma/schema.prisma \
		--target drizzle:examples/tutorme/src/lib/db/schema --partial target || test $$? -eq 1
	# The main job: which files still use the legacy layer, and the progress report.
	$(BIN)/migrator scan examples/tutorme
	# examples/tutorme/migrator.toml is what `migrator init` writes there: its checks fill the drift list.
	$(BIN)/migrator report examples/tutorme --out reports/tutorme
	# progress.html of the tutorme test report in headless Chromium at 1280 and 390 px (needs chromium):
	# reports/screenshots/report-1280.png and report-390.png.
	$(BIN)/python bench/screenshot_report.py reports/screenshots
	$(BIN)/migrator scan examples/learnhub
	$(BIN)/migrator report examples/learnhub --out reports/learnhub
	# The target layer's schema, generated: the 9 tutorme tables the Drizzle port lacks, from the
	# Prisma schema (importing the 8 ported tables and their enums), read back and compared
	# (--verify), then diffed against the Prisma schema like any source; learnhub's SQLAlchemy
	# models from its SQLite database, diffed against the hand-written models.
	$(BIN)/migrator generate drizzle prisma:examples/tutorme/prisma/schema.prisma --missing-from drizzle:examples/tutorme/src/lib/db/schema \
		--out reports/tutorme-drizzle --verify
	$(BIN)/migrator diff prisma:examples/tutorme/prisma/schema.prisma drizzle:reports/tutorme-drizzle --partial to
	$(BIN)/migrator generate sqlalchemy sqlite:///examples/learnhub/learnhub.db --out reports/learnhub_generated.py --verify
	$(BIN)/migrator diff sqlalchemy:learnhub.models sqlalchemy:learnhub_generated --project-path examples/learnhub:reports --input-dialect sqlite
	# The SQLAlchemy 1.x -> 2.0 codemod as a dry run: the patch it would apply (exit 1: it would change files).
	$(BIN)/migrator rewrite --rules sqlalchemy-2.0 examples/learnhub --patch reports/learnhub-sqlalchemy-2.0.patch || test $$? -eq 1
	# The Prisma -> Drizzle codemod as a dry run, no options: the Drizzle port and client come from
	# examples/tutorme/migrator.toml's [rewrite] (what `migrator init` writes); exit 1: it would change files.
	$(BIN)/migrator rewrite --rules prisma-drizzle examples/tutorme --patch reports/tutorme-prisma-drizzle.patch || test $$? -eq 1
	# Moving the data: learnhub's SQLite database into PostgreSQL with the target schema's types
	# (plan, copy, verify data) on a throwaway server the script starts (skipped without PostgreSQL).
	$(BIN)/python examples/learnhub/copy_to_postgres.py
	# certbank (raw SQL on SQLite) moved onto its Drizzle migrations: see examples/certbank/DEMO.md.
	rm -rf reports/certbank.db reports/certbank-backups
	$(BIN)/python examples/certbank/build_db.py
	$(BIN)/python examples/certbank/build_db.py -o reports/certbank.db
	$(BIN)/migrator scan examples/certbank
	$(BIN)/migrator generate drizzle sqlite:///examples/certbank/certbank.db --out examples/certbank/drizzle/schema --verify
	# drizzle-kit pull's baseline lacks the database's UNIQUE constraints: refused with the diff (exit 1).
	$(BIN)/migrator apply examples/certbank/drizzle/migrations --to sqlite:///reports/certbank.db --baseline 0000_thick_surge \
		--prove --backup-dir reports/certbank-backups || test $$? -eq 1
	# With the FROM the database really is: proof on a clone, backup, applied in one transaction.
	$(BIN)/migrator apply examples/certbank/drizzle/migrations --to sqlite:///reports/certbank.db --baseline 0000_thick_surge \
		--from sql:examples/certbank/schema.sql --prove --backup-dir reports/certbank-backups
	# A migration that fails halfway: rolled back, the database unchanged (exit 2), as verify data shows.
	$(BIN)/migrator apply examples/certbank/broken/migrations --to sqlite:///reports/certbank.db \
		--backup-dir reports/certbank-backups || test $$? -eq 2
	$(BIN)/migrator verify data sqlite:///$$(ls reports/certbank-backups/certbank-*.sqlite | sort | tail -1) sqlite:///reports/certbank.db
	# Rollback to before the move: the first backup restored, the raw-SQL schema and rows back.
	$(BIN)/migrator apply --restore $$(ls reports/certbank-backups/certbank-*.sqlite | sort | head -1) --to sqlite:///reports/certbank.db --yes
	$(BIN)/migrator diff sql:examples/certbank/schema.sql sqlite:///reports/certbank.db
	$(BIN)/migrator verify data sqlite:///examples/certbank/certbank.db sqlite:///reports/certbank.db

# The TypeScript oracles some tests run (drizzle-kit generate, tsc), pinned in tests/node's
# package-lock.json; installed only where Node.js is, and those tests say so when it is not.
NODE_TOOLS := tests/node/node_modules/.installed

$(NODE_TOOLS): tests/node/package-lock.json
	if command -v npm >/dev/null 2>&1; then \
		cd tests/node && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch node_modules/.installed; \
	fi

# The rewrite equivalence harness's Node side (tests/rewrite_ts/equivalence.py): Prisma Client 7
# (its query compiler ships in the npm packages: no engine download) with driver adapters, and
# better-sqlite3 built from source (its prebuilt download is skipped). Reaches only the npm registry.
NODE_PRISMA := tests/node_prisma/node_modules/.installed

$(NODE_PRISMA): tests/node_prisma/package-lock.json
	if command -v npm >/dev/null 2>&1; then \
		cd tests/node_prisma && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
		&& npm rebuild better-sqlite3 --build-from-source --loglevel=error \
			--nodedir="$$(node -p 'require("path").resolve(process.execPath, "../..")')" \
		&& touch node_modules/.installed; \
	fi

# drizzle-orm 1.0 (relational queries v2) for the rewrite's v2 output: its fixtures' tsc check and the
# AFTER side of the v2 equivalence cases (tests/rewrite_ts/test_prisma_drizzle_v2_*.py). Same install as
# tests/node_prisma (better-sqlite3 built from source).
NODE_DRIZZLE_V2 := tests/node_drizzle_v2/node_modules/.installed

$(NODE_DRIZZLE_V2): tests/node_drizzle_v2/package-lock.json
	if command -v npm >/dev/null 2>&1; then \
		cd tests/node_drizzle_v2 && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
		&& npm rebuild better-sqlite3 --build-from-source --loglevel=error \
			--nodedir="$$(node -p 'require("path").resolve(process.execPath, "../..")')" \
		&& touch node_modules/.installed; \
	fi

test: $(STAMP) $(NODE_TOOLS) $(NODE_PRISMA) $(NODE_DRIZZLE_V2)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench_inspect_postgres.py
	$(BIN)/python bench/bench_inspect_sqlite.py
	$(BIN)/python bench/bench_inspect_prisma.py $(if $(PRISMA_WASM),--node-modules $(PRISMA_WASM))
	$(BIN)/python bench/bench_inspect_drizzle.py
	$(BIN)/python bench/bench_diff.py
	$(BIN)/python bench/bench_expressions.py
	$(BIN)/python bench/bench_rewrite.py
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_copy.py
	$(BIN)/python bench/bench_verify_data.py

# Real-world accuracy: migrator against hand-checked figures of pinned public repositories
# (bench/realworld/manifest.toml), checkouts in $$MIGRATOR_REALWORLD/<entry>; see docs/accuracy.md.
accuracy: $(STAMP)
	@test -n "$$MIGRATOR_REALWORLD" || { echo "accuracy: MIGRATOR_REALWORLD is not set (the folder holding the checkouts; see docs/accuracy.md)" >&2; exit 2; }
	$(BIN)/python bench/realworld/run.py

# Other schema-diff tools' PostgreSQL test cases through `migrator diff --emit sql` (docs/peer-suites.md);
# checkouts in $$MIGRATOR_PEER_SUITES (bench/peer_suites/fetch.sh fills it). PEER_ARGS="--write docs/peer-suites.md -v" etc.
peer-suites: $(STAMP)
	@test -n "$$MIGRATOR_PEER_SUITES" || { echo "peer-suites: MIGRATOR_PEER_SUITES is not set (the folder bench/peer_suites/fetch.sh fills; see docs/peer-suites.md)" >&2; exit 2; }
	$(BIN)/python bench/peer_suites/run.py --jobs $(or $(PEER_JOBS),8) $(PEER_ARGS)

golden: $(STAMP)
	$(BIN)/python tests/render/regen_golden.py
	$(BIN)/python tests/report/regen_golden.py
	$(BIN)/python tests/rewrite/regen_golden.py
	$(BIN)/python tests/data/regen_copy_golden.py

clean:
	rm -rf $(VENV) .pytest_cache
