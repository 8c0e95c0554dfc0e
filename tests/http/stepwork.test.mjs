// stepwork: a person's step work and individual plan (issue 4) — steps through the API and
// the pages (chart and table change, a refused move's message, the form kept), the plan's
// versions with what changed, an assignment tied to step 4 given → done → reviewed, the
// overdue assignment on the therapist's start page, another organisation's enrolment
// (404, none of its data), escaping and the audit trail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';

const NASTY = `<script>'"&`;
const pad = (n) => String(n).padStart(2, '0');
const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = () => day(new Date());
const daysAgo = (n) => day(new Date(Date.now() - n * 86400000));

let inst, admin, therapist, foreign, auditor, therapistId;
before(async () => {
	inst = await startInstance();
	admin = inst.api('admin');
	therapist = inst.api('therapist');
	foreign = inst.api('foreignAdmin');
	auditor = inst.api('auditor');
	const me = await therapist.get('/api/v1/me');
	assert.equal(me.status, 200, me.text);
	therapistId = me.data.user.id;
});
after(async () => {
	await inst?.stop();
});

let seq = 0;
/** A person enrolled in a new programme of api's organisation, with the therapist. */
async function enrolled(api = admin, { given = `Steg${++seq}`, withTherapist = true } = {}) {
	const mark = api === foreign ? MARK_B : MARK_A;
	const p = await api.post('/api/v1/persons', { given_name: given, family_name: `Person ${mark}` });
	assert.equal(p.status, 201, p.text);
	const prog = await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Stegprogram ${++seq} ${mark}` });
	assert.equal(prog.status, 201, prog.text);
	const body = { person_id: p.data.person.id, programme_id: prog.data.programme.id };
	if (withTherapist && api !== foreign) body.therapist_id = therapistId;
	const e = await api.post('/api/v1/enrolments', body);
	assert.equal(e.status, 201, e.text);
	return e.data.enrolment.id;
}
const put = (api, path, json) => api.request('PUT', path, { json });

/** An empty plan in canonical form. */
const emptyPlan = () => ({
	assignments: [],
	crisis: { contacts: '', helps: '' },
	format: 1,
	goals: [],
	steps_worked: null,
	triggers: [],
	warning_signs: [],
});
const assignment = (o) => ({ done: null, goal: null, review_note: '', reviewed: null, status: 'given', step: null, ...o });

async function auditEntries(q) {
	const r = await admin.get(`/api/v1/audit?${q}&limit=1000`);
	assert.equal(r.status, 200, r.text);
	return r.data.entries;
}

describe('steps API', () => {
	test('move a person through steps 1–4; the history and the chart follow', async () => {
		const eid = await enrolled();
		for (let s = 1; s <= 4; s++)
			for (const to of ['working', 'presented', 'completed']) {
				const r = await therapist.post(`/api/v1/enrolments/${eid}/steps`, { step: s, to, date: today() });
				assert.equal(r.status, 200, r.text);
				assert.equal(r.data.step.status, to);
			}
		const g = await therapist.get(`/api/v1/enrolments/${eid}/steps`);
		assert.equal(g.status, 200, g.text);
		assert.equal(g.data.steps.length, 12);
		assert.deepEqual(g.data.steps.slice(0, 5).map((s) => s.status), ['completed', 'completed', 'completed', 'completed', 'not_started']);
		assert.equal(g.data.events.length, 12);
		assert.equal(g.data.steps[0].changes, 3);
		const c = await inst.login('therapist');
		const page = await c.get(`/enrolments/${eid}/steps`);
		assert.equal(page.status, 200);
		assert.match(page.text, /<svg[^>]*role="img"/);
		assert.match(page.text, /<table/);
		assert.equal((page.text.match(/<h1/g) || []).length, 1);
		assert.ok(!/style=/.test(page.text), 'inline style');
		assert.ok(!/<script/.test(page.text), 'a script');
	});

	test('a refused move: 422 with the rule, nothing stored; a reason is needed for an exception', async () => {
		const eid = await enrolled();
		const r = await therapist.post(`/api/v1/enrolments/${eid}/steps`, { step: 1, to: 'presented' });
		assert.equal(r.status, 422, r.text);
		assert.equal(r.data.error.field, 'to');
		assert.match(r.data.error.message, /worked on before it is presented|arbeides med før det presenteres/);
		const r2 = await therapist.post(`/api/v1/enrolments/${eid}/steps`, { step: 1, to: 'completed' });
		assert.equal(r2.status, 422);
		assert.equal(r2.data.error.field, 'note');
		const r3 = await therapist.post(`/api/v1/enrolments/${eid}/steps`, { step: 1, to: 'completed', reason: 'Worked in an earlier treatment' });
		assert.equal(r3.status, 200, r3.text);
		const future = await therapist.post(`/api/v1/enrolments/${eid}/steps`, { step: 2, to: 'working', date: '2199-01-01' });
		assert.equal(future.status, 422);
		assert.equal(future.data.error.field, 'date');
		const stale = await therapist.post(`/api/v1/enrolments/${eid}/steps`, { step: 1, to: 'working', reason: 'relapse', changes: 0 });
		assert.equal(stale.status, 409);
		const g = await therapist.get(`/api/v1/enrolments/${eid}/steps`);
		assert.equal(g.data.events.length, 1);
	});

	test('the auditor may not read or change steps', async () => {
		const eid = await enrolled();
		assert.equal((await auditor.get(`/api/v1/enrolments/${eid}/steps`)).status, 403);
		assert.equal((await auditor.get(`/api/v1/enrolments/${eid}/plan`)).status, 403);
	});
});

describe('steps pages', () => {
	test('the form moves a step and the chart changes; a refused move comes back 422 with the input kept', async () => {
		const eid = await enrolled();
		const c = await inst.login('therapist');
		const csrf = await c.csrf(`/enrolments/${eid}/steps`);
		const before = await c.get(`/enrolments/${eid}/steps`);
		const ok = await c.post(`/enrolments/${eid}/steps`, { form: { csrf, step: '1', changes: '0', to: 'working', date: today(), note: 'Begynt' } });
		assert.equal(ok.status, 303, ok.text.slice(0, 300));
		const after1 = await c.get(`/enrolments/${eid}/steps?changed=1`);
		assert.notEqual(before.text, after1.text);
		assert.match(after1.text, /step-working/);
		const bad = await c.post(`/enrolments/${eid}/steps`, { form: { csrf, step: '2', changes: '0', to: 'completed', date: today(), note: '' } });
		assert.equal(bad.status, 422);
		assert.match(bad.text, /error-summary/);
		assert.match(bad.text, /id="f-note-error"/);
		const kept = await c.post(`/enrolments/${eid}/steps`, { form: { csrf, step: '3', changes: '0', to: 'working', date: 'igår', note: `kept ${NASTY}` } });
		assert.equal(kept.status, 422);
		assert.ok(kept.text.includes('igår'), 'date not kept');
		assert.ok(!kept.text.includes(NASTY), 'note unescaped');
		assert.ok(kept.text.includes('kept &lt;script&gt;'), 'note not kept');
		const noCsrf = await c.post(`/enrolments/${eid}/steps`, { form: { step: '4', to: 'working' } });
		assert.equal(noCsrf.status, 403);
		const e = await c.get(`/enrolments/${eid}`);
		assert.ok(e.text.includes(`/enrolments/${eid}/steps`), 'no link from the enrolment page');
		assert.ok(e.text.includes(`/enrolments/${eid}/plan`), 'no link to the plan');
	});
});

describe('plan', () => {
	test('save → version 2 → the diff is listed; a stale version is 409; nothing changed is 422', async () => {
		const eid = await enrolled();
		const empty = await therapist.get(`/api/v1/enrolments/${eid}/plan`);
		assert.equal(empty.status, 200, empty.text);
		assert.equal(empty.data.version, 0);
		const p1 = { ...emptyPlan(), goals: [{ id: 1, status: 'open', target: '2030-06-01', text: `Stay sober ${NASTY}` }], triggers: ['Payday'] };
		const s1 = await put(therapist, `/api/v1/enrolments/${eid}/plan`, { version: 0, plan: p1 });
		assert.equal(s1.status, 200, s1.text);
		assert.equal(s1.data.version, 1);
		const same = await put(therapist, `/api/v1/enrolments/${eid}/plan`, { version: 1, plan: p1 });
		assert.equal(same.status, 422);
		const p2 = { ...p1, goals: [{ ...p1.goals[0], status: 'achieved' }], warning_signs: ['Skipping meetings'] };
		const s2 = await put(therapist, `/api/v1/enrolments/${eid}/plan`, { version: 1, plan: p2 });
		assert.equal(s2.status, 200, s2.text);
		assert.equal(s2.data.version, 2);
		const stale = await put(therapist, `/api/v1/enrolments/${eid}/plan`, { version: 1, plan: { ...p2, triggers: [] } });
		assert.equal(stale.status, 409);
		const bad = await put(therapist, `/api/v1/enrolments/${eid}/plan`, { version: 2, plan: { ...p2, goals: [{ id: 1, status: 'open', target: null, text: '' }] } });
		assert.equal(bad.status, 422);
		assert.equal(bad.data.error.field, 'goals[0].text');
		const v = await therapist.get(`/api/v1/enrolments/${eid}/plan/versions`);
		assert.equal(v.status, 200, v.text);
		assert.deepEqual(v.data.versions.map((x) => x.number), [1, 2]);
		assert.ok(v.data.versions[1].changes.some((t) => /achieved|nådd/.test(t)), JSON.stringify(v.data.versions[1].changes));
		const c = await inst.login('therapist');
		const page = await c.get(`/enrolments/${eid}/plan/versions`);
		assert.equal(page.status, 200);
		assert.match(page.text, /achieved|nådd/);
		assert.ok(!page.text.includes(NASTY));
		const one = await c.get(`/enrolments/${eid}/plan/versions?v=1`);
		assert.equal(one.status, 200);
		assert.ok(one.text.includes('Stay sober &lt;script&gt;'));
		assert.equal((await c.get(`/enrolments/${eid}/plan/versions?v=9`)).status, 404);
		const planPage = await c.get(`/enrolments/${eid}/plan`);
		assert.equal(planPage.status, 200);
		assert.ok(!planPage.text.includes(NASTY), 'plan page unescaped');
		assert.ok(planPage.text.includes('Skipping meetings'));
		const reads = await auditEntries('action=plan.');
		assert.ok(reads.some((e) => e.action === 'plan.save' && e.object_id === String(eid)), 'no plan.save');
		assert.ok(reads.some((e) => e.action === 'plan.read' && e.object_id === String(eid)), 'no plan.read');
		const steps = await auditEntries('action=step');
		assert.ok(steps.length > 0, 'no step audit entries');
	});

	test('an assignment tied to step 4 given → done → reviewed through the page form', async () => {
		const eid = await enrolled();
		const c = await inst.login('therapist');
		const csrf = await c.csrf(`/enrolments/${eid}/plan`);
		const add = await c.post(`/enrolments/${eid}/plan`, { form: { csrf, version: '0', new_a_text: 'Write the inventory', new_a_step: '4', new_a_goal: '0', new_a_due: today() } });
		assert.equal(add.status, 303, add.text.slice(0, 2000));
		let p = await therapist.get(`/api/v1/enrolments/${eid}/plan`);
		assert.equal(p.data.version, 1);
		assert.equal(p.data.plan.assignments[0].step, 4);
		assert.equal(p.data.plan.assignments[0].status, 'given');
		const done = await c.post(`/enrolments/${eid}/plan`, { form: { csrf, version: '1', a1_text: 'Write the inventory', a1_step: '4', a1_goal: '0', a1_due: today(), a1_status: 'done', a1_date: today() } });
		assert.equal(done.status, 303, done.text.slice(0, 2000));
		const noNote = await c.post(`/enrolments/${eid}/plan`, { form: { csrf, version: '2', a1_text: 'Write the inventory', a1_step: '4', a1_goal: '0', a1_due: today(), a1_status: 'reviewed', a1_date: today(), a1_review: '' } });
		assert.equal(noNote.status, 422);
		assert.match(noNote.text, /error-summary/);
		const rev = await c.post(`/enrolments/${eid}/plan`, { form: { csrf, version: '2', a1_text: 'Write the inventory', a1_step: '4', a1_goal: '0', a1_due: today(), a1_status: 'reviewed', a1_date: today(), a1_review: `Good work ${NASTY}` } });
		assert.equal(rev.status, 303, rev.text.slice(0, 2000));
		p = await therapist.get(`/api/v1/enrolments/${eid}/plan`);
		assert.equal(p.data.version, 3);
		assert.equal(p.data.plan.assignments[0].status, 'reviewed');
		assert.equal(p.data.plan.assignments[0].review_note, `Good work ${NASTY}`);
		const page = await c.get(`/enrolments/${eid}/plan`);
		assert.ok(!page.text.includes(NASTY));
		assert.ok(page.text.includes('Good work &lt;script&gt;'));
	});

	test("an overdue assignment shows on the therapist's start page", async () => {
		const eid = await enrolled(admin, { given: `Forsinket${++seq}` });
		const plan = { ...emptyPlan(), assignments: [assignment({ id: 1, step: 4, given: daysAgo(10), due: daysAgo(3), text: `Overdue task ${NASTY}` })] };
		const s = await put(therapist, `/api/v1/enrolments/${eid}/plan`, { version: 0, plan });
		assert.equal(s.status, 200, s.text);
		assert.equal((await therapist.get(`/api/v1/enrolments/${eid}/plan`)).data.overdue, 1);
		const c = await inst.login('therapist');
		const start = await c.get('/');
		assert.equal(start.status, 200);
		assert.ok(start.text.includes('Overdue task &lt;script&gt;'), 'not on the start page');
		assert.ok(!start.text.includes(NASTY));
	});
});

describe("another organisation's enrolment", () => {
	test('404 on every route, with none of its data', async () => {
		const eid = await enrolled(foreign);
		await foreign.post(`/api/v1/enrolments/${eid}/steps`, { step: 1, to: 'working' });
		await put(foreign, `/api/v1/enrolments/${eid}/plan`, { version: 0, plan: { ...emptyPlan(), triggers: [`Secret ${MARK_B}`] } });
		for (const path of [`/api/v1/enrolments/${eid}/steps`, `/api/v1/enrolments/${eid}/plan`, `/api/v1/enrolments/${eid}/plan/versions`]) {
			const r = await admin.get(path);
			assert.equal(r.status, 404, path);
			assert.ok(!r.text.includes(MARK_B), `${path} leaks`);
		}
		const w = await admin.post(`/api/v1/enrolments/${eid}/steps`, { step: 2, to: 'working' });
		assert.equal(w.status, 404);
		const pw = await put(admin, `/api/v1/enrolments/${eid}/plan`, { version: 1, plan: emptyPlan() });
		assert.equal(pw.status, 404);
		const c = await inst.login('therapist');
		for (const path of [`/enrolments/${eid}/steps`, `/enrolments/${eid}/plan`, `/enrolments/${eid}/plan/versions`]) {
			const r = await c.get(path);
			assert.equal(r.status, 404, path);
			assert.ok(!r.text.includes(MARK_B), `${path} leaks`);
		}
		const mine = await foreign.get(`/api/v1/enrolments/${eid}/plan`);
		assert.equal(mine.data.plan.triggers[0], `Secret ${MARK_B}`);
	});
});
