// escaping: markup in a user's name (and an organisation's) comes back escaped on every
// page that shows it, intact in attributes, and unchanged through the JSON API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '../lib/client.mjs';
import { forms, tags, text } from '../lib/html.mjs';
import { addUser, listUsers, ORG_A, PASSWORD, startInstance } from '../lib/instance.mjs';

const NASTY = `Testa <script>alert('x')</script><img src=x onerror=alert(2)> 'enkel' "dobbel" & R`;
const NASTY_ORG = `Kommune <b>fet</b> & "sitat" 'apo'`;

let inst, admin, createdId;
before(async () => {
	inst = await startInstance({ cast: ['admin', 'auditor'] });
	admin = await inst.login('admin');
});
after(async () => {
	await inst?.stop();
});

/** The page shows value as text, has no markup from it, and attributes holding it are whole. */
function assertEscaped(html, value, where, { shown = true } = {}) {
	assert.ok(!/<script\b/i.test(html), `${where}: a <script> element in the page`);
	assert.ok(!/<img src=x/i.test(html), `${where}: the <img> from the name was not escaped`);
	assert.ok(!html.includes('<b>fet</b>'), `${where}: the <b> from the organisation name was not escaped`);
	if (shown) assert.ok(text(html).includes(value), `${where}: the value is not shown (or shown altered)`);
	const marker = value.slice(0, 8);
	for (const t of tags(html, '[a-z]+')) {
		for (const [k, v] of Object.entries(t.attrs)) {
			if (v.includes(marker)) assert.equal(v, value, `${where}: attribute ${k} holds a broken copy of the value: ${t.tag}`);
		}
		for (const k of Object.keys(t.attrs)) assert.ok(!/^on/i.test(k), `${where}: an event-handler attribute ${k} in ${t.tag}`);
	}
}

test('a user created in the web form with markup in the name', async () => {
	const r = await admin.submit('/users/new', { email: 'markup@alfa.example', name: NASTY, role: 'therapist' }, '/users');
	assert.ok(r.status === 200 || r.status === 303, `POST /users: ${r.status}\n${text(r.text).slice(0, 300)}`);
	const row = listUsers(inst, ORG_A).find((u) => u.email === 'markup@alfa.example');
	assert.ok(row, 'the user was not created');
	createdId = row.id;
	assert.equal(row.name, NASTY, 'the name was stored altered');
	const page = await admin.follow(r);
	assert.equal(page.status, 200);
	assertEscaped(page.text, NASTY, 'the result page', { shown: false });
});

test('/users lists it escaped', async () => {
	const r = await admin.get('/users');
	assert.equal(r.status, 200);
	assertEscaped(r.text, NASTY, '/users');
});

test('/users/{id} shows it escaped, and the edit form keeps it whole', async () => {
	const r = await admin.get(`/users/${createdId}`);
	assert.equal(r.status, 200);
	assertEscaped(r.text, NASTY, `/users/${createdId}`);
	const withName = forms(r.text).find((f) => Object.values(f.fields).includes(NASTY));
	if (forms(r.text).some((f) => 'name' in f.fields)) assert.ok(withName, 'the edit form does not hold the name intact');
});

test('saving the user form unchanged keeps the name exactly', async () => {
	const page = await admin.get(`/users/${createdId}`);
	const f = forms(page.text).find((f) => f.method === 'post' && f.action === `/users/${createdId}`);
	assert.ok(f, `no form posting to /users/${createdId}`);
	const r = await admin.submit(page, {}, (g) => g.html === f.html);
	assert.ok(r.status === 303 || r.status === 200, `re-submitting: ${r.status}`);
	const after = await admin.follow(r);
	assertEscaped(after.text, NASTY, 'the page after saving', { shown: false });
	assert.equal(listUsers(inst, ORG_A).find((u) => u.id === createdId).name, NASTY);
});

test('/audit shows what mentions it escaped', async () => {
	for (const p of ['/audit']) {
		const r = await admin.get(p);
		assert.equal(r.status, 200);
		assertEscaped(r.text, NASTY, p, { shown: false });
	}
});

test('the JSON API gives the name back unchanged', async () => {
	const r = await inst.api('admin').get(`/api/v1/users/${createdId}`);
	assert.equal(r.status, 200);
	assert.equal((r.data.user ?? r.data).name, NASTY);
	assert.match(r.headers.get('content-type'), /^application\/json/);
});

test('the user sees it escaped on their own pages, with an organisation name full of markup', async () => {
	inst.cli(['org', 'add', NASTY_ORG], { check: true });
	addUser(inst, 'selv@alfa.example', ORG_A, 'admin', NASTY);
	addUser(inst, 'selv@alfa.example', NASTY_ORG, 'therapist');
	const c = new Client(inst.base);
	const res = await c.loginPost('selv@alfa.example', PASSWORD);
	assert.equal(res.status, 303);
	const chooser = await c.follow(res);
	assertEscaped(chooser.text, NASTY_ORG, `${chooser.url} (choosing organisation)`, { shown: new URL(chooser.url).pathname === '/org' });
	const start = await c.follow(await c.chooseOrg(chooser.url.endsWith('/org') ? chooser : '/org', NASTY_ORG));
	assert.equal(start.status, 200);
	assertEscaped(start.text, NASTY_ORG, 'the start page (organisation name)');
	for (const p of ['/', '/account']) {
		const r = await c.get(p);
		assert.equal(r.status, 200, `${p}: ${r.status}`);
		assertEscaped(r.text, NASTY, p, { shown: p === '/account' });
	}
});
