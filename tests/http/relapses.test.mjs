// relapses: relapse follow-up (issue 6) — a relapse recorded through the pages and the API,
// bad input for each field (422 with the field), confirm → pause → resume with the
// enrolment's status checked through the API, the sober-since date (shown only where the
// organisation turns it on, reset by a confirmed relapse), the response and the referral to
// detox, the drafts on the start page and the person page, the timeline (status, never free
// text), another organisation's ids (404, none of its data), escaping, and the audit trail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';

const NASTY = `<script>'"&`;
const ESCAPED = '&lt;script&gt;';
const pad = (n) => String(n).padStart(2, '0');
const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = () => day(new Date());
const daysAgo = (n) => day(new Date(Date.now() - n * 86400000));

let inst, admin, therapist, coordinator, foreign, auditor, therapistId;
before(async () => {
	inst = await startInstance();
	admin = inst.api('admin');
	therapist = inst.api('therapist');
	coordinator = inst.api('coordinator');
	foreign = inst.api('foreignAdmin');
	auditor = inst.api('auditor');
	const me = await therapist.get('/api/v1/me');
	therapistId = me.data.user.id;
});
after(async () => {
	await inst?.stop();
});

let seq = 0;
async function person(api = admin) {
	const mark = api === foreign ? MARK_B : MARK_A;
	const p = await api.post('/api/v1/persons', { given_name: `Tilbake${++seq}`, family_name: `Person ${mark}` });
	assert.equal(p.status, 201, p.text);
	return p.data.person.id;
}
/** A person enrolled (30 days ago) in a new programme, with the therapist as primary therapist. */
async function enrolled(api = admin) {
	const pid = await person(api);
	const mark = api === foreign ? MARK_B : MARK_A;
	const prog = await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Tilbakefallprogram ${++seq} ${mark}` });
	assert.equal(prog.status, 201, prog.text);
	const body = { person_id: pid, programme_id: prog.data.programme.id, start_date: daysAgo(30) };
	if (api !== foreign) body.therapist_id = therapistId;
	const e = await api.post('/api/v1/enrolments', body);
	assert.equal(e.status, 201, e.text);
	return { pid, eid: e.data.enrolment.id };
}
const relapse = (api, pid, body) => api.post(`/api/v1/persons/${pid}/relapses`, body);

describe('relapses API', () => {
	test('bad input for each field is 422 with the field; nothing is stored', async () => {
		const pid = await person();
		const ok = { date: daysAgo(1), substances: ['alcohol'], source: 'told' };
		const cases = [
			[{ ...ok, date: '' }, 'date'],
			[{ ...ok, date: '2025-02-30' }, 'date'],
			[{ ...ok, date: '2199-01-01' }, 'date'],
			[{ ...ok, substances: ['Alcohol'] }, 'substances'],
			[{ ...ok, substances: `can${NASTY}` }, 'substances'],
			[{ ...ok, substances: ['x'.repeat(33)] }, 'substances'],
			[{ ...ok, source: 'rumour' }, 'source'],
			[{ ...ok, source: 'test' }, 'test_id'],
			[{ ...ok, source: 'test', test_id: 0 }, 'test_id'],
			[{ ...ok, test_id: 5 }, 'test_id'],
			[{ ...ok, source: 'other' }, 'source_text'],
			[{ ...ok, source: 'other', source_text: 'x'.repeat(501) }, 'source_text'],
			[{ ...ok, source_text: 'only for other' }, 'source_text'],
		];
		for (const [body, field] of cases) {
			const r = await relapse(therapist, pid, body);
			assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
			assert.equal(r.data.error.field, field, JSON.stringify(body).slice(0, 80));
		}
		const types = [
			[{ ...ok, test_id: 'abc' }, 'test_id'],
			[{ ...ok, date: 5 }, 'date'],
			[{ ...ok, substances: [1] }, 'substances'],
			[{ ...ok, unknown: 1 }, null],
		];
		for (const [body] of types) {
			const r = await relapse(therapist, pid, body);
			assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
		}
		const list = await therapist.get(`/api/v1/persons/${pid}/relapses`);
		assert.equal(list.status, 200);
		assert.equal(list.data.items.length, 0);
		assert.equal(list.data.sober_since_shown, false);
		assert.ok(!('sober_since' in list.data));
	});

	test('confirm → pause → resume, with the enrolment checked through the API; never ended', async () => {
		const { pid, eid } = await enrolled();
		const r = await relapse(therapist, pid, { date: daysAgo(2), substances: 'cannabis, opioids', source: 'told' });
		assert.equal(r.status, 201, r.text);
		const id = r.data.id;
		assert.equal(r.data.status, 'draft');
		assert.equal(r.data.enrolment_id, eid);
		assert.deepEqual(r.data.substances, ['cannabis', 'opioids']);
		// Not paused before it is asked for; resume without a pause is refused.
		assert.equal((await therapist.post(`/api/v1/relapses/${id}/resume`, {})).status, 409);
		// Decisions: an unknown word, a reject without a reason, keep of a draft.
		const unk = await therapist.post(`/api/v1/relapses/${id}/decision`, { decision: 'approve' });
		assert.equal(unk.status, 422);
		assert.equal(unk.data.error.field, 'decision');
		const noReason = await therapist.post(`/api/v1/relapses/${id}/decision`, { decision: 'reject' });
		assert.equal(noReason.status, 422);
		assert.equal(noReason.data.error.field, 'reason');
		assert.equal((await therapist.post(`/api/v1/relapses/${id}/decision`, { decision: 'keep' })).status, 409);
		const none = await therapist.post(`/api/v1/relapses/${id}/decision`, {});
		assert.equal(none.status, 422);
		assert.equal(none.data.error.field, 'decision');
		const conf = await therapist.post(`/api/v1/relapses/${id}/decision`, { decision: 'confirm' });
		assert.equal(conf.status, 200, conf.text);
		assert.equal(conf.data.status, 'confirmed');
		assert.equal(conf.data.decided_by, therapistId);
		assert.equal((await therapist.post(`/api/v1/relapses/${id}/decision`, { decision: 'confirm' })).status, 409);
		assert.equal((await therapist.post(`/api/v1/relapses/${id}/decision`, { decision: 'reject', reason: 'x' })).status, 409);

		const badDate = await therapist.post(`/api/v1/relapses/${id}/pause`, { date: '2199-01-01' });
		assert.equal(badDate.status, 422);
		assert.equal(badDate.data.error.field, 'date');
		const pause = await therapist.post(`/api/v1/relapses/${id}/pause`, { date: today() });
		assert.equal(pause.status, 200, pause.text);
		assert.equal(pause.data.paused_enrolment_id, eid);
		assert.equal(pause.data.paused_on, today());
		let e = await therapist.get(`/api/v1/enrolments/${eid}`);
		assert.equal(e.status, 200);
		assert.equal(e.data.enrolment.status, 'paused');
		assert.equal((await therapist.post(`/api/v1/relapses/${id}/pause`, {})).status, 409);
		const resume = await therapist.post(`/api/v1/relapses/${id}/resume`, { date: today() });
		assert.equal(resume.status, 200, resume.text);
		assert.equal(resume.data.resumed_on, today());
		e = await therapist.get(`/api/v1/enrolments/${eid}`);
		assert.equal(e.data.enrolment.status, 'active');
		assert.equal(e.data.enrolment.pauses, 1);
		// The pause names the relapse, on the enrolment's own history.
		const tl = await therapist.get(`/api/v1/persons/${pid}/timeline`);
		assert.equal(tl.status, 200, tl.text);
		const pauseItem = tl.data.timeline.find((x) => x.type === 'enrolment' && x.kind === 'pause');
		assert.ok(pauseItem, 'no pause on the timeline');
		assert.equal(pauseItem.text, `relapse #${id}`);
		const rItem = tl.data.timeline.find((x) => x.type === 'relapse');
		assert.ok(rItem, 'no relapse on the timeline');
		assert.equal(rItem.kind, 'confirmed');
		assert.equal(rItem.relapse_id, id);
		assert.equal(rItem.text, '');
		const only = await therapist.get(`/api/v1/persons/${pid}/timeline?show=relapses`);
		assert.ok(only.data.timeline.length >= 1 && only.data.timeline.every((x) => x.type === 'relapse'));
	});

	test('the response: each field validated, stored, cleared; rejected relapses take none', async () => {
		const { pid, eid } = await enrolled();
		const plan = { assignments: [], crisis: { contacts: '', helps: '' }, format: 1, goals: [], steps_worked: null, triggers: [], warning_signs: [] };
		const saved = await therapist.request('PUT', `/api/v1/enrolments/${eid}/plan`, { json: { version: 0, plan } });
		assert.equal(saved.status, 200, saved.text);
		const id = (await relapse(therapist, pid, { date: daysAgo(3), substances: [], source: 'other', source_text: `Naboen fortalte ${NASTY}` })).data.id;
		const bad = [
			[{ conversation_date: '2025-13-01' }, 'conversation_date'],
			[{ conversation_date: '2199-01-01' }, 'conversation_date'],
			[{ plan_version: 0 }, 'plan_version'],
			[{ plan_version: 2 }, 'plan_version'],
			[{ extra_sessions: 101 }, 'extra_sessions'],
			[{ extra_sessions: -1 }, 'extra_sessions'],
			[{ extra_sessions_text: 'x'.repeat(501) }, 'extra_sessions_text'],
			[{ physician_date: 'tomorrow' }, 'physician_date'],
			[{ physician_status: 'maybe' }, 'physician_status'],
			[{ physician_date: daysAgo(1) }, 'physician_status'],
			[{ detox_status: 'planned' }, 'detox_destination'],
			[{ detox_destination: 'x'.repeat(201), detox_status: 'planned' }, 'detox_destination'],
			[{ detox_destination: 'A', detox_status: 'gone' }, 'detox_status'],
			[{ detox_destination: 'A' }, 'detox_status'],
			[{ detox_date: 'x', detox_destination: 'A', detox_status: 'planned' }, 'detox_date'],
		];
		for (const [body, field] of bad) {
			const r = await therapist.patch(`/api/v1/relapses/${id}`, body);
			assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
			assert.equal(r.data.error.field, field, JSON.stringify(body).slice(0, 80));
		}
		assert.equal((await therapist.patch(`/api/v1/relapses/${id}`, { plan_version: 'two' })).status, 400);
		assert.equal((await therapist.patch(`/api/v1/relapses/${id}`, { status: 'confirmed' })).status, 400);
		const good = await therapist.patch(`/api/v1/relapses/${id}`, {
			conversation_date: daysAgo(1),
			plan_version: 1,
			extra_sessions: 3,
			extra_sessions_text: `Twice a week ${NASTY}`,
			physician_date: daysAgo(1),
			physician_status: 'done',
			detox_destination: `Avgiftning ${NASTY}`,
			detox_date: daysAgo(-7),
			detox_status: 'planned',
		});
		assert.equal(good.status, 200, good.text);
		assert.equal(good.data.extra_sessions, 3);
		assert.equal(good.data.plan_version, 1);
		assert.equal(good.data.detox_status, 'planned');
		assert.equal(good.data.detox_destination, `Avgiftning ${NASTY}`);
		assert.equal(good.data.status, 'draft', 'the response does not decide');
		// PATCH keeps what it does not name; null clears.
		const part = await therapist.patch(`/api/v1/relapses/${id}`, { detox_status: 'admitted', plan_version: null });
		assert.equal(part.status, 200, part.text);
		assert.equal(part.data.detox_status, 'admitted');
		assert.equal(part.data.plan_version, null);
		assert.equal(part.data.extra_sessions, 3);
		// The page escapes every free text.
		const c = await inst.login('therapist');
		const page = await c.get(`/relapses/${id}`);
		assert.equal(page.status, 200);
		assert.ok(!page.text.includes(NASTY), 'unescaped text');
		assert.ok(page.text.includes(`Naboen fortalte ${ESCAPED}`));
		assert.ok(page.text.includes(`Avgiftning ${ESCAPED}`));
		assert.equal((page.text.match(/<h1/g) || []).length, 1);
		// Rejected: no response, no pause.
		const rej = await therapist.post(`/api/v1/relapses/${id}/decision`, { decision: 'reject', reason: `No ${NASTY}` });
		assert.equal(rej.status, 200, rej.text);
		assert.equal(rej.data.decision_reason, `No ${NASTY}`);
		assert.equal((await therapist.patch(`/api/v1/relapses/${id}`, { extra_sessions: 1 })).status, 409);
		assert.equal((await therapist.post(`/api/v1/relapses/${id}/pause`, {})).status, 409);
		// The timeline shows the status, never the free texts.
		const pp = await c.get(`/persons/${pid}`);
		assert.ok(pp.text.includes(`/relapses/${id}"`), 'no relapse on the person page');
		assert.ok(!pp.text.includes('Naboen fortalte'), 'free text on the person page');
		assert.ok(!pp.text.includes('Twice a week'), 'free text on the person page');
	});

	test("another organisation's ids are 404 and show none of its data", async () => {
		const { pid } = await enrolled(foreign);
		const x = await relapse(foreign, pid, { date: daysAgo(1), substances: ['cocaine'], source: 'other', source_text: `Secret ${MARK_B}` });
		assert.equal(x.status, 201, x.text);
		const id = x.data.id;
		for (const [m, path, body] of [
			['GET', `/api/v1/relapses/${id}`],
			['PATCH', `/api/v1/relapses/${id}`, { extra_sessions: 1 }],
			['POST', `/api/v1/relapses/${id}/decision`, { decision: 'confirm' }],
			['POST', `/api/v1/relapses/${id}/pause`, {}],
			['POST', `/api/v1/relapses/${id}/resume`, {}],
			['GET', `/api/v1/persons/${pid}/relapses`],
			['POST', `/api/v1/persons/${pid}/relapses`, { date: daysAgo(1), source: 'told' }],
			['PUT', `/api/v1/persons/${pid}/sober-since`, { date: daysAgo(1) }],
		]) {
			const r = await therapist.request(m, path, body ? { json: body } : {});
			assert.equal(r.status, 404, `${m} ${path}: ${r.text}`);
			assert.ok(!r.text.includes(MARK_B), `${m} ${path} leaks`);
		}
		const c = await inst.login('therapist');
		for (const path of [`/relapses/${id}`, `/persons/${pid}/relapses`]) {
			const r = await c.get(path);
			assert.equal(r.status, 404, path);
			assert.ok(!r.text.includes(MARK_B));
		}
		const csrf = await c.csrf('/');
		for (const path of [`/relapses/${id}/decision`, `/relapses/${id}/pause`, `/relapses/${id}`]) {
			const r = await c.post(path, { form: { csrf, decision: 'confirm', date: '' } });
			assert.equal(r.status, 404, path);
		}
		const still = await foreign.get(`/api/v1/relapses/${id}`);
		assert.equal(still.data.status, 'draft');
		// The auditor has no access to relapse records.
		assert.equal((await auditor.get(`/api/v1/relapses/${id}`)).status, 403);
	});
});

