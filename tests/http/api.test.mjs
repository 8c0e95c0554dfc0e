// api: the JSON API under /api/v1 — bearer tokens, the error shape, creating and changing
// users (201/409/422), roles, and organisations kept apart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertApiError, assertNoForeign } from '../lib/checks.mjs';
import { Api } from '../lib/client.mjs';
import { addUser, createToken, listUsers, MARK_B, ORG_A, startInstance, usersOf } from '../lib/instance.mjs';

let inst, admin;
before(async () => {
	inst = await startInstance({ cast: ['admin', 'therapist', 'auditor', 'foreignAdmin', 'foreignTherapist'] });
	admin = inst.api('admin');
});
after(async () => {
	await inst?.stop();
});

const foreignMarkers = () => [MARK_B, inst.users.foreignAdmin.email, inst.users.foreignTherapist.email, inst.orgName.B];

describe('authentication', () => {
	test('no token: 401 with the error shape', async () => {
		const r = await new Api(inst.base).get('/api/v1/me');
		assertApiError(r, 401, 'no token');
	});
	for (const [what, tok] of [
		['an unknown token', 'tolv_' + 'A'.repeat(43)],
		['a token without the prefix', 'A'.repeat(48)],
		['an empty token', ''],
	]) {
		test(`${what}: 401`, async () => {
			const r = await fetch(`${inst.base}/api/v1/me`, { headers: { authorization: `Bearer ${tok}` } });
			const text = await r.text();
			assertApiError({ status: r.status, headers: r.headers, text, data: JSON.parse(text) }, 401, what);
		});
	}
	test('a token with one character changed: 401', async () => {
		const t = inst.token('admin');
		const bad = t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A');
		assertApiError(await new Api(inst.base, bad).get('/api/v1/me'), 401);
	});
	test('a token in the query string is not taken', async () => {
		const r = await new Api(inst.base).get(`/api/v1/me?access_token=${inst.token('admin')}`);
		assertApiError(r, 401);
	});
	test('a good token: 200 with who I am', async () => {
		const r = await admin.get('/api/v1/me');
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers.get('content-type'), /^application\/json/);
		const s = JSON.stringify(r.data);
		assert.ok(s.includes(inst.users.admin.email), `me does not name the user: ${s}`);
		assert.ok(s.includes('admin'), `me does not give the role: ${s}`);
		assert.ok(s.includes(ORG_A), `me does not name the organisation: ${s}`);
		assert.ok(!/password_hash|\$argon2|"password"/i.test(s), `me leaks password material: ${s}`);
	});
	test('the token of a disabled user stops working', async () => {
		addUser(inst, 'deaktiveres@alfa.example', ORG_A, 'admin', 'Dina Deaktiv');
		const api = new Api(inst.base, createToken(inst, 'deaktiveres@alfa.example', ORG_A));
		assert.equal((await api.get('/api/v1/me')).status, 200);
		inst.cli(['user', 'disable', 'deaktiveres@alfa.example'], { check: true });
		assertApiError(await api.get('/api/v1/me'), [401, 403], 'disabled user');
	});
	test('a session cookie alone may read, but not write without X-CSRF-Token', async () => {
		const c = await inst.login('admin');
		const me = await c.get('/api/v1/me', { headers: { accept: 'application/json' } });
		assert.equal(me.status, 200, `GET /api/v1/me with a session: ${me.status}`);
		const w = await c.post('/api/v1/users', { json: { email: 'via-cookie@alfa.example', name: 'Via Cookie', role: 'therapist' } });
		assert.equal(w.status, 403, `a cookie-authenticated API write without a CSRF token: ${w.status}`);
		assert.ok(!listUsers(inst).some((u) => u.email === 'via-cookie@alfa.example'));
	});
});

describe('errors', () => {
	test('an unknown API path: 404 in JSON', async () => {
		assertApiError(await admin.get('/api/v1/no-such-thing'), 404);
	});
	test('a method the route does not take: 405 in JSON', async () => {
		assertApiError(await admin.request('DELETE', '/api/v1/me'), 405);
	});
});

