// notes: the clinical record's notes (issue 4) — a draft written, edited and signed through
// the pages; editing a signed note refused with the reason; an addendum shown beside it;
// deleting a signed note refused; another author's draft not editable; the API's routes;
// another organisation's ids (404, none of its data); escaping; the audit trail; and a
// draft about a day more than a week ago as a reminder on its author's start page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MARK_B, startInstance } from '../lib/instance.mjs';

const NASTY = `<script>'"&`;
const ESCAPED = '&lt;script&gt;';
const pad = (n) => String(n).padStart(2, '0');
const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = () => day(new Date());
const daysAgo = (n) => day(new Date(Date.now() - n * 86400000));
const SIGNED_REASON = /A signed note cannot be changed; add an addendum instead\.|Et signert notat kan ikke endres; legg til et tillegg i stedet\./;

let inst, admin, therapist, foreign, auditor;
before(async () => {
	inst = await startInstance();
	admin = inst.api('admin');
	therapist = inst.api('therapist');
	foreign = inst.api('foreignAdmin');
	auditor = inst.api('auditor');
});
after(async () => {
	await inst?.stop();
});

let seq = 0;
async function person(api = admin, given = `Notat${++seq}`) {
	const p = await api.post('/api/v1/persons', { given_name: given, family_name: `Person ${api === foreign ? MARK_B : 'A'}` });
	assert.equal(p.status, 201, p.text);
	return p.data.person.id;
}
const del = (api, path) => api.request('DELETE', path);

async function auditEntries(q) {
	const r = await admin.get(`/api/v1/audit?${q}&limit=1000`);
	assert.equal(r.status, 200, r.text);
	return r.data.entries;
}

