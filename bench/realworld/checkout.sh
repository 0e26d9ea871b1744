#!/bin/sh
# Make the accuracy harness's checkouts from bare git mirrors:
#   MIGRATOR_REALWORLD=/path/to/realworld bench/realworld/checkout.sh DIR
# DIR holds one bare git directory per repository of manifest.toml, at DIR/owner+name/repo,
# DIR/owner+name or DIR/owner/name.git. Each entry is cloned (no work tree) into
# $MIGRATOR_REALWORLD/<entry name> (or the entry's `checkout` folder) and its pinned commit checked out;
# run.py does the work.
# Mirrors needed (owner/name -> entry @ pinned commit; the commits are read from manifest.toml,
# this list only says what to fetch). Commits off the default branch need the mirror's other
# branches too: swipestats-swiperank is on Boe-Ventures/swipestats.io branch codex/swipe-rank.
#   shadcn-ui/taxonomy
#       taxonomy @ 651f984e52edd65d40ccd55e299c1baeea3ff017
#   imkdw/imkdw-dev-server
#       imkdw-dev-server @ 679f8a74e2e3e7e48eacac0c01e2f4017e528163
#   longphics/sharemeup-api
#       sharemeup-api @ 763bf8520876cd50821173cfd7eb537f51d6933d
#   nextjs/saas-starter
#       saas-starter @ e0dc5d40ce26c01672557912b533d25e32957ad4
#   Zyrakia/wishlist
#       wishlist @ db558124c643ae28b06355a69b5b09b14768ee8c
#   wesleynw/splajompy-ts
#       splajompy-ts @ fcae09909129c0d00f442a5ec76f4bd8415d2ff4
#       splajompy-ts-2f7be96 @ 2f7be967084f6faeee28cec592dc32093336704b
#   wesleynw/splajompy
#       splajompy @ e4ade3b8f5ae88cfc64aff733a18ea67ef2b6d31
#   foresthpark/pg-test
#       pg-test @ acceef2fff2bc42a596ef0728e32800dbc80dedd
#   ZKey-Taken/Intro-to-drizzle
#       intro-to-drizzle @ a2481ac88e8326ba483a09656c3fb3a0c23d1b10
#   Andeveling/glasify-lite
#       glasify-1849fe2 @ 1849fe2b54178ed77379e0de1671ea1832d8b5f9
#       glasify-1ea87b3 @ 1ea87b367957a319699653f8ac32bbc918ea08e2
#       glasify-0debbf3 @ 0debbf372ac27f7d32214dda0027946338a7aa01
#       glasify-19d4bd6 @ 19d4bd6bd1e160685c031f6cfb12536bd812ced4
#   miguelgrinberg/flasky
#       flasky @ 3beedd640b9146b0bd65c8c2ecf402b01798bc33
#   miguelgrinberg/microblog
#       microblog @ a975ef64864354867c88e0ed3a17ba7d17dca752
#   spiral-project/ihatemoney
#       ihatemoney @ 52e5720ec78d32eab963cd7e73d4826ae3a16950
#   HXLStandard/hxl-proxy
#       hxl-proxy @ 567c8c65f5efa593029c11854b75db24b720ac18
#   Dokploy/dokploy
#       dokploy @ 772b76821771c53b072c2fbb95cf8876e1a65ae4
#   marco-pedraza/tms
#       tms @ 7a0d2fdd3414a598ffa798897685a146997aa69b
#   Boe-Ventures/swipestats.io
#       swipestats @ 5c0851b1c8ea1dbcfcc7dc79fab2f22b8e671327
#       swipestats-swiperank @ 4ebf0905331ea527ada133322f2dfb7f764c1a5e
#   ghostfolio/ghostfolio
#       ghostfolio @ c542997d27990365b607c7a6c9fe4bc8835a55c8
#   documenso/documenso
#       documenso @ 75330166cc00b29c14399bc2e391e4b4d8080c00
#   lukevella/rallly
#       rallly @ c629b3148024e40a115a731d3660d725c9329b0e
#   mfts/papermark
#       papermark @ 7ff2e657ed09b56f0afcc863a5db52d0debd2e6a
#   epicweb-dev/epic-stack
#       epic-stack @ f64d690722d8260a055bb63b042de877ab3f6a18
#   openstatusHQ/openstatus
#       openstatus @ 22df52eb0dbdafbad2c3fa41269f7a3a3cbf044b
#   tiangolo/full-stack-fastapi-postgresql
#       fastapi-postgresql @ 2d92cd70a47606070c079bd4512f7bff124e743f
#   ckan/ckan  (one checkout, folder ckan, shared by the entries ckan-model and ckan-logic through
#   `checkout = "ckan"`; the mirror must also hold the conversion commit 8ddc2e800793d683c856b4a56f3d3f0ad3f1d168,
#   on master, for bench/realworld/compare_commit.py)
#       ckan @ d1cbc10a4189683f84efb2374cb24600652230ea
# Real-data entries ([entry.data]): only the database file is extracted (git cat-file blob COMMIT:PATH).
#   lerocha/chinook-database
#       chinook-data @ 7f67772503d71ba90f19283c38e93923addb43fa  (ChinookDatabase/DataSources/Chinook_Sqlite.sqlite)
#   MarlonChi/book-wise
#       book-wise-data @ f8b78cb20f4ec1090953bff31f32cae3db2c5898  (prisma/dev.db)
#   MarilliaNunes/habits-nlw-setup
#       habits-nlw-data @ efa912d24213c0835b8dcb16c98c22fdd05c9a53  (prisma/dev.db)
#   MaulikChopra/auctions-cs50web
#       auctions-cs50web-data @ d98ad78d5ff40806f659bdd2ce4b4ed1310f4e94  (db.sqlite3)
#   Aakash447/drizzle-sqlite
#       drizzle-sqlite-data @ 6f600d5de3a03d84e89e07970240f2da3d6d4ee2  (local.db)
#   Marieee08/FabLABS
#       fablabs-data @ f512d8e08067461f4a4d4497521f6d785e6d1d85  (prisma/dev.db)
set -eu
if [ $# -ne 1 ]; then echo "usage: MIGRATOR_REALWORLD=DIR $0 MIRRORS_DIR" >&2; exit 2; fi
here=$(dirname "$0")
py=${PYTHON:-$here/../../.venv/bin/python}
[ -x "$py" ] || py=python3
exec "$py" "$here/run.py" --checkout-from-mirrors "$1"
