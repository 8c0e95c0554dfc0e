#!/usr/bin/env bash
# pg-temp.sh: starts and stops a throw-away PostgreSQL cluster for the tests.
#
#   scripts/pg-temp.sh start DIR [--fast]   prints the URL postgresql://postgres@127.0.0.1:PORT/tolv
#   scripts/pg-temp.sh stop DIR             stops the server and removes DIR
#
# DIR should be under /tmp: as root the server runs as the postgres user (initdb refuses
# root), which cannot enter /root. --fast turns off fsync and synchronous commit: fine
# for functional tests, wrong for the crash tests, which is why it is not the default.
# The URL is the only line on stdout; everything else goes to stderr.
set -euo pipefail

die() { echo "pg-temp.sh: $*" >&2; exit 1; }

usage() {
	echo "usage: $0 start DIR [--fast] | $0 stop DIR" >&2
	exit 2
}

bindir=""
find_bindir() {
	if command -v pg_config >/dev/null 2>&1; then
		bindir=$(pg_config --bindir)
	fi
	# /usr/bin only has client wrappers; the server programs live in the versioned folder.
	if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
		bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	fi
	[ -n "$bindir" ] && [ -x "$bindir/initdb" ] || die "cannot find initdb (is the postgresql package installed?)"
}

# Server programs run as postgres when we are root, directly otherwise.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
	local p i
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 40000))
		if ! port_in_use "$p"; then
			echo "$p"
			return 0
		fi
	done
	die "no free port found"
}

# Stops a server left in DIR by an earlier run (killed before it could stop it).
stop_leftover() {
	local dir=$1
	if [ -f "$dir/data/postmaster.pid" ]; then
		echo "pg-temp.sh: stopping a server left over in $dir" >&2
		as_pg "$bindir/pg_ctl" -D "$dir/data" stop -m immediate -w -t 30 >/dev/null 2>&1 || true
		# pg_ctl gives up on a postmaster it cannot signal; make sure nothing holds the folder.
		local pid
		pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
			grep -q postgres "/proc/$pid/comm" 2>/dev/null; then
			kill -9 "$pid" 2>/dev/null || true
			sleep 0.5
		fi
	fi
}

# Refuses to remove a folder this script did not create.
check_ours() {
	local dir=$1
	[ -d "$dir" ] || return 0
	if [ -n "$(ls -A "$dir" 2>/dev/null)" ] && [ ! -f "$dir/.tolv-pg-temp" ]; then
		die "$dir is not empty and was not made by pg-temp.sh; refusing to touch it"
	fi
}

cmd_start() {
	local dir=$1 fast=$2
	find_bindir
	check_ours "$dir"
	stop_leftover "$dir"
	rm -rf "$dir"
	mkdir -p "$dir"
	touch "$dir/.tolv-pg-temp"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "running as root needs the postgres user"
		chown postgres: "$dir"
		chmod 700 "$dir"
	fi

	local initdb_args=(-D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8)
	if [ "$fast" = 1 ]; then
		initdb_args+=(--no-sync)
	fi
	as_pg "$bindir/initdb" "${initdb_args[@]}" >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }

	# Settings go into postgresql.conf rather than pg_ctl -o, which passes them through a shell.
	local conf="$dir/data/postgresql.conf" base
	base=$(cat "$conf")
	local attempt port=""
	for attempt in 1 2 3 4 5; do
		port=$(pick_port)
		{
			printf '%s\n' "$base"
			echo "listen_addresses = '127.0.0.1'"
			echo "port = $port"
			echo "unix_socket_directories = '$dir'"
			echo "max_connections = 100"
			if [ "$fast" = 1 ]; then
				echo "fsync = off"
				echo "synchronous_commit = off"
				echo "full_page_writes = off"
			fi
		} | as_pg tee "$conf" >/dev/null
		if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1; then
			break
		fi
		port=""
		# Most likely another process took the port between the check and the bind.
		stop_leftover "$dir"
	done
	[ -n "$port" ] || { tail -n 20 "$dir/server.log" >&2 || true; die "server did not start"; }

	local i
	for i in $(seq 1 60); do
		if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; then
			break
		fi
		sleep 0.5
	done
	"$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 5 || die "server not ready on port $port"
	"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres tolv >&2 || die "createdb failed"
	echo "postgresql://postgres@127.0.0.1:$port/tolv"
}

cmd_stop() {
	local dir=$1
	find_bindir
	[ -d "$dir" ] || return 0
	check_ours "$dir"
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_pg "$bindir/pg_ctl" -D "$dir/data" stop -m fast -w -t 60 >/dev/null 2>&1 || stop_leftover "$dir"
	fi
	rm -rf "$dir"
}

[ $# -ge 2 ] || usage
action=$1
dir=$2
[ -n "$dir" ] || usage
case "$dir" in
/*) ;;
*) dir="$PWD/$dir" ;;
esac
[ "$dir" != "/" ] || die "refusing to use /"

case "$action" in
start)
	fast=0
	if [ $# -ge 3 ]; then
		[ "$3" = "--fast" ] || usage
		fast=1
	fi
	cmd_start "$dir" "$fast"
	;;
stop)
	[ $# -eq 2 ] || usage
	cmd_stop "$dir"
	;;
*) usage ;;
esac
