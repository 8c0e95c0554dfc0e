// timeline_grid: the person's one timeline with step changes, plan versions and clinical
// notes (the note's type and state, never its text: a link to /notes/{id}), its ?show=
// filter on the page and the API (an unknown value → 400), and the group step grid
// /groups/{id}/steps (members × steps, escaping, another organisation's group → 404 with
// none of its data, one audited read per row) — issue 4.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';

const NASTY = `<script>'"&`;
const pad = (n) => String(n).padStart(2, '0');
const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = () => day(new Date());

let inst, admin, therapist, foreign, therapistId;
before(async () => {
	inst = await startInstance();
	admin = inst.api('admin');
	therapist = inst.api('therapist');
	foreign = inst.api('foreignAdmin');
	const me = await therapist.get('/api/v1/me');
	assert.equal(me.status, 200, me.text);
	therapistId = me.data.user.id;
});
after(async () => {
	await inst?.stop();
});

let seq = 0;
/** A person (given name `given`) enrolled in a new programme of api's organisation. */
async function enrolled(api = admin, given = `Tidslinje${++seq}`) {
	const mark = api === foreign ? MARK_B : MARK_A;
	const p = await api.post('/api/v1/persons', { given_name: given, family_name: `Person ${mark}` });
	assert.equal(p.status, 201, p.text);
	const prog = await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Tidslinjeprogram ${++seq} ${mark}` });
	assert.equal(prog.status, 201, prog.text);
	const body = { person_id: p.data.person.id, programme_id: prog.data.programme.id };
	if (api !== foreign) body.therapist_id = therapistId;
	const e = await api.post('/api/v1/enrolments', body);
	assert.equal(e.status, 201, e.text);
	return { pid: p.data.person.id, eid: e.data.enrolment.id, prog: prog.data.programme.id };
}

const emptyPlan = () => ({
	assignments: [],
	crisis: { contacts: '', helps: '' },
	format: 1,
	goals: [],
	steps_worked: null,
	triggers: [],
	warning_signs: [],
});

async function auditEntries(q) {
	const r = await admin.get(`/api/v1/audit?${q}&limit=1000`);
	assert.equal(r.status, 200, r.text);
	return r.data.entries;
}

describe('timeline', () => {
	let pid, eid, nid;
	before(async () => {
		({ pid, eid } = await enrolled());
		const s = await therapist.post(`/api/v1/enrolments/${eid}/steps`, { step: 1, to: 'working', date: today() });
		assert.equal(s.status, 200, s.text);
		const pl = await therapist.request('PUT', `/api/v1/enrolments/${eid}/plan`, {
			json: { version: 0, plan: { ...emptyPlan(), triggers: ['Payday'] } },
		});
		assert.equal(pl.status, 200, pl.text);
		const n = await therapist.post(`/api/v1/persons/${pid}/notes`, { type: 'phone', date: today(), text: `Secret words ${NASTY}` });
		assert.equal(n.status, 201, n.text);
		nid = n.data.id;
	});

	test('the API timeline has step, plan and note items; the note without its text', async () => {
		const r = await therapist.get(`/api/v1/persons/${pid}/timeline`);
		assert.equal(r.status, 200, r.text);
		const types = new Set(r.data.timeline.map((i) => i.type));
		for (const t of ['enrolment', 'step', 'plan', 'note']) assert.ok(types.has(t), `no ${t} item: ${r.text}`);
		const step = r.data.timeline.find((i) => i.type === 'step');
		assert.equal(step.step, 1);
		assert.equal(step.from_status, 'not_started');
		assert.equal(step.to_status, 'working');
		assert.equal(step.by_user, therapistId);
		const plan = r.data.timeline.find((i) => i.type === 'plan');
		assert.equal(plan.version, 1);
		assert.equal(plan.by_user, therapistId);
		const note = r.data.timeline.find((i) => i.type === 'note');
		assert.equal(note.note_id, nid);
		assert.equal(note.kind, 'phone');
		assert.equal(note.signed, false);
		assert.ok(!r.text.includes('Secret words'), 'the note text is in the timeline');
	});

	test('the person page shows the new lines, a link to the note and no note text', async () => {
		const c = await inst.login('therapist');
		const page = await c.get(`/persons/${pid}`);
		assert.equal(page.status, 200);
		assert.ok(page.text.includes(`href="/notes/${nid}"`), 'no link to the note');
		assert.ok(!page.text.includes('Secret words'), 'the note text is on the page');
		assert.match(page.text, /name="show"/);
		assert.match(page.text, /(Step|Steg) 1/);
		assert.match(page.text, /(Plan version|Planversjon) 1/);
	});

	test('?show= keeps one type, on the API and the page', async () => {
		for (const [show, type] of [
			['steps', 'step'],
			['plan', 'plan'],
			['notes', 'note'],
			['phases', 'enrolment'],
		]) {
			const r = await therapist.get(`/api/v1/persons/${pid}/timeline?show=${show}`);
			assert.equal(r.status, 200, r.text);
			assert.ok(r.data.timeline.length > 0, `nothing for ${show}`);
			assert.ok(r.data.timeline.every((i) => i.type === type), `${show}: ${r.text}`);
		}
		const all = await therapist.get(`/api/v1/persons/${pid}/timeline?show=all`);
		assert.ok(all.data.timeline.length >= 4);
		const c = await inst.login('therapist');
		const notes = await c.get(`/persons/${pid}?show=notes`);
		assert.equal(notes.status, 200);
		const tl = notes.text.slice(notes.text.indexOf('id="timeline"'));
		assert.ok(tl.includes(`/notes/${nid}`));
		assert.ok(!/(Plan version|Planversjon) 1/.test(tl), 'a plan line under show=notes');
		const steps = await c.get(`/persons/${pid}?show=steps`);
		const tl2 = steps.text.slice(steps.text.indexOf('id="timeline"'));
		assert.ok(!tl2.includes(`/notes/${nid}`), 'a note line under show=steps');
		assert.match(tl2, /(Step|Steg) 1/);
	});

	test('an unknown show is 400 with a clear message', async () => {
		const r = await therapist.get(`/api/v1/persons/${pid}/timeline?show=bogus`);
		assert.equal(r.status, 400, r.text);
		assert.equal(r.data.error.field, 'show');
		assert.match(r.data.error.message, /timeline|tidslinjen/);
		const c = await inst.login('therapist');
		const page = await c.get(`/persons/${pid}?show=${encodeURIComponent(NASTY)}`);
		assert.equal(page.status, 400);
		assert.ok(!page.text.includes(NASTY), 'the bad value is echoed unescaped');
	});

	test("another organisation's person: 404 for the timeline", async () => {
		const r = await foreign.get(`/api/v1/persons/${pid}/timeline?show=notes`);
		assert.equal(r.status, 404);
		assert.ok(!r.text.includes('Tidslinje'));
	});
});

describe('group step grid', () => {
	let gid, A, B, foreignGid;
	before(async () => {
		A = await enrolled(admin, `Grid ${NASTY}`);
		const g = await admin.post(`/api/v1/programmes/${A.prog}/groups`, { name: `Steggruppe ${NASTY} ${MARK_A}`, capacity: 10 });
		assert.equal(g.status, 201, g.text);
		gid = g.data.group.id;
		B = await admin.post('/api/v1/persons', { given_name: 'Andre', family_name: `Medlem ${MARK_A}` });
		assert.equal(B.status, 201, B.text);
		const e2 = await admin.post('/api/v1/enrolments', { person_id: B.data.person.id, programme_id: A.prog, therapist_id: therapistId });
		assert.equal(e2.status, 201, e2.text);
		for (const eid of [A.eid, e2.data.enrolment.id]) {
			const m = await admin.post(`/api/v1/groups/${gid}/members`, { enrolment_id: eid, from: today() });
			assert.equal(m.status, 201, m.text);
		}
		for (const to of ['working', 'presented', 'completed']) {
			const s = await therapist.post(`/api/v1/enrolments/${A.eid}/steps`, { step: 1, to, date: today() });
			assert.equal(s.status, 200, s.text);
		}
		const s2 = await therapist.post(`/api/v1/enrolments/${A.eid}/steps`, { step: 2, to: 'working', date: today() });
		assert.equal(s2.status, 200, s2.text);
		const F = await enrolled(foreign, 'Utenlandsk');
		const fg = await foreign.post(`/api/v1/programmes/${F.prog}/groups`, { name: `Fremmed gruppe ${MARK_B}` });
		assert.equal(fg.status, 201, fg.text);
		foreignGid = fg.data.group.id;
		const fm = await foreign.post(`/api/v1/groups/${foreignGid}/members`, { enrolment_id: F.eid, from: today() });
		assert.equal(fm.status, 201, fm.text);
	});

	test('the grid lists the members with their step marks, escaped, linked from the group page', async () => {
		const c = await inst.login('therapist');
		const group = await c.get(`/groups/${gid}`);
		assert.equal(group.status, 200);
		assert.ok(group.text.includes(`/groups/${gid}/steps`), 'no link from the group page');
		const page = await c.get(`/groups/${gid}/steps`);
		assert.equal(page.status, 200, page.text);
		assert.ok(page.text.includes('Grid &lt;script&gt;'), 'the name is not escaped');
		assert.ok(!page.text.includes(NASTY), 'a raw nasty string');
		assert.ok(!/<script/.test(page.text), 'a script');
		assert.ok(page.text.includes('Andre'), 'the second member is missing');
		assert.ok(page.text.includes(`/enrolments/${A.eid}/steps`), 'no link to the steps');
		assert.ok(page.text.includes('●'), 'no completed mark');
		assert.ok(page.text.includes('◐'), 'no working mark');
		assert.ok(page.text.includes('○'), 'no not-started mark');
		assert.equal((page.text.match(/<h1/g) || []).length, 1);
		assert.ok(!/style=/.test(page.text), 'inline style');
	});

	test("another organisation's group is 404 with none of its data", async () => {
		const c = await inst.login('therapist');
		const r = await c.get(`/groups/${foreignGid}/steps`);
		assert.equal(r.status, 404);
		assert.ok(!r.text.includes(MARK_B), 'foreign data shown');
		assert.ok(!r.text.includes('Utenlandsk'));
		assert.equal((await c.get('/groups/999999999/steps')).status, 404);
	});

	test('every row is audited as a read of that person', async () => {
		const c = await inst.login('therapist');
		assert.equal((await c.get(`/groups/${gid}/steps`)).status, 200);
		const es = await auditEntries('action=person.read');
		const rows = es.filter((e) => String(e.detail || '').startsWith(`group steps ${gid} `));
		const ids = new Set(rows.map((e) => String(e.object_id)));
		assert.ok(ids.has(String(A.pid)), 'the first member is not audited');
		assert.ok(ids.has(String(B.data.person.id)), 'the second member is not audited');
		assert.ok(rows.every((e) => e.object_type === 'person'));
	});
});
