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

# The network report (issue 7): an aggregate file from this database into a second data
# folder (always SQLite), replaced on a second import; a bad file changes nothing.
nb="sqlite:$tmp/network-b.db"
check "network --help" 0 "$tolv" network --help
contains "network --help shows usage" "$tmp/out" "^Usage: tolv network"
contains "--help lists network" <("$tolv" --help) "^  network "
check "network export without --org" 2 "$tolv" network export --from 2025-01-01 --to 2025-03-31 --db "$db"
check "network export with a bad date" 2 "$tolv" network export --org "Lister kommune" --from 2025-02-30 --to 2025-03-31 --db "$db"
check "network export with an unknown template" 2 "$tolv" network export --org "Lister kommune" --from 2025-01-01 --to 2025-03-31 --template nope --db "$db"
check "network export" 0 "$tolv" network export --org "Lister kommune" --from 2025-01-01 --to 2025-03-31 --label "Agder test" -o "$tmp/lister.json" --db "$db"
contains "the file says its format" "$tmp/lister.json" '"format": "tolv-network"'
contains "the file names the installation" "$tmp/lister.json" '"installation": "Agder test"'
check "network export refuses to overwrite" 1 "$tolv" network export --org "Lister kommune" --from 2025-01-01 --to 2025-03-31 -o "$tmp/lister.json" --db "$db"
check "a second data folder" 0 "$tolv" init --db "$nb" --org "Vest" --admin admin@vest.no
check "network import" 0 "$tolv" network import "$tmp/lister.json" --db "$nb"
contains "the import is stored" "$tmp/out" "^Stored import [0-9]+"
check "network list" 0 "$tolv" network list --db "$nb"
contains "the list shows it" "$tmp/out" "Agder test[[:space:]]+Lister kommune[[:space:]]+municipal_day_treatment[[:space:]]+2025-01-01[[:space:]]+2025-03-31"
check "network import again" 0 "$tolv" network import "$tmp/lister.json" --db "$nb"
contains "the same file replaces the import" "$tmp/out" "^Replaced import"
sed 's/"enrolments": 0/"enrolments": 2/' "$tmp/lister.json" >"$tmp/bad.json"
check "network import of a bad file" 1 "$tolv" network import "$tmp/bad.json" --db "$nb"
contains "the error names the field" "$tmp/err" 'figures.enrolments: a count of 1-4 must be written as "<5"; nothing was imported'
sed 's/"from": "2025-01-01"/"from": "2025-01-02"/' "$tmp/bad.json" >"$tmp/bad2.json"
check "a bad file of another period" 1 "$tolv" network import "$tmp/bad2.json" --db "$nb"
printf '{"format": "tolv-network"' >"$tmp/cut.json"
check "network import of a cut file" 1 "$tolv" network import "$tmp/cut.json" --db "$nb"
contains "the error says JSON" "$tmp/err" "not valid JSON"
check "network import of a missing file" 1 "$tolv" network import "$tmp/none.json" --db "$nb"
check "network list after the bad files" 0 "$tolv" network list --db "$nb"
n=$((n + 1))
if [ "$(grep -c . "$tmp/out")" -eq 1 ] && ! grep -q "2025-01-02" "$tmp/out"; then echo "ok $n - nothing stored by a bad file"; else
	echo "not ok $n - nothing stored by a bad file"; sed 's/^/#   /' "$tmp/out"; failed=$((failed + 1)); fi
id=$(cut -f1 "$tmp/out")
check "network remove" 0 "$tolv" network remove "$id" --db "$nb"
check "network remove again" 1 "$tolv" network remove "$id" --db "$nb"
check "network remove without an id" 2 "$tolv" network remove --db "$nb"
check "network join" 0 "$tolv" network join --org "Vest" --db "$nb"
check "network leave" 0 "$tolv" network leave --org "Vest" --db "$nb"
check "the second folder's audit log verifies" 0 "$tolv" audit verify --db "$nb"