describe('sober-since', () => {
	test('off until the administrator turns it on; set by staff, reset by a confirmed relapse', async () => {
		const pid = await person();
		const off = await therapist.request('PUT', `/api/v1/persons/${pid}/sober-since`, { json: { date: daysAgo(100) } });
		assert.equal(off.status, 409, off.text);
		// The settings page: admin only, a bad value is 400.
		const tc = await inst.login('therapist');
		assert.equal((await tc.get('/settings/relapses')).status, 403);
		const ac = await inst.login('admin');
		const sp = await ac.get('/settings/relapses');
		assert.equal(sp.status, 200);
		const csrf = await ac.csrf('/settings/relapses');
		assert.equal((await ac.post('/settings/relapses', { form: { csrf, sober_since: 'maybe' } })).status, 400);
		const on = await ac.post('/settings/relapses', { form: { csrf, sober_since: 'on' } });
		assert.equal(on.status, 303, on.text.slice(0, 300));
		try {
			const future = await therapist.request('PUT', `/api/v1/persons/${pid}/sober-since`, { json: { date: '2199-01-01' } });
			assert.equal(future.status, 422);
			assert.equal(future.data.error.field, 'sober_since');
			const set = await therapist.request('PUT', `/api/v1/persons/${pid}/sober-since`, { json: { date: daysAgo(100) } });
			assert.equal(set.status, 200, set.text);
			assert.equal(set.data.sober_since, daysAgo(100));
			const page = await tc.get(`/persons/${pid}`);
			assert.ok(page.text.includes(daysAgo(100)), 'sober-since not on the person page');
			// A draft does not change it; rejecting does not; confirming does (day after).
			const a = (await relapse(therapist, pid, { date: daysAgo(10), source: 'told' })).data.id;
			let l = await therapist.get(`/api/v1/persons/${pid}/relapses`);
			assert.equal(l.data.sober_since, daysAgo(100));
			await therapist.post(`/api/v1/relapses/${a}/decision`, { decision: 'reject', reason: 'Not a relapse' });
			l = await therapist.get(`/api/v1/persons/${pid}/relapses`);
			assert.equal(l.data.sober_since, daysAgo(100));
			const b = (await relapse(therapist, pid, { date: daysAgo(10), source: 'told' })).data.id;
			await therapist.post(`/api/v1/relapses/${b}/decision`, { decision: 'confirm' });
			l = await therapist.get(`/api/v1/persons/${pid}/relapses`);
			assert.equal(l.data.sober_since_shown, true);
			assert.equal(l.data.sober_since, daysAgo(9));
			// Cleared by staff.
			const clr = await therapist.request('PUT', `/api/v1/persons/${pid}/sober-since`, { json: { date: null } });
			assert.equal(clr.status, 200);
			assert.equal(clr.data.sober_since, null);
			// The page form: a bad date is 422 next to the field.
			const c2 = await tc.csrf(`/persons/${pid}/relapses`);
			const bad = await tc.post(`/persons/${pid}/sober-since`, { form: { csrf: c2, sober_since: 'soon' } });
			assert.equal(bad.status, 422);
			assert.match(bad.text, /id="f-sober_since-error"/);
			const good = await tc.post(`/persons/${pid}/sober-since`, { form: { csrf: c2, sober_since: daysAgo(5) } });
			assert.equal(good.status, 303);
			const rp = await tc.get(`/persons/${pid}/relapses`);
			assert.ok(rp.text.includes(daysAgo(5)));
		} finally {
			const csrf2 = await ac.csrf('/settings/relapses');
			await ac.post('/settings/relapses', { form: { csrf: csrf2, sober_since: 'off' } });
		}
		const hidden = await therapist.get(`/api/v1/persons/${pid}/relapses`);
		assert.equal(hidden.data.sober_since_shown, false);
		const page = await tc.get(`/persons/${pid}/relapses`);
		assert.ok(!page.text.includes('data-sober-since'), 'shown while turned off');
	});
});

