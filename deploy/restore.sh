#!/usr/bin/env bash
# Restore a dump written by deploy/backup.sh into DATABASE_URL, replacing what is there.
#
#   DATABASE_URL=postgres://... deploy/restore.sh /srv/twirevents/backups/twirevents-X.dump --yes
#
# Stop the gunicorn instances and timers first (systemctl stop 'twirevents*'), start them
# after. One transaction: a failing restore leaves the database as it was. Then the pages'
# data version is bumped (run from the app directory, with its settings in the environment),
# as the restore wrote past the services that bump it.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must be set (postgres://...)}"
dump="${1:?usage: restore.sh DUMP --yes}"
[ -r "$dump" ] || { echo "restore.sh: cannot read $dump" >&2; exit 2; }
if [ "${2:-}" != "--yes" ]; then
  echo "restore.sh: this replaces the data in the database; add --yes to go on" >&2
  exit 2
fi
pg_restore --list "$dump" >/dev/null
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
  --exit-on-error --dbname="$DATABASE_URL" "$dump"
echo "restored $dump"
if [ -x .venv/bin/python ] && [ -f manage.py ]; then
  .venv/bin/python manage.py shell --verbosity 0 -c \
    "from calendar_app.models.content import data_version_bump; data_version_bump()" \
    || echo "restore.sh: pages cached before the restore stay until the next write" >&2
fi
