// stepwording: an organisation's own wording of the twelve steps (issue 4) — an
// administrator sets it on /settings/steps and it shows, escaped, wherever a step is named
// (the step chart and its table, the group's step grid, the plan's assignments, the
// timeline, the API's step list) in the reader's language, with the standard wording for
// every name left empty; a therapist cannot change it; bad input comes back 422 with the
// field; "reset" puts the standard wording back; another organisation's wording never
// shows. Also: the caseload's overdue assignments (one column, linked to the plan).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';

const NASTY = `<script>'"&`;
const ESC = '&lt;script&gt;&#39;&quot;&amp;';
const pad = (n) => String(n).padStart(2, '0');
const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = () => day(new Date());
const daysAgo = (n) => day(new Date(Date.now() - n * 86400000));

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
/** A person enrolled in a new programme of api's organisation (ours: with the therapist). */
async function enrolled(api = admin, given = `Ord${++seq}`) {
	const mark = api === foreign ? MARK_B : MARK_A;
	const p = await api.post('/api/v1/persons', { given_name: given, family_name: `Person ${mark}` });
	assert.equal(p.status, 201, p.text);
	const prog = await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Ordprogram ${++seq} ${mark}` });
	assert.equal(prog.status, 201, prog.text);
	const body = { person_id: p.data.person.id, programme_id: prog.data.programme.id };
	if (api !== foreign) body.therapist_id = therapistId;
	const e = await api.post('/api/v1/enrolments', body);
	assert.equal(e.status, 201, e.text);
	return { eid: e.data.enrolment.id, pid: p.data.person.id, prog: prog.data.programme.id };
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
const assignment = (o) => ({ done: null, goal: null, review_note: '', reviewed: null, status: 'given', step: null, ...o });
const put = (api, path, json) => api.request('PUT', path, { json });

/** Posts the wording form as the client c; fields maps "name-4-nb" → value. */
async function saveWording(c, fields) {
	const csrf = await c.csrf('/settings/steps');
	return c.post('/settings/steps', { form: { csrf, ...fields } });
}
async function setLang(c, lang) {
	const r = await c.post('/account/language', { form: { csrf: await c.csrf('/account'), lang } });
	assert.equal(r.status, 303, r.text.slice(0, 300));
}

const NB4 = `Ærlig oppgjør ${NASTY}`;
const EN4 = 'Taking an honest look';

describe('the settings page', () => {
	test('an administrator sees every step in three languages, with the standard wording shown', async () => {
		const c = await inst.login('admin');
		const r = await c.get('/settings/steps');
		assert.equal(r.status, 200, r.text.slice(0, 300));
		for (let s = 1; s <= 12; s++)
			for (const l of ['nb', 'sv', 'en']) assert.ok(r.text.includes(`name="name-${s}-${l}"`), `no field name-${s}-${l}`);
		assert.equal((r.text.match(/<label/g) || []).length >= 36, true, 'labels missing');
		assert.ok(r.text.includes('Selvransakelse'), 'the standard wording is not shown');
		assert.equal((r.text.match(/<h1/g) || []).length, 1);
		assert.ok(!/style=/.test(r.text), 'inline style');
		const start = await c.get('/');
		assert.ok(start.text.includes('href="/settings/steps"'), 'no link in the menu');
	});

	test('a therapist can neither see nor change the wording', async () => {
		const c = await inst.login('therapist');
		assert.equal((await c.get('/settings/steps')).status, 403);
		const csrf = await c.csrf('/account');
		const r = await c.post('/settings/steps', { form: { csrf, 'name-1-nb': 'Hijacked' } });
		assert.equal(r.status, 403);
		const reset = await c.post('/settings/steps/reset', { form: { csrf } });
		assert.equal(reset.status, 403);
		const start = await c.get('/');
		assert.ok(!start.text.includes('href="/settings/steps"'), 'a menu link for a therapist');
		const { eid } = await enrolled();
		const page = await c.get(`/enrolments/${eid}/steps`);
		assert.ok(!page.text.includes('Hijacked'));
	});

	test('bad input: 422 with the message at the field, the input kept escaped, nothing saved', async () => {
		const c = await inst.login('admin');
		const cases = [
			['name-4-sv', 'x'.repeat(101), /at most 100 bytes|høyst 100 byte|högst 100 byte/],
			['name-7-en', 'Tab\tinside', /not allowed|ikke er tillatt|inte tillåtna/],
			['name-12-nb', 'Two\nlines', /not allowed|ikke er tillatt|inte tillåtna/],
			['name-2-nb', 'C1 \u0085 control', /not allowed|ikke er tillatt|inte tillåtna/],
		];
		for (const [field, value, msg] of cases) {
			const r = await saveWording(c, { 'name-1-nb': `Kept ${NASTY}`, [field]: value });
			assert.equal(r.status, 422, `${field}: ${r.status}`);
			assert.match(r.text, /error-summary/);
			assert.ok(r.text.includes(`id="f-${field}-error"`), `${field}: no message at the field`);
			assert.match(r.text, msg, field);
			assert.ok(r.text.includes(`Kept ${ESC}`), 'the input is not kept');
			assert.ok(!r.text.includes(NASTY), 'unescaped');
		}
		const page = await c.get('/settings/steps');
		assert.ok(!page.text.includes('Kept'), 'a refused form saved something');
		const noCsrf = await c.post('/settings/steps', { form: { 'name-1-nb': 'Without token' } });
		assert.equal(noCsrf.status, 403);
	});
});

describe('the wording where steps are named', () => {
	let A, gid, foreignE;
	before(async () => {
		A = await enrolled(admin, 'Ordperson');
		for (const to of ['working', 'presented']) {
			const s = await therapist.post(`/api/v1/enrolments/${A.eid}/steps`, { step: 4, to, date: today(), reason: 'Worked before' });
			assert.ok(s.status === 200 || s.status === 422, s.text);
		}
		const g = await admin.post(`/api/v1/programmes/${A.prog}/groups`, { name: `Ordgruppe ${MARK_A}`, capacity: 10 });
		assert.equal(g.status, 201, g.text);
		gid = g.data.group.id;
		const m = await admin.post(`/api/v1/groups/${gid}/members`, { enrolment_id: A.eid, from: today() });
		assert.equal(m.status, 201, m.text);
		const plan = { ...emptyPlan(), assignments: [assignment({ id: 1, step: 4, given: today(), due: today(), text: 'Write it down' })] };
		const s = await put(therapist, `/api/v1/enrolments/${A.eid}/plan`, { version: 0, plan });
		assert.equal(s.status, 200, s.text);
		// Another organisation words step 4 its own way.
		foreignE = await enrolled(foreign, 'Fremmed');
		const fc = await inst.login('foreignAdmin');
		const fr = await saveWording(fc, { 'name-4-nb': `Fremmed ordlyd ${MARK_B}`, 'name-4-en': `Foreign wording ${MARK_B}` });
		assert.equal(fr.status, 303, fr.text.slice(0, 500));
		// Ours.
		const c = await inst.login('admin');
		const r = await saveWording(c, { 'name-4-nb': `  ${NB4}  `, 'name-4-en': EN4, 'name-1-sv': '' });
		assert.equal(r.status, 303, r.text.slice(0, 500));
		assert.match(r.location, /\/settings\/steps\?saved=1$/);
	});

	test('the settings page keeps it (trimmed, escaped) and the audit log has the change without the text', async () => {
		const c = await inst.login('admin');
		const page = await c.get('/settings/steps?saved=1');
		assert.equal(page.status, 200);
		assert.ok(page.text.includes(`value="Ærlig oppgjør ${ESC}"`), 'the saved value is not shown trimmed and escaped');
		assert.ok(!page.text.includes(NASTY));
		assert.ok(!page.text.includes(MARK_B), "another organisation's wording shows");
		const a = await admin.get('/api/v1/audit?action=steps.wording&limit=100');
		assert.equal(a.status, 200, a.text);
		assert.ok(a.data.entries.some((e) => e.detail === 'names 2'), JSON.stringify(a.data.entries));
		assert.ok(!a.text.includes('Ærlig'), 'the audit detail carries the text');
	});

	test('chart, table, plan, grid, timeline and API in bokmål use it; other steps keep the standard wording', async () => {
		const c = await inst.login('therapist');
		const chart = await c.get(`/enrolments/${A.eid}/steps`);
		assert.equal(chart.status, 200);
		assert.ok(chart.text.includes(`Ærlig oppgjør ${ESC}`), 'not on the chart page');
		assert.ok(!chart.text.includes(NASTY), 'unescaped on the chart page');
		assert.ok(!chart.text.includes('Selvransakelse<'), 'the standard name of step 4 still shows');
		assert.ok(chart.text.includes('Innrømme maktesløshet'), 'step 1 lost its standard name');
		assert.ok(!chart.text.includes(MARK_B), "another organisation's wording");
		const svg = chart.text.slice(chart.text.indexOf('<svg'), chart.text.indexOf('</svg>'));
		assert.ok(svg.includes('Ærlig oppgjør'), 'not in the chart itself');
		const plan = await c.get(`/enrolments/${A.eid}/plan`);
		assert.equal(plan.status, 200);
		assert.ok(plan.text.includes(`Steg 4: Ærlig oppgjør ${ESC}`), 'not at the assignment');
		assert.ok(!plan.text.includes(NASTY));
		const grid = await c.get(`/groups/${gid}/steps`);
		assert.equal(grid.status, 200);
		assert.ok(grid.text.includes(`Steg 4: Ærlig oppgjør ${ESC}`), 'not in the grid');
		assert.ok(!grid.text.includes(NASTY));
		const person = await c.get(`/persons/${A.pid}?show=steps`);
		assert.equal(person.status, 200);
		assert.ok(person.text.includes(`Steg 4: Ærlig oppgjør ${ESC}`), 'not in the timeline');
		assert.ok(!person.text.includes(NASTY));
		const api = await therapist.get(`/api/v1/enrolments/${A.eid}/steps`);
		assert.equal(api.status, 200);
		assert.equal(api.data.steps[3].name, NB4);
		assert.equal(api.data.steps[0].name, 'Innrømme maktesløshet');
		for (const p of [chart, plan, grid, person]) assert.ok(!p.text.includes(MARK_B), "another organisation's wording");
	});

	test('in English the English wording, in Swedish the standard Swedish name (none was set)', async () => {
		const c = await inst.login('coordinator');
		await setLang(c, 'en');
		const en = await c.get(`/enrolments/${A.eid}/steps`);
		assert.ok(en.text.includes(EN4), 'the English wording is missing');
		assert.ok(!en.text.includes('Ærlig oppgjør'), 'the bokmål wording in English');
		assert.ok(en.text.includes('Admitting powerlessness'));
		const grid = await c.get(`/groups/${gid}/steps`);
		assert.ok(grid.text.includes(`Step 4: ${EN4}`), 'not in the English grid');
		await setLang(c, 'sv');
		const sv = await c.get(`/enrolments/${A.eid}/plan`);
		assert.ok(sv.text.includes('Steg 4: Självrannsakan'), 'the standard Swedish name is missing');
		assert.ok(!sv.text.includes(EN4) && !sv.text.includes('Ærlig'), 'another language’s wording');
		await setLang(c, 'nb');
	});

	test("another organisation sees only its own wording", async () => {
		const fc = await inst.login('foreignAdmin');
		const page = await fc.get(`/enrolments/${foreignE.eid}/steps`);
		assert.equal(page.status, 200);
		assert.ok(page.text.includes(`Fremmed ordlyd ${MARK_B}`));
		assert.ok(!page.text.includes('Ærlig oppgjør'), 'our wording in the other organisation');
		const api = await foreign.get(`/api/v1/enrolments/${foreignE.eid}/steps`);
		assert.equal(api.data.steps[3].name, `Fremmed ordlyd ${MARK_B}`);
		// And our enrolment is not theirs to read.
		assert.equal((await fc.get(`/enrolments/${A.eid}/steps`)).status, 404);
	});

	test('the standard wording typed again is not stored; reset puts the standard wording back everywhere', async () => {
		const c = await inst.login('admin');
		const same = await saveWording(c, { 'name-4-nb': NB4, 'name-4-en': EN4, 'name-5-nb': 'Dele selvransakelsen' });
		assert.equal(same.status, 303);
		const a = await admin.get('/api/v1/audit?action=steps.wording&limit=100');
		assert.ok(a.data.entries.filter((e) => e.detail === 'names 2').length >= 2, 'the standard name was counted as wording');
		const settings = await c.get('/settings/steps');
		assert.ok(!settings.text.includes('value="Dele selvransakelsen"'));
		const csrf = await c.csrf('/settings/steps');
		const r = await c.post('/settings/steps/reset', { form: { csrf } });
		assert.equal(r.status, 303);
		assert.match(r.location, /\/settings\/steps\?reset=1$/);
		const t = await inst.login('therapist');
		const chart = await t.get(`/enrolments/${A.eid}/steps`);
		assert.ok(chart.text.includes('Selvransakelse'), 'the standard name is not back');
		assert.ok(!chart.text.includes('Ærlig oppgjør'), 'the wording survived the reset');
		const api = await therapist.get(`/api/v1/enrolments/${A.eid}/steps`);
		assert.equal(api.data.steps[3].name, 'Selvransakelse');
		const after = await admin.get('/api/v1/audit?action=steps.wording&limit=100');
		assert.ok(after.data.entries.some((e) => e.detail === 'reset'), 'no audit entry for the reset');
		// The other organisation keeps its wording.
		const f = await foreign.get(`/api/v1/enrolments/${foreignE.eid}/steps`);
		assert.equal(f.data.steps[3].name, `Fremmed ordlyd ${MARK_B}`);
	});
});

describe('overdue assignments in the caseload', () => {
	test('a count per person, linked to the plan; none for a person without overdue work', async () => {
		const late = await enrolled(admin, `Sen${++seq}`);
		const plan = {
			...emptyPlan(),
			assignments: [
				assignment({ id: 1, step: 4, given: daysAgo(10), due: daysAgo(3), text: 'Late one' }),
				assignment({ id: 2, step: 5, given: daysAgo(10), due: daysAgo(1), text: 'Late two' }),
				assignment({ id: 3, step: 6, given: daysAgo(10), due: today(), text: 'Due today' }),
			],
		};
		const s = await put(therapist, `/api/v1/enrolments/${late.eid}/plan`, { version: 0, plan });
		assert.equal(s.status, 200, s.text);
		const fine = await enrolled(admin, `Punktlig${++seq}`);
		const c = await inst.login('therapist');
		const r = await c.get('/caseload?sort=started');
		assert.equal(r.status, 200, r.text.slice(0, 300));
		assert.match(r.text, /<th scope="col">Oppgaver over frist<\/th>/);
		const row = (eid) => {
			const at = r.text.indexOf(`/enrolments/${eid}/progress`);
			assert.ok(at > 0, `no row for ${eid}`);
			return r.text.slice(at, r.text.indexOf('</tr>', at));
		};
		const lateRow = row(late.eid);
		assert.ok(lateRow.includes(`href="/enrolments/${late.eid}/plan"`), 'no link to the plan');
		assert.match(lateRow, /data-fact="overdue">.*2 over frist/);
		assert.match(row(fine.eid), /data-fact="overdue">0</);
		// Done work is no longer overdue.
		const done = { ...plan, assignments: plan.assignments.map((a) => (a.id === 1 ? { ...a, status: 'done', done: today() } : a)) };
		const s2 = await put(therapist, `/api/v1/enrolments/${late.eid}/plan`, { version: 1, plan: done });
		assert.equal(s2.status, 200, s2.text);
		const r2 = await c.get('/caseload?sort=started');
		const at = r2.text.indexOf(`/enrolments/${late.eid}/progress`);
		assert.match(r2.text.slice(at, r2.text.indexOf('</tr>', at)), /data-fact="overdue">.*1 over frist/);
	});
});
