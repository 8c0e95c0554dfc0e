// tolv.mjs: runs the tolv binary for the node suites — finds it, makes a fresh database
// (SQLite file, or a new PostgreSQL database on the server of TOLV_TEST_DB), runs CLI
// commands, starts `tolv serve` on a free loopback port and stops it with SIGTERM.
//
// Environment:
//   TOLV_BIN       the binary (default: build/tolv, else the first build*/tolv found)
//   TOLV_TEST_DB   postgresql://... : each instance gets its own new database on that
//                  server (CREATE DATABASE through psql, dropped at the end);
//                  anything else / unset: a fresh sqlite: file in a temp folder
//   TOLV_TEST_KEEP=1  keep temp folders (and PostgreSQL databases) for a post-mortem
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const KEEP = process.env.TOLV_TEST_KEEP === '1';

// ---------------------------------------------------------------------------------------
// Clean-up of everything we start, even when a test throws or the runner is interrupted.
const live = new Set(); // child processes
const cleanups = []; // synchronous last-resort clean-ups (drop databases, remove folders)

function killAll() {
	for (const p of live) {
		try {
			p.kill('SIGKILL');
		} catch {
			/* already gone */
		}
	}
	live.clear();
	while (cleanups.length) {
		try {
			cleanups.pop()();
		} catch {
			/* best effort */
		}
	}
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.once(sig, () => {
		killAll();
		process.exit(128 + (os.constants.signals[sig] || 0));
	});
}

// ---------------------------------------------------------------------------------------
export function tolvBin() {
	if (process.env.TOLV_BIN) {
		const b = path.resolve(ROOT, process.env.TOLV_BIN);
		if (!fs.existsSync(b)) throw new Error(`TOLV_BIN=${process.env.TOLV_BIN}: no such file`);
		return b;
	}
	const def = path.join(ROOT, 'build', 'tolv');
	if (fs.existsSync(def)) return def;
	for (const d of fs.readdirSync(ROOT).filter((d) => d.startsWith('build')).sort()) {
		const b = path.join(ROOT, d, 'tolv');
		if (fs.existsSync(b)) return b;
	}
	throw new Error('no tolv binary: build it (meson setup build && ninja -C build) or set TOLV_BIN');
}

export function makeTempDir(prefix = 'tolv-test-') {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	// Removed at exit even when the test is interrupted (removeDir does it earlier).
	cleanups.push(() => removeDir(dir));
	return dir;
}

export function removeDir(dir) {
	if (!KEEP && dir) fs.rmSync(dir, { recursive: true, force: true });
}

export function isPgUrl(url) {
	return /^postgres(ql)?:\/\//.test(url || '');
}

/** Runs psql on a URL with one SQL command; throws with psql's message on failure. */
export function psql(url, sql) {
	const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
		encoding: 'utf8',
		timeout: 60_000,
	});
	if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr || r.error}`);
	return r.stdout;
}

/**
 * A fresh, empty database URL. With a PostgreSQL TOLV_TEST_DB (or opts.pgServer), a new
 * database with a random name on that server; else a SQLite file under dir.
 * Returns { url, drop() }.
 */
export function freshDatabase(dir, opts = {}) {
	const server = opts.pgServer ?? process.env.TOLV_TEST_DB;
	if (isPgUrl(server)) {
		const name = `tolv_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
		psql(server, `CREATE DATABASE "${name}"`);
		const u = new URL(server);
		u.pathname = '/' + name;
		let dropped = false;
		const drop = () => {
			if (dropped || KEEP) return;
			dropped = true;
			try {
				psql(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
			} catch (e) {
				process.stderr.write(`warning: could not drop ${name}: ${e.message}\n`);
			}
		};
		cleanups.push(drop);
		return { url: u.toString(), backend: 'postgresql', drop };
	}
	return { url: `sqlite:${path.join(dir, 'tolv.db')}`, backend: 'sqlite', drop() {} };
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

/**
 * Runs `tolv ARGS` synchronously. Returns { code, stdout, stderr }.
 * opts.env adds variables; opts.check throws unless the exit code is 0.
 */