describe('notes pages', () => {
	test('draft → edit → sign → edit refused with the reason → addendum beside it', async () => {
		const pid = await person();
		const c = await inst.login('therapist');
		const list = await c.get(`/persons/${pid}/notes`);
		assert.equal(list.status, 200);
		assert.equal((list.text.match(/<h1/g) || []).length, 1);
		assert.ok(!/style=/.test(list.text), 'inline style');
		assert.ok(!/<script/.test(list.text), 'a script');
		const csrf = await c.csrf(`/persons/${pid}/notes`);
		const bad = await c.post(`/persons/${pid}/notes`, { form: { csrf, type: 'individual', date: '2199-01-01', text: `kept ${NASTY}` } });
		assert.equal(bad.status, 422);
		assert.match(bad.text, /error-summary/);
		assert.match(bad.text, /id="f-date-error"/);
		assert.ok(!bad.text.includes(NASTY), 'kept text unescaped');
		assert.ok(bad.text.includes(`kept ${ESCAPED}`), 'text not kept');
		const made = await c.post(`/persons/${pid}/notes`, { form: { csrf, type: 'individual', date: today(), text: `First ${NASTY}` } });
		assert.equal(made.status, 303, made.text.slice(0, 500));
		const nid = Number(new URL(made.location, inst.base).pathname.split('/').pop());
		assert.ok(nid > 0);
		const edit = await c.post(`/notes/${nid}`, { form: { csrf, type: 'step_presentation', date: today(), step: '4', text: `Edited ${NASTY}` } });
		assert.equal(edit.status, 303, edit.text.slice(0, 500));
		const view = await c.get(`/notes/${nid}`);
		assert.equal(view.status, 200);
		assert.ok(view.text.includes(`Edited ${ESCAPED}`));
		assert.ok(!view.text.includes(NASTY));
		assert.equal((view.text.match(/<h1/g) || []).length, 1);
		const sign = await c.post(`/notes/${nid}/sign`, { form: { csrf } });
		assert.equal(sign.status, 303, sign.text.slice(0, 500));
		const refused = await c.post(`/notes/${nid}`, { form: { csrf, type: 'individual', date: today(), text: 'Changed afterwards' } });
		assert.equal(refused.status, 409);
		assert.match(refused.text, SIGNED_REASON);
		const delRefused = await c.post(`/notes/${nid}/delete`, { form: { csrf } });
		assert.equal(delRefused.status, 409);
		const emptyAdd = await c.post(`/notes/${nid}/addenda`, { form: { csrf, addendum: ' ' } });
		assert.equal(emptyAdd.status, 422);
		assert.match(emptyAdd.text, /id="f-addendum-error"/);
		const add = await c.post(`/notes/${nid}/addenda`, { form: { csrf, addendum: `Correction ${NASTY}` } });
		assert.equal(add.status, 303, add.text.slice(0, 500));
		const after1 = await c.get(`/notes/${nid}`);
		assert.ok(after1.text.includes(`Edited ${ESCAPED}`), 'the signed text is gone');
		assert.ok(after1.text.includes(`Correction ${ESCAPED}`), 'no addendum');
		assert.ok(!after1.text.includes(NASTY));
		assert.ok(!after1.text.includes('Changed afterwards'));
		const api = await therapist.get(`/api/v1/notes/${nid}`);
		assert.equal(api.data.text, `Edited ${NASTY}`);
		assert.equal(api.data.signed, true);
		assert.equal(api.data.addenda.length, 1);
		const noCsrf = await c.post(`/notes/${nid}/addenda`, { form: { addendum: 'x' } });
		assert.equal(noCsrf.status, 403);
		const pp = await c.get(`/persons/${pid}`);
		assert.ok(pp.text.includes(`/persons/${pid}/notes`), 'no link from the person page');
		const filtered = await c.get(`/persons/${pid}/notes?type=phone`);
		assert.ok(!filtered.text.includes(`/notes/${nid}"`), 'filter ignored');
		const all = await c.get(`/persons/${pid}/notes?type=step_presentation`);
		assert.ok(all.text.includes(`/notes/${nid}"`), 'note not listed');
	});

	test("another author's draft is not editable, deletable or signable", async () => {
		const pid = await person();
		const d = await admin.post(`/api/v1/persons/${pid}/notes`, { type: 'phone', date: today(), text: 'Admin draft' });
		assert.equal(d.status, 201, d.text);
		const nid = d.data.id;
		const p = await therapist.patch(`/api/v1/notes/${nid}`, { text: 'Hijacked' });
		assert.equal(p.status, 409);
		assert.match(p.data.error.message, /Only the author|Bare forfatteren/);
		assert.equal((await del(therapist, `/api/v1/notes/${nid}`)).status, 409);
		assert.equal((await therapist.post(`/api/v1/notes/${nid}/sign`, {})).status, 409);
		const c = await inst.login('therapist');
		const csrf = await c.csrf(`/notes/${nid}`);
		const page = await c.get(`/notes/${nid}`);
		assert.ok(!page.text.includes(`action="/notes/${nid}/sign"`), 'sign form shown to another');
		const w = await c.post(`/notes/${nid}`, { form: { csrf, type: 'phone', date: today(), text: 'Hijacked' } });
		assert.equal(w.status, 409);
		const still = await admin.get(`/api/v1/notes/${nid}`);
		assert.equal(still.data.text, 'Admin draft');
		assert.equal(still.data.signed, false);
	});

	test('a draft about a day more than a week ago reminds its author on the start page', async () => {
		const pid = await person(admin, `Påminnelse${++seq}`);
		const old = await therapist.post(`/api/v1/persons/${pid}/notes`, { type: 'individual', date: daysAgo(9), text: 'Old draft' });
		assert.equal(old.status, 201, old.text);
		const fresh = await therapist.post(`/api/v1/persons/${pid}/notes`, { type: 'individual', date: daysAgo(2), text: 'Fresh draft' });
		assert.equal(fresh.status, 201, fresh.text);
		const c = await inst.login('therapist');
		const start = await c.get('/');
		assert.equal(start.status, 200);
		assert.ok(start.text.includes(`/notes/${old.data.id}"`), 'the old draft is not on the start page');
		assert.ok(!start.text.includes(`/notes/${fresh.data.id}"`), 'a fresh draft is a reminder');
		const a = await inst.login('admin');
		const other = await a.get('/');
		assert.ok(!other.text.includes(`/notes/${old.data.id}"`), "another's draft reminds the admin");
		const pp = await c.get(`/persons/${pid}`);
		assert.match(pp.text, /2 (unsigned drafts|usignerte utkast)/);
	});
});

