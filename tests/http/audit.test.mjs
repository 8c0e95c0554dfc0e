// audit: log-ins, failed log-ins and user creation are recorded; the organisation's
// auditor sees them (page, CSV, API) and another organisation does not; reads of a user
// are recorded too; the hash chain verifies.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoForeign } from '../lib/checks.mjs';
import { Client } from '../lib/client.mjs';
import { text } from '../lib/html.mjs';
import { entriesOf, listUsers, MARK_A, ORG_A, startInstance } from '../lib/instance.mjs';

let inst, auditor, foreign;
const NEW_EMAIL = 'revidert@alfa.example';

before(async () => {
	inst = await startInstance({ cast: ['admin', 'therapist', 'auditor', 'foreignAdmin'] });
	// What should be recorded: a log-in and a failed log-in of the therapist, and a user
	// made in the web form by the administrator.
	await inst.login('therapist');
	const bad = await new Client(inst.base).loginPost(inst.users.therapist.email, 'Helt-feil-passord-1');
	assert.notEqual(bad.status, 303);
	const admin = await inst.login('admin');
	const r = await admin.submit('/users/new', { email: NEW_EMAIL, name: 'Revi Dert', role: 'therapist' }, '/users');
	assert.ok(r.status === 303 || r.status === 200, `creating a user: ${r.status}`);
	assert.ok(listUsers(inst, ORG_A).some((u) => u.email === NEW_EMAIL), 'the user was not created');
	auditor = await inst.login('auditor');
	foreign = await inst.login('foreignAdmin');
});
after(async () => {
	await inst?.stop();
});

const A_MARKERS = () => [MARK_A, inst.users.therapist.email, inst.users.admin.email, inst.users.auditor.email, NEW_EMAIL];

test('the API audit list has login, login.failed and user.create for the auditor', async () => {
	const r = await inst.api('auditor').get('/api/v1/audit?limit=1000');
	assert.equal(r.status, 200, r.text);
	const list = entriesOf(r.data);
	const find = (action, pred = () => true) => list.find((e) => e.action === action && pred(e));
	const who = inst.users.therapist.email;
	assert.ok(find('login', (e) => JSON.stringify(e).includes(who)), `no "login" of ${who}: ${r.text.slice(0, 800)}`);
	assert.ok(find('login.failed', (e) => JSON.stringify(e).includes(who)), `no "login.failed" of ${who}`);
	assert.ok(find('user.create', (e) => JSON.stringify(e).includes(inst.users.admin.email)), 'no "user.create" by the administrator');
	for (const e of list) assert.ok(!JSON.stringify(e).includes('Helt-feil-passord-1'), 'the audit log holds a typed password');
});

test('the /audit page shows them to the auditor', async () => {
	const r = await auditor.get('/audit');
	assert.equal(r.status, 200);
	const t = text(r.text);
	assert.ok(t.includes(NEW_EMAIL) || t.includes('Revi Dert') || t.includes(inst.users.admin.email), 'the user creation does not appear');
	assert.ok(t.includes(inst.users.therapist.email), 'the log-in of the therapist does not appear');
	assert.ok(!t.includes('Helt-feil-passord-1'));
});

test('/audit.csv is CSV with the same entries', async () => {
	const r = await auditor.get('/audit.csv');
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type') || '', /^text\/csv/);
	assert.match(r.headers.get('content-disposition') || '', /attachment/);
	const lines = r.text.trim().split(/\r?\n/);
	for (const l of lines) assert.ok(!/^[=+\-@]/.test(l), `a CSV line starts with a formula character: ${l}`);
	assert.ok(r.text.includes('user.create'), 'no user.create in the CSV');
	for (const a of ['login', 'login.failed']) assert.ok(new RegExp(`(^|[,;"])${a.replace('.', '\\.')}([,;"]|$)`, 'm').test(r.text), `no ${a} in the CSV`);
	assert.ok(r.text.includes(inst.users.therapist.email), 'the therapist does not appear in the CSV');
});

test('another organisation sees none of it (page, CSV, API)', async () => {
	for (const p of ['/audit', '/audit.csv']) {
		const r = await foreign.get(p);
		assert.equal(r.status, 200, `${p}: ${r.status}`);
		assertNoForeign(r.text, A_MARKERS(), `${p} as the other organisation's admin`);
	}
	const api = await inst.api('foreignAdmin').get('/api/v1/audit?limit=1000');
	assert.equal(api.status, 200);
	assertNoForeign(api.text, A_MARKERS(), '/api/v1/audit as the other organisation');
});

test('a therapist may not read the audit log', async () => {
	const c = await inst.login('therapist');
	assert.equal((await c.get('/audit')).status, 403);
	assert.equal((await c.get('/audit.csv')).status, 403);
});

test('reading a user through the API is recorded', async () => {
	const id = inst.users.therapist.id;
	const count = async () => {
		const r = await inst.api('auditor').get('/api/v1/audit?limit=1000');
		return entriesOf(r.data).filter((e) => String(e.object_id) === String(id) && e.object_type === 'user' && !/^login/.test(e.action)).length;
	};
	const before = await count();
	const r = await inst.api('admin').get(`/api/v1/users/${id}`);
	assert.equal(r.status, 200);
	assert.equal(await count(), before + 1, 'GET /api/v1/users/{id} wrote no audit entry');
});

test('tolv audit verify: the chain verifies', () => {
	const r = inst.cli(['audit', 'verify']);
	assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
	assert.match(r.stdout, /verif/i);
});