describe('users', () => {
	let created;
	test('POST /api/v1/users: 201 with the new user', async () => {
		const r = await admin.post('/api/v1/users', { email: 'Ny.Behandler@Alfa.example', name: 'Nora Ny', role: 'therapist' });
		assert.equal(r.status, 201, r.text);
		created = r.data.user ?? r.data;
		assert.ok(Number.isInteger(created.id) && created.id > 0, `no id in ${r.text}`);
		assert.equal(created.email, 'ny.behandler@alfa.example', 'the e-mail is not stored lower-case');
		assert.equal(created.name, 'Nora Ny');
		const loc = r.headers.get('location');
		if (loc) assert.match(loc, new RegExp(`/api/v1/users/${created.id}$`));
		assert.ok(!/password_hash|\$argon2/.test(r.text), 'the answer contains a password hash');
		const row = listUsers(inst, ORG_A).find((u) => u.email === 'ny.behandler@alfa.example');
		assert.ok(row, 'not in tolv user list');
		assert.equal(row.role, 'therapist');
	});
	test('GET /api/v1/users/{id}: the user just made', async () => {
		const r = await admin.get(`/api/v1/users/${created.id}`);
		assert.equal(r.status, 200, r.text);
		const u = r.data.user ?? r.data;
		assert.equal(u.id, created.id);
		assert.equal(u.email, 'ny.behandler@alfa.example');
	});
	test('the same e-mail again: 409', async () => {
		const r = await admin.post('/api/v1/users', { email: 'ny.behandler@alfa.example', name: 'Nora To', role: 'therapist' });
		assertApiError(r, 409, 'duplicate');
	});
	for (const [what, body, field] of [
		['no e-mail', { name: 'Uten Epost', role: 'therapist' }, 'email'],
		['a malformed e-mail', { email: 'ikke-en-epost', name: 'Feil Epost', role: 'therapist' }, 'email'],
		['an e-mail with a space', { email: 'a b@alfa.example', name: 'Mellom Rom', role: 'therapist' }, 'email'],
		['an unknown role', { email: 'rolle@alfa.example', name: 'Rolle Feil', role: 'superuser' }, 'role'],
		['a name of 201 characters', { email: 'langt@alfa.example', name: 'n'.repeat(201), role: 'therapist' }, 'name'],
		['a name with a newline', { email: 'linje@alfa.example', name: 'To\nLinjer', role: 'therapist' }, 'name'],
	]) {
		test(`${what}: 422 naming the field`, async () => {
			const r = await admin.post('/api/v1/users', body);
			const e = assertApiError(r, 422, what);
			assert.equal(e.field, field);
		});
	}
	test('none of the refused users was made', () => {
		const emails = listUsers(inst).map((u) => u.email);
		for (const e of ['ikke-en-epost', 'rolle@alfa.example', 'langt@alfa.example', 'linje@alfa.example']) assert.ok(!emails.includes(e), e);
	});
	test('PATCH /api/v1/users/{id} changes the role', async () => {
		const r = await admin.patch(`/api/v1/users/${created.id}`, { role: 'coordinator' });
		assert.equal(r.status, 200, r.text);
		assert.equal(listUsers(inst, ORG_A).find((x) => x.id === created.id).role, 'coordinator');
		const g = await admin.get(`/api/v1/users/${created.id}`);
		assert.ok(JSON.stringify(g.data).includes('coordinator'), `GET after PATCH: ${g.text}`);
	});
	test('PATCH disabled: true withdraws access, false gives it back', async () => {
		const r = await admin.patch(`/api/v1/users/${created.id}`, { disabled: true });
		assert.equal(r.status, 200, r.text);
		assert.equal(listUsers(inst, ORG_A).find((x) => x.id === created.id).state, 'no access');
		const back = await admin.patch(`/api/v1/users/${created.id}`, { disabled: false });
		assert.equal(back.status, 200, back.text);
		assert.equal(listUsers(inst, ORG_A).find((x) => x.id === created.id).state, 'active');
	});
	test('PATCH with a field it does not take: 400, nothing changed', async () => {
		const e = assertApiError(await admin.patch(`/api/v1/users/${created.id}`, { role: 'admin', is_superuser: true }), [400, 422]);
		assert.equal(e.field, 'is_superuser');
		assert.equal(listUsers(inst, ORG_A).find((x) => x.id === created.id).role, 'coordinator');
	});
	test('PATCH with an unknown role: 422, nothing changed', async () => {
		const e = assertApiError(await admin.patch(`/api/v1/users/${created.id}`, { role: 'gud' }), 422);
		assert.equal(e.field, 'role');
		assert.equal(listUsers(inst, ORG_A).find((x) => x.id === created.id).role, 'coordinator');
	});
	test('GET /api/v1/users lists this organisation only', async () => {
		const r = await admin.get('/api/v1/users');
		assert.equal(r.status, 200, r.text);
		const list = usersOf(r.data);
		const emails = list.map((u) => u.email);
		assert.ok(emails.includes(inst.users.therapist.email));
		assertNoForeign(r.text, foreignMarkers(), 'GET /api/v1/users');
		assert.ok(!/password_hash|\$argon2/.test(r.text));
	});
});