describe('notes API', () => {
	test('create, patch, sign, addendum, list, delete; a signed note cannot be deleted', async () => {
		const pid = await person();
		const missing = await therapist.post(`/api/v1/persons/${pid}/notes`, { type: 'group', date: today(), text: 'x' });
		assert.equal(missing.status, 422);
		assert.equal(missing.data.error.field, 'session');
		const n = await therapist.post(`/api/v1/persons/${pid}/notes`, { type: 'individual', date: today(), text: `API ${NASTY}`, step: 2 });
		assert.equal(n.status, 201, n.text);
		assert.equal(n.data.step, 2);
		const p = await therapist.patch(`/api/v1/notes/${n.data.id}`, { text: 'Patched', step: null });
		assert.equal(p.status, 200, p.text);
		assert.equal(p.data.text, 'Patched');
		assert.equal(p.data.step, null);
		const early = await therapist.post(`/api/v1/notes/${n.data.id}/addenda`, { text: 'Too early' });
		assert.equal(early.status, 409);
		const s = await therapist.post(`/api/v1/notes/${n.data.id}/sign`, {});
		assert.equal(s.status, 200, s.text);
		assert.equal(s.data.signed, true);
		const again = await therapist.patch(`/api/v1/notes/${n.data.id}`, { text: 'Again' });
		assert.equal(again.status, 409);
		assert.match(again.data.error.message, SIGNED_REASON);
		const d = await del(therapist, `/api/v1/notes/${n.data.id}`);
		assert.equal(d.status, 409);
		const a = await admin.post(`/api/v1/notes/${n.data.id}/addenda`, { text: `Addendum ${NASTY}` });
		assert.equal(a.status, 201, a.text);
		assert.equal(a.data.addenda[0].text, `Addendum ${NASTY}`);
		const draft = await therapist.post(`/api/v1/persons/${pid}/notes`, { type: 'phone', date: today() });
		assert.equal(draft.status, 201, draft.text);
		const emptySign = await therapist.post(`/api/v1/notes/${draft.data.id}/sign`, {});
		assert.equal(emptySign.status, 409);
		const l = await therapist.get(`/api/v1/persons/${pid}/notes`);
		assert.equal(l.status, 200, l.text);
		assert.equal(l.data.total, 2);
		assert.equal(l.data.items[0].id, draft.data.id);
		const lp = await therapist.get(`/api/v1/persons/${pid}/notes?type=phone`);
		assert.equal(lp.data.total, 1);
		assert.equal((await del(therapist, `/api/v1/notes/${draft.data.id}`)).status, 200);
		assert.equal((await therapist.get(`/api/v1/notes/${draft.data.id}`)).status, 404);
		assert.equal((await auditor.get(`/api/v1/notes/${n.data.id}`)).status, 403);
		assert.equal((await auditor.get(`/api/v1/persons/${pid}/notes`)).status, 403);

		const entries = await auditEntries('action=note.');
		const mine = entries.filter((e) => e.object_id === String(n.data.id));
		for (const act of ['note.create', 'note.update', 'note.sign', 'note.addendum', 'note.read'])
			assert.ok(mine.some((e) => e.action === act), `no ${act}`);
		assert.ok(entries.some((e) => e.action === 'note.delete' && e.object_id === String(draft.data.id)), 'no note.delete');
		assert.ok(!JSON.stringify(entries).includes('Patched'), 'note text in the audit log');
		assert.ok(!JSON.stringify(entries).includes('Addendum'), 'addendum text in the audit log');
	});
});

describe("another organisation's notes", () => {
	test('404 on every route, with none of its data', async () => {
		const pid = await person(foreign);
		const n = await foreign.post(`/api/v1/persons/${pid}/notes`, { type: 'individual', date: today(), text: `Secret ${MARK_B}` });
		assert.equal(n.status, 201, n.text);
		const nid = n.data.id;
		for (const path of [`/api/v1/notes/${nid}`, `/api/v1/persons/${pid}/notes`]) {
			const r = await admin.get(path);
			assert.equal(r.status, 404, path);
			assert.ok(!r.text.includes(MARK_B), `${path} leaks`);
		}
		assert.equal((await admin.patch(`/api/v1/notes/${nid}`, { text: 'x' })).status, 404);
		assert.equal((await del(admin, `/api/v1/notes/${nid}`)).status, 404);
		assert.equal((await admin.post(`/api/v1/notes/${nid}/sign`, {})).status, 404);
		assert.equal((await admin.post(`/api/v1/notes/${nid}/addenda`, { text: 'x' })).status, 404);
		assert.equal((await admin.post(`/api/v1/persons/${pid}/notes`, { type: 'phone', date: today(), text: 'x' })).status, 404);
		const c = await inst.login('therapist');
		const csrf = await c.csrf('/');
		for (const path of [`/notes/${nid}`, `/persons/${pid}/notes`]) {
			const r = await c.get(path);
			assert.equal(r.status, 404, path);
			assert.ok(!r.text.includes(MARK_B), `${path} leaks`);
		}
		for (const path of [`/notes/${nid}`, `/notes/${nid}/sign`, `/notes/${nid}/delete`, `/notes/${nid}/addenda`]) {
			const r = await c.post(path, { form: { csrf, type: 'phone', date: today(), text: 'x', addendum: 'x' } });
			assert.equal(r.status, 404, path);
			assert.ok(!r.text.includes(MARK_B), `${path} leaks`);
		}
		const mine = await foreign.get(`/api/v1/notes/${nid}`);
		assert.equal(mine.data.text, `Secret ${MARK_B}`);
		assert.equal(mine.data.signed, false);
	});
});