# An organisation's own questionnaire definitions (issue 6; docs/questionnaires.md).
qdir=$(cd "$(dirname "$0")/../../data/questionnaires" && pwd)
contains "--help lists questionnaire" <("$tolv" --help) "^  questionnaire "
check "questionnaire --help" 0 "$tolv" questionnaire --help
contains "questionnaire --help shows usage" "$tmp/out" "^Usage: tolv questionnaire"
check "questionnaire without a subcommand" 2 "$tolv" questionnaire
check "questionnaire check without a file" 2 "$tolv" questionnaire check
check "questionnaire load without --org" 2 "$tolv" questionnaire load "$qdir/audit.json" --db "$db"
check "questionnaire check of a built-in" 0 "$tolv" questionnaire check "$qdir/audit.json"
contains "check says what it is" "$tmp/out" "a valid definition of audit, version 1, 10 items"
python3 - "$qdir/audit.json" "$tmp" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["version"] = 7
d["items"][0]["label"]["nb"] = "Hvor ofte drikker du alkohol (lisensiert tekst)?"
d["zones"][0]["max"] = 5
d["zones"][1]["min"] = 6
d["cutoffs"][0]["min"] = 6
json.dump(d, open(sys.argv[2] + "/own.json", "w", encoding="utf-8"), ensure_ascii=False)
e = dict(d); e["items"] = d["items"][:9]; e["scoring"] = dict(d["scoring"], items=[str(i) for i in range(1, 10)])
e["zones"] = [dict(z) for z in d["zones"]]; e["zones"][-1]["max"] = 36
json.dump(e, open(sys.argv[2] + "/nine.json", "w", encoding="utf-8"), ensure_ascii=False)
f = dict(d); f["id"] = "phq-9"
json.dump(f, open(sys.argv[2] + "/phq.json", "w", encoding="utf-8"), ensure_ascii=False)
g = json.loads(json.dumps(d)); g["cutoffs"][0]["min"] = 0
json.dump(g, open(sys.argv[2] + "/zero.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
check "questionnaire check of an organisation's file" 0 "$tolv" questionnaire check "$tmp/own.json"
check "questionnaire check of a file with 9 items" 1 "$tolv" questionnaire check "$tmp/nine.json"
contains "the error names the item count" "$tmp/err" "items: audit has 10 items and this file has 9; a replacement must have the same 10 items"
check "questionnaire check of a new instrument" 1 "$tolv" questionnaire check "$tmp/phq.json"
contains "the error names the id" "$tmp/err" "id: 'phq-9' is not one of tolv's questionnaires"
check "questionnaire check of a broken cut-off" 1 "$tolv" questionnaire check "$tmp/zero.json"
contains "the loader's error has its path" "$tmp/err" "cutoffs\[0\]\.min"
check "questionnaire check of a missing file" 1 "$tolv" questionnaire check "$tmp/none.json"
check "questionnaire load of a bad file" 1 "$tolv" questionnaire load --org "Lister kommune" "$tmp/nine.json" --db "$db"
contains "a bad file loads nothing" "$tmp/err" "nothing was loaded"
check "questionnaire load for an unknown organisation" 1 "$tolv" questionnaire load --org "Nowhere" "$tmp/own.json" --db "$db"
check "questionnaire load" 0 "$tolv" questionnaire load --org "Lister kommune" "$tmp/own.json" --db "$db"
contains "load says loaded" "$tmp/out" "^Loaded audit version 7 for Lister kommune"
check "questionnaire load again" 0 "$tolv" questionnaire load --org "Lister kommune" "$tmp/own.json" --db "$db"
contains "loading again replaces" "$tmp/out" "^Replaced audit version 7"
check "questionnaire list" 0 "$tolv" questionnaire list --org "Lister kommune" --db "$db"
contains "the list shows the own audit" "$tmp/out" "^audit[[:space:]]+own[[:space:]]+version 7[[:space:]]+sha256 [0-9a-f]{12}.*by the command line"
contains "the list shows the built-in dudit" "$tmp/out" "^dudit[[:space:]]+built-in[[:space:]]+version 1"
check "questionnaire list of another organisation" 0 "$tolv" questionnaire list --org "Vest klinikk" --db "$db"
contains "another organisation has the built-in audit" "$tmp/out" "^audit[[:space:]]+built-in"
check "questionnaire remove of an unknown id" 2 "$tolv" questionnaire remove --org "Lister kommune" phq-9 --db "$db"
check "questionnaire remove of a built-in it does not replace" 1 "$tolv" questionnaire remove --org "Lister kommune" dudit --db "$db"
check "questionnaire remove" 0 "$tolv" questionnaire remove --org "Lister kommune" audit --db "$db"
check "questionnaire list after remove" 0 "$tolv" questionnaire list --org "Lister kommune" --db "$db"
contains "the built-in applies again" "$tmp/out" "^audit[[:space:]]+built-in"
check "questionnaire remove again" 1 "$tolv" questionnaire remove --org "Lister kommune" audit --db "$db"
check "the audit log verifies after the questionnaire commands" 0 "$tolv" audit verify --db "$db"

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
