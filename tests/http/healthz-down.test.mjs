// healthz-down: /healthz answers 503 while the database is unreachable and 200 again once
// it is back, without restarting tolv. Uses a PostgreSQL of its own (scripts/pg-temp.sh),
// stopped and started under the running server; skipped when PostgreSQL is not installed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, poll, removeDir, ROOT, startServer, statusOf, tolv } from '../lib/tolv.mjs';

function pgBindir() {
	try {
		const d = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
		if (fs.existsSync(path.join(d, 'pg_ctl'))) return d;
	} catch {
		/* no pg_config */
	}
	const base = '/usr/lib/postgresql';
	if (!fs.existsSync(base)) return null;
	const v = fs.readdirSync(base).sort((a, b) => Number(b) - Number(a))[0];
	return v && fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')) ? path.join(base, v, 'bin') : null;
}

const BIN = pgBindir();
const asPg = (args) => (process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)]);
function pgCtl(dir, ...args) {
	const [cmd, a] = asPg([path.join(BIN, 'pg_ctl'), '-D', path.join(dir, 'data'), ...args]);
	const r = spawnSync(cmd, a, { encoding: 'utf8', timeout: 60_000 });
	if (r.status !== 0) throw new Error(`pg_ctl ${args.join(' ')}: ${r.stderr}${r.stdout}`);
}

let pgDir, url, server, tmp;
before(async () => {
	if (!BIN) return;
	tmp = makeTempDir();
	pgDir = path.join('/tmp', `tolv-pg-healthz-${process.pid}`);
	const r = spawnSync(path.join(ROOT, 'scripts', 'pg-temp.sh'), ['start', pgDir, '--fast'], { encoding: 'utf8', timeout: 120_000 });
	if (r.status !== 0) throw new Error(`pg-temp.sh start: ${r.stderr}`);
	url = r.stdout.trim();
	tolv(['init', '--db', url, '--org', 'Testkommune Helse', '--admin', 'admin@helse.example'], {
		env: { TOLV_ADMIN_PASSWORD: 'Testpassord-for-tolv-42' },
		check: true,
	});
	server = await startServer(url);
});
after(async () => {
	try {
		if (server && !server.exitInfo) await server.stop();
	} finally {
		if (pgDir) spawnSync(path.join(ROOT, 'scripts', 'pg-temp.sh'), ['stop', pgDir], { timeout: 120_000 });
		removeDir(tmp);
	}
});

test('healthz: 503 while PostgreSQL is down, 200 again when it is back', { skip: !BIN && 'PostgreSQL is not installed' }, async () => {
	assert.equal(await statusOf(`${server.base}/healthz`), 200);
	pgCtl(pgDir, 'stop', '-m', 'immediate', '-w', '-t', '30');
	await poll(async () => (await statusOf(`${server.base}/healthz`, 5000)) === 503, { timeout: 15_000, every: 200, what: '/healthz to answer 503' });
	// The rest of the site says so too, instead of hanging or crashing.
	const page = await fetch(`${server.base}/login`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status, () => 0);
	assert.ok(page === 200 || page === 503, `GET /login with the database down: ${page}`);
	const api = await fetch(`${server.base}/api/v1/me`, {
		headers: { authorization: 'Bearer tolv_' + 'x'.repeat(43) },
		signal: AbortSignal.timeout(10_000),
	}).then((r) => r.status, () => 0);
	assert.equal(api, 503, `the API with the database down: ${api}`);
	assert.equal(server.exitInfo, null, 'tolv exited when the database went away');
	pgCtl(pgDir, 'start', '-w', '-t', '60', '-l', path.join(pgDir, 'server.log'));
	await poll(async () => (await statusOf(`${server.base}/healthz`, 5000)) === 200, { timeout: 30_000, every: 200, what: '/healthz to recover' });
	assert.equal((await fetch(`${server.base}/login`)).status, 200);
});