export function tolv(args, opts = {}) {
	const r = spawnSync(tolvBin(), args, {
		encoding: 'utf8',
		env: { ...process.env, ...(opts.env || {}) },
		timeout: opts.timeout ?? 60_000,
		cwd: ROOT,
	});
	const res = { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
	if (r.error) res.stderr += String(r.error);
	if (opts.check && res.code !== 0) {
		throw new Error(
			`tolv ${args.join(' ')} exited ${res.code ?? res.signal}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`,
		);
	}
	return res;
}

/** Async variant for commands run while the server is up (does not block the loop). */
export function tolvAsync(args, opts = {}) {
	return new Promise((resolve) => {
		const p = spawn(tolvBin(), args, { env: { ...process.env, ...(opts.env || {}) }, cwd: ROOT });
		live.add(p);
		let stdout = '';
		let stderr = '';
		p.stdout.on('data', (d) => (stdout += d));
		p.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeout ?? 60_000);
		p.on('close', (code, signal) => {
			clearTimeout(timer);
			live.delete(p);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn() every `every` ms until it returns a truthy value or `timeout` ms pass. */
export async function poll(fn, { timeout = 10_000, every = 50, what = 'condition' } = {}) {
	const end = Date.now() + timeout;
	let last;
	for (;;) {
		try {
			const v = await fn();
			if (v) return v;
			last = v;
		} catch (e) {
			last = e;
		}
		if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last})`);
		await sleep(every);
	}
}

/** GET url with a short timeout; returns the status, or 0 if no answer. */
export async function statusOf(url, timeout = 2000) {
	try {
		const r = await fetch(url, { signal: AbortSignal.timeout(timeout), redirect: 'manual' });
		await r.arrayBuffer();
		return r.status;
	} catch {
		return 0;
	}
}

/**
 * Starts `tolv serve --db URL --listen 127.0.0.1:PORT` and waits until /healthz answers 200.
 * Returns a server handle { base, port, pid, proc, log(), stop(), kill() }.
 */
export async function startServer(dbUrl, opts = {}) {
	let lastErr;
	for (let attempt = 0; attempt < 3; attempt++) {
		const port = opts.port ?? (await freePort());
		const args = ['serve', '--db', dbUrl, '--listen', `127.0.0.1:${port}`, ...(opts.args || [])];
		const proc = spawn(tolvBin(), args, {
			env: { ...process.env, ...(opts.env || {}) },
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		live.add(proc);
		let output = '';
		const keep = (d) => {
			output += d;
			if (output.length > 200_000) output = output.slice(-100_000);
		};
		proc.stdout.on('data', keep);
		proc.stderr.on('data', keep);
		const exited = new Promise((resolve) =>
			proc.on('exit', (code, signal) => {
				live.delete(proc);
				resolve({ code, signal });
			}),
		);
		let exitInfo = null;
		exited.then((e) => (exitInfo = e));
		const base = `http://127.0.0.1:${port}`;
		const server = {
			base,
			port,
			pid: proc.pid,
			proc,
			exited,
			log: () => output,
			get exitInfo() {
				return exitInfo;
			},
			/** SIGTERM, wait (≤ timeout ms); SIGKILL and throw if it does not stop. */
			async stop(timeout = 10_000) {
				if (exitInfo) return exitInfo;
				proc.kill('SIGTERM');
				let timer;
				const t = new Promise((resolve) => (timer = setTimeout(() => resolve(null), timeout)));
				const r = await Promise.race([exited, t]);
				clearTimeout(timer);
				if (r) return r;
				proc.kill('SIGKILL');
				await exited;
				throw new Error(`tolv serve did not stop within ${timeout} ms of SIGTERM\n${output.slice(-2000)}`);
			},
			/** SIGKILL, no questions asked (the crash test). */
			async kill() {
				if (exitInfo) return exitInfo;
				proc.kill('SIGKILL');
				return exited;
			},
		};
		const deadline = Date.now() + (opts.startTimeout ?? 20_000);
		while (Date.now() < deadline && !exitInfo) {
			if ((await statusOf(`${base}/healthz`, 1000)) === 200) return server;
			await sleep(50);
		}
		if (!exitInfo) {
			await server.kill();
			throw new Error(`tolv serve did not answer /healthz within the time allowed\n${output.slice(-3000)}`);
		}
		lastErr = new Error(`tolv serve exited (${exitInfo.code ?? exitInfo.signal}) before answering:\n${output.slice(-3000)}`);
		// Retry only when the port was taken between freePort() and the bind.
		if (opts.port || !/address|in use|bind|listen/i.test(output)) break;
	}
	throw lastErr;
}
