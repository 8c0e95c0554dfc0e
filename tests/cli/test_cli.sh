#!/usr/bin/env bash
# test_cli.sh: the command line as a user meets it — help, misuse (exit 2), init, users,
# organisations, tokens, backup and audit verify — on a fresh SQLite database
# (or the PostgreSQL database in TOLV_TEST_DB). Usage: test_cli.sh PATH/TO/tolv
set -uo pipefail
tolv=$1
tmp=$(mktemp -d /tmp/tolv-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
db="sqlite:$tmp/t.db"
n=0
failed=0

check() { # DESCRIPTION EXPECTED_EXIT COMMAND...
	local what=$1 want=$2
	shift 2
	n=$((n + 1))
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "not ok $n - $what: exit $rc, expected $want"
		sed 's/^/#   /' "$tmp/out" "$tmp/err"
		failed=$((failed + 1))
	else
		echo "ok $n - $what"
	fi
}
contains() { # DESCRIPTION FILE PATTERN
	n=$((n + 1))
	if grep -qE -- "$3" "$2"; then echo "ok $n - $1"; else
		echo "not ok $n - $1: /$3/ not in output"; sed 's/^/#   /' "$2"; failed=$((failed + 1)); fi
}

check "--help" 0 "$tolv" --help
contains "--help lists the commands" "$tmp/out" "serve.*init|init"
check "--version" 0 "$tolv" --version
contains "--version prints the version" "$tmp/out" "^tolv [0-9]+\.[0-9]+"
check "no command is misuse" 2 "$tolv"
check "unknown command is misuse" 2 "$tolv" frobnicate
for c in serve init migrate user org token backup audit routes import; do
	check "$c --help" 0 "$tolv" "$c" --help
	contains "$c --help shows usage" "$tmp/out" "^Usage: tolv $c"
done
check "init without --org" 2 "$tolv" init --db "$db" --admin a@b.no
check "init without --admin" 2 "$tolv" init --db "$db" --org X
check "init with a bad e-mail" 2 "$tolv" init --db "$db" --org "Lister" --admin not-an-email
check "serve with a bad --listen" 2 "$tolv" serve --db "$db" --listen nonsense
check "serve with a port out of range" 2 "$tolv" serve --db "$db" --listen 127.0.0.1:70000
check "unknown option" 2 "$tolv" user list --frob --db "$db"
check "--db without a value" 2 "$tolv" org list --db
check "a database URL of an unknown kind" 1 "$tolv" org list --db "mysql://x"

check "init" 0 "$tolv" init --db "$db" --org "Lister kommune" --admin Admin@Lister.no
contains "init prints a one-time password" "$tmp/out" "One-time password.*: [A-Za-z0-9]{16}$"
check "init again is harmless" 0 "$tolv" init --db "$db" --org "Lister kommune" --admin admin@lister.no
check "migrate on a current schema" 0 "$tolv" migrate --db "$db"
contains "migrate says nothing was applied" "$tmp/out" "Applied 0 migrations"
check "org add" 0 "$tolv" org add "Vest klinikk" --db "$db"
check "org add twice" 1 "$tolv" org add "Vest klinikk" --db "$db"
check "org list" 0 "$tolv" org list --db "$db"
contains "org list shows both" "$tmp/out" "Vest klinikk"
check "user add without --role" 2 "$tolv" user add t@lister.no --org "Lister kommune" --db "$db"
check "user add with an unknown role" 2 "$tolv" user add t@lister.no --org "Lister kommune" --role boss --db "$db"
check "user add to an unknown org" 1 "$tolv" user add t@lister.no --org "Nowhere" --role therapist --db "$db"
TOLV_USER_PASSWORD=short check "user add with a weak password" 2 env TOLV_USER_PASSWORD=short "$tolv" user add t@lister.no --org "Lister kommune" --role therapist --db "$db"
check "user add" 0 env TOLV_USER_PASSWORD="et langt passord" "$tolv" user add t@lister.no --org "Lister kommune" --role therapist --name "Tove Test" --db "$db"
check "user add twice" 1 env TOLV_USER_PASSWORD="et langt passord" "$tolv" user add t@lister.no --org "Lister kommune" --role therapist --db "$db"
check "user add in a second org" 0 "$tolv" user add t@lister.no --org "Vest klinikk" --role coordinator --db "$db"
check "user list --org" 0 "$tolv" user list --org "Lister kommune" --db "$db"
contains "user list shows the therapist" "$tmp/out" "t@lister.no[[:space:]]+therapist[[:space:]]+active"
check "token for a user in two orgs needs --org" 2 "$tolv" token create t@lister.no --db "$db"
check "token create" 0 "$tolv" token create t@lister.no --org "Vest klinikk" --db "$db"
contains "token printed" "$tmp/out" "^tolv_[A-Za-z0-9_-]{40,}$"
check "user disable" 0 "$tolv" user disable t@lister.no --db "$db"
check "user list shows disabled" 0 "$tolv" user list --org "Lister kommune" --db "$db"
contains "disabled state" "$tmp/out" "t@lister.no[[:space:]]+therapist[[:space:]]+disabled"
check "user passwd for an unknown user" 1 "$tolv" user passwd nobody@lister.no --db "$db"
check "user passwd" 0 "$tolv" user passwd t@lister.no --db "$db"
contains "new one-time password" "$tmp/out" "One-time password"
check "audit verify" 0 "$tolv" audit verify --db "$db"
contains "audit verify counts entries" "$tmp/out" "verifies: [0-9]+ entries"
if [[ "$db" == sqlite:* ]]; then
	check "backup" 0 "$tolv" backup "$tmp/copy.db" --db "$db"
	check "backup refuses to overwrite" 1 "$tolv" backup "$tmp/copy.db" --db "$db"
	check "the backup opens and has the users" 0 "$tolv" user list --org "Lister kommune" --db "sqlite:$tmp/copy.db"
	contains "backup content" "$tmp/out" "t@lister.no"
	check "the backup's audit log verifies" 0 "$tolv" audit verify --db "sqlite:$tmp/copy.db"
fi
check "routes prints JSON" 0 "$tolv" routes
contains "routes has /healthz" "$tmp/out" '"/healthz"'

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