describe('other organisations', () => {
	test('GET a user of another organisation: 404, none of its data', async () => {
		const r = await admin.get(`/api/v1/users/${inst.users.foreignTherapist.id}`);
		assertApiError(r, 404);
		assertNoForeign(r.text, foreignMarkers(), 'GET foreign user');
	});
	test('PATCH a user of another organisation: 404, nothing changed', async () => {
		const r = await admin.patch(`/api/v1/users/${inst.users.foreignTherapist.id}`, { role: 'admin' });
		assertApiError(r, 404);
		const row = listUsers(inst, inst.orgName.B).find((u) => u.id === inst.users.foreignTherapist.id);
		assert.equal(row.role, 'therapist');
		assert.equal(row.state, 'active');
		const d = await admin.patch(`/api/v1/users/${inst.users.foreignTherapist.id}`, { disabled: true });
		assertApiError(d, 404);
		assert.equal(listUsers(inst, inst.orgName.B).find((u) => u.id === inst.users.foreignTherapist.id).state, 'active');
		assert.ok(!listUsers(inst, ORG_A).some((u) => u.id === inst.users.foreignTherapist.id), 'the foreign user got a membership in A');
	});
	test("the other organisation's admin does not see ours", async () => {
		const r = await inst.api('foreignAdmin').get('/api/v1/users');
		assert.equal(r.status, 200);
		assert.ok(!r.text.includes(inst.users.therapist.email));
		assert.ok(!r.text.includes('Alfamerke'));
	});
});

describe('roles', () => {
	test('a therapist may read /me but not manage users (403)', async () => {
		const t = inst.api('therapist');
		assert.equal((await t.get('/api/v1/me')).status, 200);
		assertApiError(await t.get('/api/v1/users'), 403);
		assertApiError(await t.post('/api/v1/users', { email: 'fra-behandler@alfa.example', name: 'X', role: 'admin' }), 403);
		assertApiError(await t.patch(`/api/v1/users/${inst.users.therapist.id}`, { role: 'admin' }), 403);
		assert.equal(listUsers(inst, ORG_A).find((u) => u.id === inst.users.therapist.id).role, 'therapist', 'the therapist made itself admin');
	});
	test('the auditor reads the audit log; the therapist may not', async () => {
		const a = await inst.api('auditor').get('/api/v1/audit');
		assert.equal(a.status, 200, a.text);
		assertApiError(await inst.api('therapist').get('/api/v1/audit'), 403);
	});
});
