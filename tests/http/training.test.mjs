// training: therapist training (issue 7) — the register through the API and the page
// (days attended, certification date, who recorded it), bad input per field (days above
// the course's days, a certification date without every day, a date in the future or
// malformed, an unknown course), another organisation's user 404 with none of its data,
// roles; the certified count; the leader check of a group session (422 without a
// certified leader unless a reason is given, the page's warning and override, the reason
// stored and shown, dropped once a certified leader leads); escaping; the audit trail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addUser, fillIds, listUsers, MARK_A, MARK_B, ORG_A, startInstance } from '../lib/instance.mjs';

const NASTY = `<script>'"&`;
const ESCAPED = '&lt;script&gt;';
const osloToday = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
const addDays = (iso, n) => {
	const d = new Date(`${iso}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
};
const weekday = (iso) => ((new Date(`${iso}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
const TODAY = osloToday();
let DAY = addDays(TODAY, -1);
while (weekday(DAY) > 5) DAY = addDays(DAY, -1);
const SINCE = addDays(DAY, -14);

let inst, coord, admin, ther, foreign;
const ids = {};
const NASTY_USER = { email: 'kursdeltaker@alfa.example', name: `Kari ${NASTY} Kurs ${MARK_A}` };

async function ok(res, status, what) {
	assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 400)}`);
	return res.data;
}

const put = (api, id, body) => api.request('PUT', `/api/v1/training/users/${id}`, { json: body });

async function certify(api, id, day = SINCE) {
	await ok(await put(api, id, { course: 'intro', days_attended: 9, certified_on: day }), 200, 'intro');
	return ok(await put(api, id, { course: 'manual', days_attended: 2, certified_on: day }), 200, 'manual');
}

async function makeSession(api, mark, therapistId) {
	const p = await ok(await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Kursprogram ${mark}` }), 201, 'programme');
	const g = await ok(
		await api.post(`/api/v1/programmes/${p.programme.id}/groups`, {
			name: `Kursgruppe ${mark}`,
			phase_key: 'day_treatment',
			weekdays: [1, 2, 3, 4, 5],
			start: '09:00',
			end: '14:00',
			capacity: 10,
		}),
		201,
		'group',
	);
	const per = await ok(await api.post('/api/v1/persons', { given_name: 'Gro', family_name: `Deltaker ${mark}` }), 201, 'person');
	const e = await ok(
		await api.post('/api/v1/enrolments', { person_id: per.person.id, programme_id: p.programme.id, therapist_id: therapistId, start_date: addDays(SINCE, -6) }),
		201,
		'enrolment',
	);
	await ok(
		await api.post(`/api/v1/enrolments/${e.enrolment.id}/events`, { kind: 'phase', to_phase: 'day_treatment', date: SINCE, reason: 'Synthetic test', version: e.enrolment.version }),
		201,
		'phase',
	);
	await ok(await api.post(`/api/v1/groups/${g.group.id}/members`, { enrolment_id: e.enrolment.id, from: SINCE }), 201, 'member');
	const r = await ok(
		await api.request('PUT', `/api/v1/groups/${g.group.id}/roster`, { json: { date: DAY, rows: [{ enrolment_id: e.enrolment.id, attended: true, hours: 4 }] } }),
		200,
		'roster',
	);
	return r.session_id;
}

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist', 'auditor', 'foreignAdmin', 'foreignTherapist'] });
	addUser(inst, NASTY_USER.email, ORG_A, 'therapist', NASTY_USER.name);
	fillIds(inst);
	NASTY_USER.id = listUsers(inst).find((u) => u.email === NASTY_USER.email).id;
	coord = inst.api('coordinator');
	admin = inst.api('admin');
	ther = inst.api('therapist');
	foreign = inst.api('foreignAdmin');
	ids.session = await makeSession(coord, MARK_A, inst.users.therapist.id);
	ids.foreignSession = await makeSession(foreign, MARK_B, inst.users.foreignTherapist.id);
});
after(async () => {
	await inst?.stop();
});