describe('relapse pages', () => {
	test('record with bad input kept and escaped, confirm from the start page, pause and resume', async () => {
		const { pid, eid } = await enrolled();
		const c = await inst.login('therapist');
		const list = await c.get(`/persons/${pid}/relapses`);
		assert.equal(list.status, 200);
		assert.equal((list.text.match(/<h1/g) || []).length, 1);
		assert.ok(!/style=/.test(list.text), 'inline style');
		const csrf = await c.csrf(`/persons/${pid}/relapses`);
		const noCsrf = await c.post(`/persons/${pid}/relapses`, { form: { date: today(), source: 'told' } });
		assert.equal(noCsrf.status, 403);
		for (const [form, field] of [
			[{ date: '2199-01-01', source: 'told' }, 'date'],
			[{ date: today(), source: 'told', substances: 'Bad!' }, 'substances'],
			[{ date: today(), source: 'nope' }, 'source'],
			[{ date: today(), source: 'test', test_id: 'x' }, 'test_id'],
			[{ date: today(), source: 'other', source_text: '' }, 'source_text'],
		]) {
			const r = await c.post(`/persons/${pid}/relapses`, { form: { csrf, ...form } });
			assert.equal(r.status, 422, JSON.stringify(form));
			assert.match(r.text, new RegExp(`id="f-${field}-error"`));
		}
		const kept = await c.post(`/persons/${pid}/relapses`, { form: { csrf, date: '2199-01-01', source: 'other', source_text: `kept ${NASTY}` } });
		assert.equal(kept.status, 422);
		assert.ok(!kept.text.includes(NASTY));
		assert.ok(kept.text.includes(`kept ${ESCAPED}`));
		const made = await c.post(`/persons/${pid}/relapses`, { form: { csrf, date: today(), substances: 'alcohol', source: 'told' } });
		assert.equal(made.status, 303, made.text.slice(0, 500));
		const id = Number(new URL(made.location, inst.base).pathname.split('/').pop());
		// The draft on the therapist's start page and on the person page.
		const start = await c.get('/');
		assert.ok(start.text.includes(`/relapses/${id}"`), 'draft not on the start page');
		const pp = await c.get(`/persons/${pid}`);
		assert.ok(pp.text.includes(`/persons/${pid}/relapses"`));
		assert.match(pp.text, /data-relapse-drafts/);
		// Confirm, then pause and resume from the relapse page.
		const view = await c.get(`/relapses/${id}`);
		assert.match(view.text, new RegExp(`action="/relapses/${id}/decision"`));
		assert.match(view.text, new RegExp(`action="/relapses/${id}/pause"`));
		assert.ok(view.text.includes(`/enrolments/${eid}/plan`), 'no link to the plan');
		const rejNo = await c.post(`/relapses/${id}/decision`, { form: { csrf, decision: 'reject', reason: '' } });
		assert.equal(rejNo.status, 422);
		assert.match(rejNo.text, /id="f-reason-error"/);
		const conf = await c.post(`/relapses/${id}/decision`, { form: { csrf, decision: 'confirm' } });
		assert.equal(conf.status, 303);
		const again = await c.post(`/relapses/${id}/decision`, { form: { csrf, decision: 'confirm' } });
		assert.equal(again.status, 409);
		const start2 = await c.get('/');
		assert.ok(!start2.text.includes(`/relapses/${id}"`), 'decided draft still on the start page');
		const badPause = await c.post(`/relapses/${id}/pause`, { form: { csrf, date: 'never' } });
		assert.equal(badPause.status, 422);
		assert.match(badPause.text, /id="f-date-error"/);
		const pause = await c.post(`/relapses/${id}/pause`, { form: { csrf, date: today() } });
		assert.equal(pause.status, 303, pause.text.slice(0, 500));
		assert.equal((await therapist.get(`/api/v1/enrolments/${eid}`)).data.enrolment.status, 'paused');
		const paused = await c.get(`/relapses/${id}`);
		assert.match(paused.text, /data-relapse-pause/);
		assert.match(paused.text, new RegExp(`action="/relapses/${id}/resume"`));
		const resume = await c.post(`/relapses/${id}/resume`, { form: { csrf, date: today() } });
		assert.equal(resume.status, 303);
		assert.equal((await therapist.get(`/api/v1/enrolments/${eid}`)).data.enrolment.status, 'active');
		// The response through the page: a bad count is 422 next to the field.
		const badResp = await c.post(`/relapses/${id}`, { form: { csrf, extra_sessions: 'many', physician_status: '', detox_status: '' } });
		assert.equal(badResp.status, 422);
		assert.match(badResp.text, /id="f-extra_sessions-error"/);
		const resp = await c.post(`/relapses/${id}`, { form: { csrf, extra_sessions: '2', physician_status: 'planned', physician_date: today(), detox_status: '' } });
		assert.equal(resp.status, 303, resp.text.slice(0, 400));
		// The plan page links to the relapse.
		const plan = await c.get(`/enrolments/${eid}/plan`);
		assert.equal(plan.status, 200);
		assert.ok(plan.text.includes(`/relapses/${id}"`), 'the plan does not link the relapse');
	});

	test('another therapist (not primary) may not pause; a coordinator may', async () => {
		const { pid, eid } = await enrolled();
		const id = (await relapse(therapist, pid, { date: today(), source: 'told' })).data.id;
		// The primary therapist is "therapist"; the admin is not a therapist but may change any.
		const r = await coordinator.post(`/api/v1/relapses/${id}/pause`, {});
		assert.equal(r.status, 200, r.text);
		assert.equal((await therapist.get(`/api/v1/enrolments/${eid}`)).data.enrolment.status, 'paused');
		const back = await therapist.post(`/api/v1/relapses/${id}/resume`, {});
		assert.equal(back.status, 200, back.text);
	});

	test('the audit log names the relapse actions without free text', async () => {
		const { pid } = await enrolled();
		const id = (await relapse(therapist, pid, { date: today(), source: 'other', source_text: 'Hemmelig kilde' })).data.id;
		await therapist.get(`/api/v1/relapses/${id}`);
		await therapist.post(`/api/v1/relapses/${id}/decision`, { decision: 'confirm' });
		const r = await admin.get('/api/v1/audit?limit=1000');
		assert.equal(r.status, 200, r.text);
		const mine = r.data.entries.filter((e) => e.object_type === 'relapse' && e.object_id === String(id));
		const actions = mine.map((e) => e.action);
		for (const a of ['relapse.create', 'relapse.read', 'relapse.confirm']) assert.ok(actions.includes(a), `no ${a}: ${actions}`);
		assert.ok(!JSON.stringify(r.data.entries).includes('Hemmelig'), 'free text in the audit log');
	});
});
