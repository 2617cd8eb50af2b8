#!/usr/bin/env bash
# Back the PostgreSQL database up with pg_dump (custom format: compressed, restorable table by
# table) into BACKUP_DIR, check the dump is readable, keep the newest BACKUP_KEEP dumps.
#
#   DATABASE_URL=postgres://user:pass@host:port/db BACKUP_DIR=/srv/twirevents/backups \
#     deploy/backup.sh            -> prints the path of the new dump
#
# Restore with deploy/restore.sh. Exit status non-zero (and no partial file left) on failure.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must be set (postgres://...)}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *)
  echo "backup.sh: DATABASE_URL is not PostgreSQL; back an SQLite file up by copying it" >&2
  exit 2;;
esac
BACKUP_DIR="${BACKUP_DIR:-/srv/twirevents/backups}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
mkdir -p "$BACKUP_DIR"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$BACKUP_DIR/twirevents-$stamp.dump"
partial="$final.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --compress=6 --no-owner --no-privileges \
  --file="$partial" --dbname="$DATABASE_URL"
pg_restore --list "$partial" >/dev/null   # a dump pg_restore cannot read is no backup
mv "$partial" "$final"
trap - EXIT
# Keep the newest BACKUP_KEEP dumps (names sort by time).
ls -1 "$BACKUP_DIR"/twirevents-*.dump 2>/dev/null | sort | head -n "-$BACKUP_KEEP" \
  | while read -r old; do rm -f -- "$old"; done
echo "$final"