describe('the register through the API', () => {
	test('record, read back, certify, count', async () => {
		const uid = NASTY_USER.id;
		const empty = await ok(await coord.get(`/api/v1/training/users/${uid}`), 200, 'get');
		assert.equal(empty.certified, false);
		assert.deepEqual(
			empty.courses.map((c) => [c.course, c.required_days, c.days_attended, c.status]),
			[
				['intro', 9, 0, 'not_started'],
				['manual', 2, 0, 'not_started'],
			],
		);
		const list0 = await ok(await coord.get('/api/v1/training'), 200, 'list');
		const count0 = list0.certified_count;
		assert.equal(list0.date, TODAY);
		assert.ok(!list0.staff.some((s) => s.user_id === inst.users.auditor.id), 'an auditor in the register');

		const d = await ok(await put(coord, uid, { course: 'intro', days_attended: 4 }), 200, 'four days');
		assert.equal(d.courses[0].days_attended, 4);
		assert.equal(d.courses[0].status, 'in_progress');
		assert.equal(d.courses[0].updated_by, inst.users.coordinator.id);
		assert.equal(d.courses[0].certified_on, null);

		const c = await certify(coord, uid, SINCE);
		assert.equal(c.certified, true);
		assert.equal(c.certified_since, SINCE);
		assert.equal(c.courses[1].status, 'certified');
		assert.equal(c.courses[1].completed, true);
		const list1 = await ok(await admin.get('/api/v1/training'), 200, 'list');
		assert.equal(list1.certified_count, count0 + 1);
		const me = list1.staff.find((s) => s.user_id === uid);
		assert.equal(me.name, NASTY_USER.name);
		assert.equal(me.certified, true);

		// Back to not certified: the count follows.
		await ok(await put(coord, uid, { course: 'manual', days_attended: 2, certified_on: null }), 200, 'uncertify');
		assert.equal((await ok(await coord.get('/api/v1/training'), 200, 'list')).certified_count, count0);
		// The other organisation's count is its own.
		assert.equal((await ok(await foreign.get('/api/v1/training'), 200, 'foreign list')).certified_count, 0);
	});

	test('bad input, field by field, changes nothing', async () => {
		const uid = NASTY_USER.id;
		const before = await ok(await coord.get(`/api/v1/training/users/${uid}`), 200, 'get');
		for (const [body, field] of [
			[{ course: 'intro', days_attended: 10 }, 'days_attended'],
			[{ course: 'manual', days_attended: 3 }, 'days_attended'],
			[{ course: 'intro', days_attended: -1 }, 'days_attended'],
			[{ course: 'intro', days_attended: 8, certified_on: SINCE }, 'certified_on'],
			[{ course: 'manual', certified_on: SINCE }, 'certified_on'],
			[{ course: 'intro', days_attended: 9, certified_on: addDays(TODAY, 2) }, 'certified_on'],
			[{ course: 'intro', days_attended: 9, certified_on: '1.1.2025' }, 'certified_on'],
			[{ course: 'intro', days_attended: 9, certified_on: '1985-05-05' }, 'certified_on'],
			[{ course: `juggling${NASTY}`, days_attended: 1 }, 'course'],
			[{ days_attended: 1 }, 'course'],
		]) {
			const r = await put(coord, uid, body);
			assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
			assert.equal(r.data.error.field, field, JSON.stringify(body));
			assert.ok(!r.text.includes(NASTY), 'unescaped echo');
		}
		for (const body of [{ course: 'intro', days_attended: 'nine' }, { course: 'intro', days_attended: 4.5 }, { course: 1 }, { course: 'intro', colour: 'red' }]) {
			assert.equal((await put(coord, uid, body)).status, 400, JSON.stringify(body));
		}
		assert.deepEqual(await ok(await coord.get(`/api/v1/training/users/${uid}`), 200, 'get'), before);
	});

	test("another organisation's user: 404 with none of its data; roles", async () => {
		const fid = inst.users.foreignTherapist.id;
		for (const r of [await coord.get(`/api/v1/training/users/${fid}`), await put(coord, fid, { course: 'intro', days_attended: 1 })]) {
			assert.equal(r.status, 404, r.text);
			assert.ok(!r.text.includes(MARK_B), 'foreign data');
		}
		assert.equal((await foreign.get(`/api/v1/training/users/${fid}`)).status, 200);
		const fr = await ok(await foreign.get(`/api/v1/training/users/${fid}`), 200, 'own');
		assert.equal(fr.courses[0].days_attended, 0, 'the other organisation changed it');
		assert.equal((await coord.get(`/api/v1/training/users/${inst.users.auditor.id}`)).status, 404);
		assert.equal((await coord.get('/api/v1/training/users/999999')).status, 404);
		assert.equal((await ther.get('/api/v1/training')).status, 403);
		assert.equal((await put(ther, inst.users.therapist.id, { course: 'intro', days_attended: 9 })).status, 403);
		assert.equal((await inst.api('auditor').get('/api/v1/training')).status, 403);
	});
});

