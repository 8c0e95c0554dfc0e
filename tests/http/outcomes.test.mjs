// outcomes: outcome measures (issue 6) — results stored through the API and the pages
// (bad input per field: a score an item cannot have, a wrong number of answers, a date in
// the future, sex where the cut-offs need it, the days calendar), "entered in error",
// the chart, the schedule and the due list, one-time links (the token leaves the address
// at once, the form shows nothing of the person, a link works once, an expired link
// changes nothing, unknown tokens are rate limited), another organisation's ids, escaping.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { Client } from '../lib/client.mjs';
import { csrfOf } from '../lib/html.mjs';
import { MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';
import { isPgUrl, psql } from '../lib/tolv.mjs';

const NASTY = `<script>'"&`;
const ESCAPED = '&lt;script&gt;';
const osloToday = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
const addDays = (iso, n) => {
	const d = new Date(`${iso}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
};
const TODAY = osloToday();
const AUDIT_20 = [4, 4, 4, 4, 4, 0, 0, 0, 0, 0];

let inst, coord, ther, foreign;
const ids = {};

async function ok(res, status, what) {
	assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 400)}`);
	return res.data;
}

function sql(statement) {
	if (isPgUrl(inst.db)) return psql(inst.db, statement);
	const file = inst.db.replace(/^sqlite:/, '');
	const r = spawnSync('sqlite3', [file, statement], { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
	return r.stdout;
}

async function setUp(api, mark, given, family, start) {
	const p = await ok(await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Program ${mark}` }), 201, 'programme');
	const per = await ok(await api.post('/api/v1/persons', { given_name: given, family_name: family }), 201, 'person');
	const e = await ok(
		await api.post('/api/v1/enrolments', { person_id: per.person.id, programme_id: p.programme.id, start_date: start }),
		201,
		'enrolment',
	);
	return { programme: p.programme.id, person: per.person.id, enrolment: e.enrolment.id };
}

/** Makes a one-time link on the person's page as the therapist; returns the /q?t= path. */
async function makeLink(c, person, questionnaire = 'audit', hours = '72') {
	const csrf = await c.csrf(`/persons/${person}/outcomes`);
	const res = await c.post(`/persons/${person}/outcomes/links`, { form: { csrf, questionnaire, hours } });
	assert.equal(res.status, 200, res.text.slice(0, 400));
	const m = res.text.match(/value="(\/q\?t=[A-Za-z0-9_-]{40,})"/);
	assert.ok(m, 'no link on the page');
	return m[1];
}

/** The answers of a radio form: field a<i> = score. */
const auditForm = (scores) => Object.fromEntries(scores.map((s, i) => [`a${i}`, String(s)]));

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist', 'foreignAdmin'] });
	coord = inst.api('coordinator');
	ther = inst.api('therapist');
	foreign = inst.api('foreignAdmin');
	ids.A = await setUp(coord, MARK_A, 'Kari', `Målesen ${NASTY}`, addDays(TODAY, -5));
	ids.B = await setUp(foreign, MARK_B, 'Bera', `Utenlandsk ${MARK_B}`, addDays(TODAY, -5));
	const r = await ok(await foreign.post(`/api/v1/persons/${ids.B.person}/outcomes`, { questionnaire: 'audit', taken_on: TODAY, answers: AUDIT_20 }), 201, 'B result');
	ids.B.result = r.outcome.id;
});
after(async () => {
	await inst?.stop();
});

describe('results through the API', () => {
	test('an AUDIT is scored, stored and listed', async () => {
		const d = await ok(
			await ther.post(`/api/v1/persons/${ids.A.person}/outcomes`, { questionnaire: 'audit', taken_on: addDays(TODAY, -3), answers: AUDIT_20 }),
			201,
			'create',
		);
		assert.equal(d.outcome.total, 20);
		assert.equal(d.outcome.zone.key, 'IV');
		assert.equal(d.outcome.loinc, '75624-7');
		assert.equal(d.outcome.self, false);
		assert.deepEqual(d.outcome.answers, AUDIT_20);
		const l = await ok(await ther.get(`/api/v1/persons/${ids.A.person}/outcomes`), 200, 'list');
		assert.ok(l.outcomes.some((o) => o.id === d.outcome.id));
		ids.A.audit = d.outcome.id;
	});

	test('bad input is refused per field, and nothing is stored', async () => {
		const url = `/api/v1/persons/${ids.A.person}/outcomes`;
		const before = (await ok(await ther.get(url), 200, 'list')).outcomes.length;
		const cases = [
			[{ questionnaire: 'audit', taken_on: TODAY, answers: AUDIT_20.slice(0, 9) }, 'answers'],
			[{ questionnaire: 'audit', taken_on: TODAY, answers: [...AUDIT_20, 0] }, 'answers'],
			[{ questionnaire: 'audit', taken_on: TODAY, answers: [0, 0, 0, 0, 0, 0, 0, 0, 3, 0] }, 'answers[8]'],
			[{ questionnaire: 'audit', taken_on: TODAY, answers: [5, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, 'answers[0]'],
			[{ questionnaire: 'audit', taken_on: addDays(TODAY, 2), answers: AUDIT_20 }, 'taken_on'],
			[{ questionnaire: 'audit', taken_on: '2025-02-30', answers: AUDIT_20 }, 'taken_on'],
			[{ questionnaire: 'nope', taken_on: TODAY, answers: AUDIT_20 }, 'questionnaire'],
			[{ questionnaire: 'dudit', taken_on: TODAY, answers: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, 'sex'],
			[{ questionnaire: 'audit-c', taken_on: TODAY, answers: [1, 1, 1], sex: 'other' }, 'sex'],
			[{ questionnaire: 'days-abstinent', taken_on: TODAY, answers: [31] }, 'answers[0]'],
			[{ questionnaire: 'days-abstinent', taken_on: TODAY, answers: [2], days: '1'.repeat(30) }, 'days'],
			[{ questionnaire: 'days-abstinent', taken_on: TODAY, days: '12'.repeat(15) }, 'days'],
			[{ questionnaire: 'audit', taken_on: TODAY }, 'answers'],
		];
		for (const [body, field] of cases) {
			const r = await ther.post(url, body);
			assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
			assert.equal(r.data.error.field, field, JSON.stringify(body));
		}
		assert.equal((await ther.post(url, { questionnaire: 'audit', taken_on: TODAY, answers: ['4'] })).status, 400);
		assert.equal((await ther.post(url, { questionnaire: 'audit', taken_on: TODAY, answers: AUDIT_20, extra: 1 })).status, 400);
		assert.equal((await ther.post(url, { questionnaire: 'audit', taken_on: TODAY, answers: AUDIT_20, enrolment_id: ids.B.enrolment })).status, 422);
		const after2 = (await ok(await ther.get(url), 200, 'list')).outcomes.length;
		assert.equal(after2, before);
	});

	test('days abstinent from the calendar, DUDIT with sex', async () => {
		const url = `/api/v1/persons/${ids.A.person}/outcomes`;
		const days = '0'.repeat(10) + '1'.repeat(20);
		const d = await ok(await ther.post(url, { questionnaire: 'days-abstinent', taken_on: TODAY, days }), 201, 'days');
		assert.equal(d.outcome.total, 20);
		assert.equal(d.outcome.abstinent_days.length, 20);
		assert.equal(d.outcome.abstinent_days[19], TODAY);
		const u = await ok(await ther.post(url, { questionnaire: 'dudit', taken_on: TODAY, sex: 'female', answers: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0] }), 201, 'dudit');
		assert.equal(u.outcome.total, 2);
		assert.equal(u.outcome.positive, true); /* 2 or more for women */
		assert.equal(u.outcome.sex, 'female');
	});

	test("another organisation's person is 404, with none of its data", async () => {
		const r = await ther.get(`/api/v1/persons/${ids.B.person}/outcomes`);
		assert.equal(r.status, 404);
		assert.ok(!r.text.includes(MARK_B));
		const p = await ther.post(`/api/v1/persons/${ids.B.person}/outcomes`, { questionnaire: 'audit', taken_on: TODAY, answers: AUDIT_20 });
		assert.equal(p.status, 404);
	});
});

describe('the pages', () => {
	test('the person page links to outcomes; the outcomes page draws the chart with a table', async () => {
		const c = await inst.login('therapist');
		const person = await c.get(`/persons/${ids.A.person}`);
		assert.ok(person.text.includes(`href="/persons/${ids.A.person}/outcomes"`), 'no link on the person page');
		const page = await c.get(`/persons/${ids.A.person}/outcomes`);
		assert.equal(page.status, 200);
		assert.equal((page.text.match(/<h1/g) || []).length, 1);
		assert.ok(!page.text.includes(NASTY), 'name unescaped');
		assert.ok(page.text.includes(ESCAPED));
		assert.match(page.text, /<svg class="tolv-scorechart"[^>]*role="img"[^>]*aria-labelledby="chart-audit-title chart-audit-desc"/);
		assert.match(page.text, /<desc id="chart-audit-desc">[^<]*: 20 \(/);
		assert.match(page.text, /<caption>[^<]*<\/caption>\n<thead><tr><th scope="col">/);
		assert.ok(!/style=/.test(page.text), 'inline style');
	});

	test('the AUDIT form: every item a radio group; missing and impossible answers come back per item', async () => {
		const c = await inst.login('therapist');
		const form = await c.get(`/persons/${ids.A.person}/outcomes/new?q=audit`);
		assert.equal(form.status, 200);
		assert.equal((form.text.match(/<fieldset class="ds-fieldset tolv-item"/g) || []).length, 10);
		assert.equal((form.text.match(/type="radio"/g) || []).length, 8 * 5 + 2 * 3);
		const csrf = csrfOf(form.text);
		const missing = await c.post(`/persons/${ids.A.person}/outcomes`, {
			form: { csrf, questionnaire: 'audit', taken_on: TODAY, ...auditForm([1, 1, 1, 1, 1, 1, 1, 1, 0]) },
		});
		assert.equal(missing.status, 422);
		assert.match(missing.text, /id="f-a9-error"/);
		assert.match(missing.text, /id="f-a0"[^>]*value="0"|value="1" checked/);
		const impossible = await c.post(`/persons/${ids.A.person}/outcomes`, {
			form: { csrf, questionnaire: 'audit', taken_on: TODAY, ...auditForm([0, 0, 0, 0, 0, 0, 0, 0, 3, 0]) },
		});
		assert.equal(impossible.status, 422);
		assert.match(impossible.text, /id="f-a8-error"/);
		const future = await c.post(`/persons/${ids.A.person}/outcomes`, {
			form: { csrf, questionnaire: 'audit', taken_on: addDays(TODAY, 1), ...auditForm(AUDIT_20) },
		});
		assert.equal(future.status, 422);
		assert.match(future.text, /id="f-taken_on-error"/);
		const noCsrf = await c.post(`/persons/${ids.A.person}/outcomes`, { form: { questionnaire: 'audit', taken_on: TODAY, ...auditForm(AUDIT_20) } });
		assert.equal(noCsrf.status, 403);
		const good = await c.post(`/persons/${ids.A.person}/outcomes`, {
			form: { csrf, questionnaire: 'audit', taken_on: TODAY, ...auditForm([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) },
		});
		assert.equal(good.status, 303, good.text.slice(0, 300));
		assert.match(good.location, new RegExp(`^/persons/${ids.A.person}/outcomes\\?saved=1`));
	});

	test('days abstinent on the 30-day calendar', async () => {
		const c = await inst.login('therapist');
		const day = addDays(TODAY, -1);
		const form = await c.get(`/persons/${ids.A.person}/outcomes/new?q=days-abstinent&date=${day}`);
		assert.equal(form.status, 200);
		assert.equal((form.text.match(/type="checkbox"/g) || []).length, 30);
		const dm = (iso) => `${Number(iso.slice(8, 10))}.${Number(iso.slice(5, 7))}.`;
		assert.ok(form.text.includes(`<label class="ds-label" for="f-d29">${dm(day)}</label>`));
		assert.ok(form.text.includes(`<label class="ds-label" for="f-d0">${dm(addDays(day, -29))}</label>`));
		const csrf = csrfOf(form.text);
		const ticked = Object.fromEntries([0, 5, 29].map((i) => [`d${i}`, '1']));
		const res = await c.post(`/persons/${ids.A.person}/outcomes`, { form: { csrf, questionnaire: 'days-abstinent', taken_on: day, ...ticked } });
		assert.equal(res.status, 303, res.text.slice(0, 300));
		const l = await ok(await ther.get(`/api/v1/persons/${ids.A.person}/outcomes`), 200, 'list');
		const last = l.outcomes.filter((o) => o.questionnaire === 'days-abstinent' && o.taken_on === day).pop();
		assert.equal(last.total, 3);
		assert.deepEqual(last.abstinent_days, [addDays(day, -29), addDays(day, -24), day]);
		assert.equal((await c.get(`/persons/${ids.A.person}/outcomes/new?q=days-abstinent&date=${addDays(TODAY, 3)}`)).status, 400);
		const bad = await c.post(`/persons/${ids.A.person}/outcomes`, { form: { csrf, questionnaire: 'days-abstinent', taken_on: day, d3: 'yes' } });
		assert.equal(bad.status, 400);
		assert.equal((await c.get(`/persons/${ids.A.person}/outcomes/new?q=nope`)).status, 404);
	});

	test('a result entered in error is kept, marked with its reason (escaped) and left off the chart', async () => {
		const c = await inst.login('therapist');
		const r = await ok(
			await ther.post(`/api/v1/persons/${ids.A.person}/outcomes`, { questionnaire: 'audit-c', taken_on: TODAY, answers: [4, 4, 4], sex: 'male' }),
			201,
			'audit-c',
		);
		const csrf = await c.csrf(`/persons/${ids.A.person}/outcomes`);
		const empty = await c.post(`/outcomes/${r.outcome.id}/error`, { form: { csrf, reason: '' } });
		assert.equal(empty.status, 422);
		const res = await c.post(`/outcomes/${r.outcome.id}/error`, { form: { csrf, reason: `Feil person ${NASTY}` } });
		assert.equal(res.status, 303);
		const again = await c.post(`/outcomes/${r.outcome.id}/error`, { form: { csrf, reason: 'igjen' } });
		assert.equal(again.status, 409);
		const page = await c.get(`/persons/${ids.A.person}/outcomes`);
		assert.ok(page.text.includes(`Feil person ${ESCAPED}`));
		assert.ok(!page.text.includes(NASTY));
		assert.ok(!/<svg[^>]*chart-audit-c-title/.test(page.text), 'an entered-in-error result is drawn');
		const l = await ok(await ther.get(`/api/v1/persons/${ids.A.person}/outcomes`), 200, 'list');
		const x = l.outcomes.find((o) => o.id === r.outcome.id);
		assert.equal(x.entered_in_error.reason, `Feil person ${NASTY}`);
		assert.equal(x.total, 12);
	});

	test("another organisation's ids are 404 on every page", async () => {
		const c = await inst.login('therapist');
		for (const p of [`/persons/${ids.B.person}/outcomes`, `/persons/${ids.B.person}/outcomes/new?q=audit`, `/programmes/${ids.B.programme}/outcomes`]) {
			const r = await c.get(p);
			assert.equal(r.status, 404, p);
			assert.ok(!r.text.includes(MARK_B), p);
		}
		const csrf = await c.csrf(`/persons/${ids.A.person}/outcomes`);
		assert.equal((await c.post(`/outcomes/${ids.B.result}/error`, { form: { csrf, reason: 'x' } })).status, 404);
		assert.equal((await c.post(`/persons/${ids.B.person}/outcomes/links`, { form: { csrf, questionnaire: 'audit', hours: '72' } })).status, 404);
		const admin = await inst.login('coordinator');
		const acsrf = await admin.csrf(`/programmes/${ids.A.programme}/outcomes`);
		const add = await admin.post(`/programmes/${ids.B.programme}/outcomes`, {
			form: { csrf: acsrf, label: 'x', anchor: 'start', phase_key: '', offset_months: '0', offset_days: '0', window_days: '7', q_audit: '1' },
		});
		assert.equal(add.status, 404);
	});
});

describe('the schedule and the due list', () => {
	test('a day-treatment programme gets the default schedule; coordinators edit it, therapists cannot', async () => {
		const c = await inst.login('coordinator');
		const page = await c.get(`/programmes/${ids.A.programme}/outcomes`);
		assert.equal(page.status, 200);
		assert.equal((page.text.match(/<tr><th scope="row">/g) || []).length, 4);
		const csrf = csrfOf(page.text);
		const base = { csrf, label: `Midtveis ${NASTY}`, anchor: 'phase_start', phase_key: 'day_treatment', offset_months: '1', offset_days: '0', window_days: '7', q_audit: '1' };
		for (const [k, v, field] of [
			['anchor', 'sometime', 'anchor'],
			['phase_key', 'nope', 'phase_key'],
			['offset_months', '121', 'offset_months'],
			['offset_days', 'x', 'offset_days'],
			['window_days', '-1', 'window_days'],
			['label', '', 'label'],
			['q_audit', undefined, 'questionnaires'],
		]) {
			const form = { ...base, [k]: v };
			if (v === undefined) delete form[k];
			const r = await c.post(`/programmes/${ids.A.programme}/outcomes`, { form });
			assert.equal(r.status, 422, `${k}=${v}`);
			assert.ok(r.text.includes(`id="f-${field}-error"`), `${k}: no error on ${field}`);
		}
		const good = await c.post(`/programmes/${ids.A.programme}/outcomes`, { form: base });
		assert.equal(good.status, 303);
		const after2 = await c.get(`/programmes/${ids.A.programme}/outcomes`);
		assert.equal((after2.text.match(/<tr><th scope="row">/g) || []).length, 5);
		assert.ok(after2.text.includes(`Midtveis ${ESCAPED}`));
		assert.ok(!after2.text.includes(NASTY));
		const t = await inst.login('therapist');
		const tcsrf = await t.csrf(`/programmes/${ids.A.programme}/outcomes`);
		assert.equal((await t.post(`/programmes/${ids.A.programme}/outcomes`, { form: { ...base, csrf: tcsrf } })).status, 403);
	});

	test('the due list: intake measurements without a result, for the API and the page', async () => {
		const d = await ok(await coord.get('/api/v1/outcomes/due'), 200, 'due');
		const mine = d.due.filter((x) => x.person_id === ids.A.person);
		const qs = mine.map((x) => x.questionnaire).sort();
		// AUDIT and days abstinent have results inside the intake window; DUDIT too (today).
		assert.ok(!qs.includes('audit'), JSON.stringify(mine));
		assert.ok(d.due.every((x) => x.person_id !== ids.B.person));
		// A second person with nothing: all three intake measurements are due.
		const per = await ok(await coord.post('/api/v1/persons', { given_name: 'Due', family_name: `Dueson ${NASTY}` }), 201, 'person');
		await ok(await coord.post('/api/v1/enrolments', { person_id: per.person.id, programme_id: ids.A.programme, start_date: addDays(TODAY, -2) }), 201, 'enrol');
		const d2 = await ok(await coord.get('/api/v1/outcomes/due'), 200, 'due');
		const his = d2.due.filter((x) => x.person_id === per.person.id);
		assert.deepEqual(his.map((x) => x.questionnaire).sort(), ['audit', 'days-abstinent', 'dudit']);
		assert.ok(his.every((x) => x.state === 'due' && x.due_on === addDays(TODAY, -2)));
		// A result that names the point answers it; a point that is not the organisation's is refused.
		const url = `/api/v1/persons/${per.person.id}/outcomes`;
		const audit = his.find((x) => x.questionnaire === 'audit');
		const bad = await coord.post(url, { questionnaire: 'audit', taken_on: TODAY, answers: AUDIT_20, point_id: audit.point_id + 100000 });
		assert.equal(bad.status, 422);
		assert.equal(bad.data.error.field, 'point_id');
		await ok(await coord.post(url, { questionnaire: 'audit', taken_on: addDays(TODAY, -30), answers: AUDIT_20, point_id: audit.point_id, enrolment_id: audit.enrolment_id }), 201, 'named');
		const d3 = await ok(await coord.get('/api/v1/outcomes/due'), 200, 'due');
		assert.deepEqual(d3.due.filter((x) => x.person_id === per.person.id).map((x) => x.questionnaire).sort(), ['days-abstinent', 'dudit']);
		const c = await inst.login('coordinator');
		const page = await c.get('/outcomes/due');
		assert.equal(page.status, 200);
		assert.ok(page.text.includes(`Dueson ${ESCAPED}`));
		assert.ok(!page.text.includes(NASTY));
		const start = await c.get('/');
		assert.ok(start.text.includes('href="/outcomes/due"'), 'no due block on the start page');
		const fb = await foreign.get('/api/v1/outcomes/due');
		assert.ok(!fb.text.includes('Dueson'));
	});
});

describe('one-time links', () => {
	test('the token leaves the address at once; the form shows nothing of the person; it works once', async () => {
		const c = await inst.login('therapist');
		const link = await makeLink(c, ids.A.person);
		const p = new Client(inst.base);
		const first = await p.get(link);
		assert.equal(first.status, 303);
		assert.equal(first.location, '/q');
		const cookie = first.setCookies.find((x) => x.name === 'tolv_q');
		assert.ok(cookie, 'no cookie');
		assert.equal(cookie.attrs.path, '/q');
		assert.equal(cookie.attrs.httponly, true);
		assert.equal(cookie.attrs.samesite, 'Strict');
		assert.ok(Number(cookie.attrs['max-age']) > 0 && Number(cookie.attrs['max-age']) <= 4 * 3600);
		const form = await p.get('/q');
		assert.equal(form.status, 200);
		for (const s of ['Kari', 'Målesen', 'M&aring;lesen', MARK_A, '/persons', '/logout', 'tolv-nav']) assert.ok(!form.text.includes(s), `the form shows ${s}`);
		assert.equal((form.text.match(/<fieldset class="ds-fieldset tolv-item"/g) || []).length, 10);
		assert.equal((await p.post('/q', { form: auditForm(AUDIT_20) })).status, 403, 'no csrf');
		const csrf = csrfOf(form.text);
		const missing = await p.post('/q', { form: { csrf, ...auditForm([1, 1]) } });
		assert.equal(missing.status, 422);
		assert.match(missing.text, /id="f-a5-error"/);
		const sent = await p.post('/q', { form: { csrf, ...auditForm([1, 1, 1, 0, 0, 0, 0, 0, 2, 4]) } });
		assert.equal(sent.status, 200, sent.text.slice(0, 300));
		assert.ok(!sent.text.includes('Kari'));
		const l = await ok(await ther.get(`/api/v1/persons/${ids.A.person}/outcomes`), 200, 'list');
		const self = l.outcomes.filter((o) => o.self);
		assert.equal(self.length, 1);
		assert.equal(self[0].total, 9);
		assert.equal(self[0].entered_by, null);
		// Used: a second open or send changes nothing.
		const p2 = new Client(inst.base);
		await p2.get(link);
		const again = await p2.get('/q');
		assert.equal(again.status, 410, again.text.match(/<h1[^>]*>([^<]*)/)?.[1]);
		const csrf2 = csrfOf(again.text);
		// The used page cleared the cookie: sending now carries no link at all.
		const resend = await p2.post('/q', { form: { csrf: csrf2, ...auditForm(AUDIT_20) } });
		assert.equal(resend.status, 400);
		// Sending with the link opened again: used.
		await p2.get(link);
		const resend2 = await p2.post('/q', { form: { csrf: csrf2, ...auditForm(AUDIT_20) } });
		assert.equal(resend2.status, 410);
		const l2 = await ok(await ther.get(`/api/v1/persons/${ids.A.person}/outcomes`), 200, 'list');
		assert.equal(l2.outcomes.filter((o) => o.self).length, 1);
		// The staff's page says it was used, and shows the result as the person's own.
		const page = await c.get(`/persons/${ids.A.person}/outcomes`);
		assert.match(page.text, /<td>(Brukt|Used|Använd)<\/td>/);
	});

	test('an expired link shows a clear page and changes nothing', async () => {
		const c = await inst.login('therapist');
		const link = await makeLink(c, ids.A.person, 'dudit', '1');
		const p = new Client(inst.base);
		await p.get(link);
		const form = await p.get('/q');
		assert.equal(form.status, 200);
		assert.ok(form.text.includes('name="sex"'), 'DUDIT asks sex');
		sql('UPDATE outcome_links SET expires_at = 1000 WHERE used_at IS NULL');
		const csrf = csrfOf(form.text);
		const late = await p.post('/q', { form: { csrf, sex: 'male', ...auditForm([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) } });
		assert.equal(late.status, 410);
		assert.match(late.text, /<h1[^>]*>[^<]*(utløpt|expired|gått ut)/);
		await p.get(link);
		const gone = await p.get('/q');
		assert.equal(gone.status, 410);
		const l = await ok(await ther.get(`/api/v1/persons/${ids.A.person}/outcomes`), 200, 'list');
		assert.equal(l.outcomes.filter((o) => o.self && o.questionnaire === 'dudit').length, 0);
	});

	test('the life of a link is validated; /q without a link explains itself', async () => {
		const c = await inst.login('therapist');
		const csrf = await c.csrf(`/persons/${ids.A.person}/outcomes`);
		for (const hours of ['0', '337', 'x']) {
			const r = await c.post(`/persons/${ids.A.person}/outcomes/links`, { form: { csrf, questionnaire: 'audit', hours } });
			assert.equal(r.status, 422, hours);
			assert.match(r.text, /id="f-hours-error"/);
		}
		const q = await c.post(`/persons/${ids.A.person}/outcomes/links`, { form: { csrf, questionnaire: 'nope', hours: '2' } });
		assert.equal(q.status, 422);
		const p = new Client(inst.base);
		const none = await p.get('/q');
		assert.equal(none.status, 200);
		assert.ok(none.text.includes('href="/q?c=1"'));
		assert.equal((await p.get('/q?c=1')).status, 404);
	});

	test('unknown tokens are rate limited per address', async () => {
		const p = new Client(inst.base);
		let last;
		for (let i = 0; i < 22; i++) {
			await p.get(`/q?t=bogus${i}abcdefghijklmnopqrstuvwxyz`);
			last = await p.get('/q');
			if (last.status === 429) break;
			assert.equal(last.status, 404, `try ${i}`);
		}
		assert.equal(last.status, 429);
	});
});

describe('audit', () => {
	test('reads, results, marks and links are logged, without answers, reasons or names', async () => {
		const r = await ok(await inst.api('admin').get('/api/v1/audit?action=outcome.&limit=1000'), 200, 'audit');
		const actions = new Set(r.entries.map((e) => e.action));
		for (const a of ['outcome.read', 'outcome.create', 'outcome.error', 'outcome.link.create', 'outcome.link.use', 'outcome.schedule.add'])
			assert.ok(actions.has(a), `no ${a} in ${[...actions]}`);
		const use = r.entries.find((e) => e.action === 'outcome.link.use');
		assert.equal(use.object_id, String(ids.A.person));
		const text = JSON.stringify(r.entries);
		for (const s of ['Feil person', 'Kari', 'Målesen', '4,4,4']) assert.ok(!text.includes(s), `${s} in the audit log`);
	});
});
