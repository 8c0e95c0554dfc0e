// crash: tolv is killed with SIGKILL while clients create users through the API, five
// times over; afterwards every user whose creation was answered 201 exists, with its
// user.create audit entry, and the audit hash chain verifies.
//
// The store is the one of TOLV_TEST_DB (a fresh database on that PostgreSQL server) or,
// without it, a fresh SQLite file. Only tolv is killed, never the database server, so a
// PostgreSQL run with fsync=off would pass too; tests/run-node-tests.sh --pg starts one
// with fsync on (the default of scripts/pg-temp.sh).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Api } from '../lib/client.mjs';
import { entriesOf, listUsers, ORG_A, startInstance } from '../lib/instance.mjs';
import { isPgUrl, psql, sleep, startServer } from '../lib/tolv.mjs';

const ROUNDS = Number(process.env.TOLV_CRASH_ROUNDS || 5);
const WRITERS = 4;

let inst;
before(async () => {
	inst = await startInstance({ cast: ['admin', 'auditor'] });
});
after(async () => {
	await inst?.stop();
});

function storeName() {
	if (!isPgUrl(process.env.TOLV_TEST_DB)) return 'SQLite';
	let fsync = '?';
	try {
		fsync = psql(process.env.TOLV_TEST_DB, 'SHOW fsync').trim();
	} catch {
		/* not allowed to ask */
	}
	return `PostgreSQL, fsync=${fsync}`;
}

test(`${ROUNDS} × SIGKILL under writes: every answered write survives (${storeName()})`, { timeout: 240_000 }, async () => {
	const token = inst.token('admin');
	const acked = []; // {email, id, round}
	let server = inst.server;
	let seq = 0;
	for (let round = 1; round <= ROUNDS; round++) {
		const api = new Api(server.base, token);
		let stop = false;
		const errors = { http: {}, net: 0 };
		const writer = async (w) => {
			while (!stop) {
				const email = `krasj-${round}-${w}-${++seq}@alfa.example`;
				let r;
				try {
					r = await api.post('/api/v1/users', { email, name: `Krasj Test ${seq}`, role: 'therapist' });
				} catch {
					errors.net++;
					if (stop) return;
					await sleep(10);
					continue;
				}
				if (r.status === 201) acked.push({ email, id: (r.data.user ?? r.data).id, round });
				else errors.http[r.status] = (errors.http[r.status] || 0) + 1;
			}
		};
		const before = acked.length;
		const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
		const wait = 200 + Math.floor(Math.random() * 600);
		await sleep(wait);
		const killedAt = acked.length;
		await server.kill();
		stop = true;
		await Promise.all(writers);
		const serverErrors = Object.keys(errors.http).filter((s) => Number(s) >= 500);
		assert.deepEqual(serverErrors, [], `round ${round}: server errors before the kill: ${JSON.stringify(errors.http)}`);
		assert.deepEqual(Object.keys(errors.http), [], `round ${round}: unexpected answers: ${JSON.stringify(errors.http)}`);
		process.stderr.write(`  round ${round}: killed after ${wait} ms, ${killedAt - before} writes answered 201\n`);
		server = await startServer(inst.db);
	}
	await server.stop();
	assert.ok(acked.length >= ROUNDS, `only ${acked.length} writes were answered in ${ROUNDS} rounds: the test proves little`);

	// 1. Every acknowledged user is in the database (the CLI reads it directly)…
	const emails = new Set(listUsers(inst, ORG_A).map((u) => u.email));
	const missing = acked.filter((a) => !emails.has(a.email));
	assert.deepEqual(missing, [], `${missing.length} of ${acked.length} users answered 201 are gone`);

	// 2. …and through a restarted server, with the same id…
	const s = await startServer(inst.db);
	try {
		const api = new Api(s.base, token);
		for (const a of acked) {
			const r = await api.get(`/api/v1/users/${a.id}`);
			assert.equal(r.status, 200, `${a.email} (id ${a.id}): ${r.status}`);
			assert.equal((r.data.user ?? r.data).email, a.email);
		}
		// 3. …and its creation is in the audit log.
		const audit = await new Api(s.base, inst.token('auditor')).get('/api/v1/audit?action=user.create&limit=1000');
		assert.equal(audit.status, 200, audit.text.slice(0, 300));
		const list = entriesOf(audit.data);
		const created = new Set(list.filter((e) => e.action === 'user.create').map((e) => String(e.object_id)));
		const unlogged = acked.filter((a) => !created.has(String(a.id)));
		assert.deepEqual(unlogged, [], `${unlogged.length} users answered 201 have no user.create audit entry`);
	} finally {
		await s.stop();
	}

	// 4. The audit chain is whole.
	const v = inst.cli(['audit', 'verify']);
	assert.equal(v.code, 0, `tolv audit verify: ${v.stdout}${v.stderr}`);
	process.stderr.write(`  ${acked.length} acknowledged writes over ${ROUNDS} kills, all present; audit chain verifies\n`);
});