describe('the register pages', () => {
	test('the list: staff escaped, the count, links', async () => {
		const c = await inst.login('coordinator');
		const page = await c.get('/training');
		assert.equal(page.status, 200);
		assert.equal((page.text.match(/<h1/g) || []).length, 1);
		assert.ok(page.text.includes(ESCAPED) && !page.text.includes(NASTY), 'name escaping');
		assert.ok(page.text.includes(`href="/training/users/${NASTY_USER.id}"`), 'no link to the form');
		assert.match(page.text, /class="ds-paragraph tolv-certified-count"[^<]*\d/);
		assert.ok(page.text.includes('<caption>'), 'no caption');
		assert.ok(!page.text.includes(inst.users.auditor.email) && !page.text.includes('Rut '), 'an auditor listed');
		assert.ok(!page.text.includes(MARK_B), 'foreign data');
		assert.equal((await (await inst.login('therapist')).get('/training')).status, 403);
	});

	test('the form: per-field errors with the input kept, saved, 404 for a foreign user', async () => {
		const uid = inst.users.therapist.id;
		const c = await inst.login('admin');
		const page = await c.get(`/training/users/${uid}`);
		assert.equal(page.status, 200);
		for (const id of ['f-days-intro', 'f-certified-intro', 'f-days-manual', 'f-certified-manual']) assert.ok(page.text.includes(`id="${id}"`), id);
		const csrf = await c.csrf(`/training/users/${uid}`);
		const base = { csrf, 'days-intro': '9', 'certified-intro': '', 'days-manual': '0', 'certified-manual': '' };
		for (const [over, errId] of [
			[{ 'days-intro': '10' }, 'f-days-intro-error'],
			[{ 'days-manual': `2${NASTY}` }, 'f-days-manual-error'],
			[{ 'days-manual': '1', 'certified-manual': SINCE }, 'f-certified-manual-error'],
			[{ 'certified-intro': addDays(TODAY, 1) }, 'f-certified-intro-error'],
			[{ 'certified-intro': 'soon' }, 'f-certified-intro-error'],
		]) {
			const bad = await c.post(`/training/users/${uid}`, { form: { ...base, ...over } });
			assert.equal(bad.status, 422, JSON.stringify(over));
			assert.ok(bad.text.includes(`id="${errId}"`), `${errId} for ${JSON.stringify(over)}`);
			assert.ok(!bad.text.includes(NASTY), 'unescaped');
			for (const v of Object.values(over)) assert.ok(bad.text.includes(v.replace(NASTY, ESCAPED).replace(/"/g, '&quot;').replace(/'/g, '&#39;')) || bad.text.includes(v.replace(NASTY, '&lt;script&gt;')), `input not kept: ${v}`);
		}
		const nothing = await ok(await coord.get(`/api/v1/training/users/${uid}`), 200, 'get');
		assert.equal(nothing.courses[0].days_attended, 0, 'a bad form changed the record');
		const good = await c.post(`/training/users/${uid}`, { form: { ...base, 'certified-intro': SINCE, 'days-manual': '1' } });
		assert.equal(good.status, 303, good.text.slice(0, 300));
		assert.equal(good.location, `/training/users/${uid}?saved=1`);
		const saved = await ok(await coord.get(`/api/v1/training/users/${uid}`), 200, 'get');
		assert.equal(saved.courses[0].certified_on, SINCE);
		assert.equal(saved.courses[1].days_attended, 1);
		assert.equal(saved.courses[0].updated_by, inst.users.admin.id);
		const after = await c.get(`/training/users/${uid}?saved=1`);
		assert.ok(after.text.includes(`value="${SINCE}"`));
		assert.ok(after.text.includes(inst.users.admin.name.split(' ')[0]), 'who recorded it is not shown');
		// Another organisation's user, and a foreign admin on ours.
		const fpage = await c.get(`/training/users/${inst.users.foreignTherapist.id}`);
		assert.equal(fpage.status, 404);
		assert.ok(!fpage.text.includes(MARK_B));
		const fpost = await c.post(`/training/users/${inst.users.foreignTherapist.id}`, { form: { ...base } });
		assert.equal(fpost.status, 404);
		const fc = await inst.login('foreignAdmin');
		const fown = await fc.get(`/training/users/${uid}`);
		assert.equal(fown.status, 404);
		assert.ok(!fown.text.includes(MARK_A));
		// Reset: the therapist is not certified for the session tests.
		await ok(await put(coord, uid, { course: 'intro', days_attended: 9, certified_on: null }), 200, 'reset');
	});

	test('swedish and english', async () => {
		for (const [lang, word] of [
			['sv', 'Introduktionskurs'],
			['en', 'Introduction course'],
			['nb', 'Introduksjonskurs'],
		]) {
			const c = await inst.login('coordinator');
			const p = await c.get('/training', { headers: { 'accept-language': lang } });
			const q = p.text.includes(word) ? p : await (async () => {
				const csrf = await c.csrf('/account');
				await c.post('/language', { form: { csrf, lang, next: '/training' } });
				return c.get('/training');
			})();
			assert.ok(q.text.includes(word), `${lang}: ${word} not found`);
		}
	});
});

describe('the leader check of a group session', () => {
	test('API: 422 without a certified leader unless a reason is given', async () => {
		const sid = ids.session;
		const s0 = await ok(await coord.get(`/api/v1/sessions/${sid}`), 200, 'get');
		assert.equal(s0.certified_leader, false);
		assert.equal(s0.override_reason, null);
		const r = await coord.patch(`/api/v1/sessions/${sid}`, { topic: 'Steg 1', leaders: [inst.users.therapist.id] });
		assert.equal(r.status, 422, r.text);
		assert.equal(r.data.error.field, 'override_reason');
		assert.ok(r.data.error.message.length > 20, 'no clear message');
		const blank = await coord.patch(`/api/v1/sessions/${sid}`, { topic: 'Steg 1', override_reason: '   ' });
		assert.equal(blank.status, 422);
		assert.equal((await coord.patch(`/api/v1/sessions/${sid}`, { override_reason: 'x'.repeat(501) })).status, 422);
		assert.equal((await coord.get(`/api/v1/sessions/${sid}`)).data.topic, '', 'a refused save changed the session');

		const why = `Den sertifiserte lederen var syk ${NASTY}`;
		const d = await ok(await coord.patch(`/api/v1/sessions/${sid}`, { topic: 'Steg 1', leaders: [inst.users.therapist.id], override_reason: why }), 200, 'override');
		assert.equal(d.certified_leader, false);
		assert.equal(d.override_reason, why);
		assert.equal(d.topic, 'Steg 1');
	});

	test('the page: the warning, the override with and without a reason, escaping', async () => {
		const sid = ids.session;
		const c = await inst.login('therapist');
		const page = await c.get(`/sessions/${sid}`);
		assert.equal(page.status, 200);
		assert.ok(page.text.includes(`Den sertifiserte lederen var syk ${ESCAPED}`), 'the stored reason is not shown');
		assert.ok(!page.text.includes(NASTY));
		assert.ok(page.text.includes('id="f-override_reason"'), 'no reason field');
		const csrf = await c.csrf(`/sessions/${sid}`);
		const form = { csrf, topic: `Steg 2 ${NASTY}`, topic_kind: 'lecture', step: '', external_count: '0', [`leader-${inst.users.therapist.id}`]: 'yes' };
		const warn = await c.post(`/sessions/${sid}`, { form: { ...form, override_reason: '' } });
		assert.equal(warn.status, 422);
		assert.match(warn.text, /class="ds-alert" data-color="warning"/);
		assert.ok(warn.text.includes('id="f-override_reason-error"'));
		assert.ok(warn.text.includes(`Steg 2 ${ESCAPED}`), 'input not kept');
		assert.ok(!warn.text.includes(NASTY));
		const good = await c.post(`/sessions/${sid}`, { form: { ...form, override_reason: `Vikar i dag ${NASTY}` } });
		assert.equal(good.status, 303, good.text.slice(0, 300));
		const shown = await c.get(`/sessions/${sid}`);
		assert.ok(shown.text.includes(`Vikar i dag ${ESCAPED}`) && !shown.text.includes(NASTY));
		assert.match(shown.text, /<dd>Nei<\/dd>/, 'not shown as led without a certified leader');
	});

	test('a certified leader: saved without a reason, the reason dropped, shown', async () => {
		const sid = ids.session;
		// Certified only after the session's day: still not enough.
		await certify(coord, inst.users.admin.id, TODAY);
		const late = await coord.patch(`/api/v1/sessions/${sid}`, { leaders: [inst.users.therapist.id, inst.users.admin.id] });
		assert.equal(late.status, 422, late.text);
		await certify(coord, inst.users.admin.id, DAY);
		const d = await ok(await coord.patch(`/api/v1/sessions/${sid}`, { leaders: [inst.users.therapist.id, inst.users.admin.id] }), 200, 'certified');
		assert.equal(d.certified_leader, true);
		assert.equal(d.override_reason, null);
		const c = await inst.login('therapist');
		const page = await c.get(`/sessions/${sid}`);
		assert.match(page.text, /<dd>Ja<\/dd>/);
		assert.ok(!page.text.includes('Vikar i dag'), 'the old reason is still shown');
		assert.ok(!page.text.includes('id="f-override_reason"'), 'the reason field is shown with a certified leader');
	});

	test("another organisation's session and certified leaders do not count", async () => {
		// A certified leader of organisation B is no leader here (refused as a leader).
		await certify(foreign, inst.users.foreignTherapist.id, SINCE);
		const r = await coord.patch(`/api/v1/sessions/${ids.session}`, { leaders: [inst.users.foreignTherapist.id] });
		assert.equal(r.status, 422);
		assert.equal(r.data.error.field, 'leaders');
		const f = await coord.patch(`/api/v1/sessions/${ids.foreignSession}`, { override_reason: 'x' });
		assert.equal(f.status, 404);
		assert.ok(!f.text.includes(MARK_B));
	});
});

describe('audit', () => {
	test('changes and reads are logged, never the reason', async () => {
		const all = await ok(await admin.get('/api/v1/audit?limit=1000'), 200, 'audit');
		const acts = all.entries.map((e) => e.action);
		for (const a of ['training.update', 'training.read', 'training.list', 'session.leader_override']) assert.ok(acts.includes(a), `no ${a}`);
		const text = JSON.stringify(all.entries);
		assert.ok(!text.includes('syk') && !text.includes('Vikar'), 'the reason in the audit log');
		const ov = all.entries.filter((e) => e.action === 'session.leader_override');
		assert.ok(ov.every((e) => e.object_id === String(ids.session)));
		assert.equal(ov.length, 2);
	});
});
