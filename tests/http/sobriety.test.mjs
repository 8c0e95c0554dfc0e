// sobriety: sobriety tests (issue 6, "Tests") — breath and drug tests through the API and
// the pages, with bad input per field (per mille out of range, an unknown substance class,
// a result for an inactive class, staff of another organisation); prescribed medication
// shown as expected; zero tolerance flagging the person and opening a draft relapse, and
// the lab overturning it; the roster's random draw (a marker next to the person, the same
// selection on every reload, one stored draw per person and day, the draws and fairness
// page); another organisation's ids 404 with none of its data; escaping of text fields.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fillIds, MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';

const NASTY = `<script>'"&`;
const ESCAPED = '&lt;script&gt;';
const osloToday = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
const addDays = (iso, n) => {
	const d = new Date(`${iso}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
};
const TODAY = osloToday();
const SINCE = addDays(TODAY, -20);

let inst, admin, coord, ther, foreign;
const ids = {};

async function ok(res, status, what) {
	assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 400)}`);
	return res.data;
}

async function setUp(api, mark, people, therapistId) {
	const p = await ok(await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Program ${mark}` }), 201, 'programme');
	const g = await ok(
		await api.post(`/api/v1/programmes/${p.programme.id}/groups`, {
			name: `Gruppe ${mark}`,
			phase_key: 'day_treatment',
			weekdays: [1, 2, 3, 4, 5, 6, 7],
			start: '09:00',
			end: '14:00',
			capacity: 20,
		}),
		201,
		'group',
	);
	const out = { programme: p.programme.id, group: g.group.id, persons: [], enrolments: [] };
	for (const [given, family] of people) {
		const per = await ok(await api.post('/api/v1/persons', { given_name: given, family_name: family }), 201, 'person');
		const e = await ok(
			await api.post('/api/v1/enrolments', {
				person_id: per.person.id,
				programme_id: p.programme.id,
				therapist_id: therapistId,
				start_date: addDays(SINCE, -6),
			}),
			201,
			'enrolment',
		);
		await ok(
			await api.post(`/api/v1/enrolments/${e.enrolment.id}/events`, {
				kind: 'phase',
				to_phase: 'day_treatment',
				date: SINCE,
				reason: 'Synthetic test',
				version: e.enrolment.version,
			}),
			201,
			'phase',
		);
		await ok(await api.post(`/api/v1/groups/${g.group.id}/members`, { enrolment_id: e.enrolment.id, from: SINCE }), 201, 'member');
		out.persons.push(per.person.id);
		out.enrolments.push(e.enrolment.id);
	}
	return out;
}

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist', 'auditor', 'foreignAdmin', 'foreignTherapist'] });
	fillIds(inst);
	admin = inst.api('admin');
	coord = inst.api('coordinator');
	ther = inst.api('therapist');
	foreign = inst.api('foreignAdmin');
	const people = [];
	for (let i = 0; i < 12; i++) people.push([`Deltaker${i}`, `Testesen`]);
	ids.A = await setUp(coord, MARK_A, people, inst.users.therapist.id);
	ids.B = await setUp(foreign, MARK_B, [['Bera', `Utenlandsk ${MARK_B}`]], inst.users.foreignTherapist.id);
	const t = await ok(await foreign.post(`/api/v1/persons/${ids.B.persons[0]}/tests`, { kind: 'breath', permille: 0, device: `Beta ${MARK_B}` }), 201, 'foreign test');
	ids.B.test = t.id;
});
after(async () => {
	await inst?.stop();
});

describe('recording tests through the API', () => {
	test('a drug test with results round trip', async () => {
		const pid = ids.A.persons[0];
		const t = await ok(
			await ther.post(`/api/v1/persons/${pid}/tests`, {
				kind: 'drug',
				sample: 'saliva',
				observed: true,
				enrolment_id: ids.A.enrolments[0],
				device: `Kit ${NASTY}`,
				results: { cannabis: 'negative', opioids: 'inconclusive', cocaine: 'negative' },
			}),
			201,
			'create',
		);
		assert.equal(t.kind, 'drug');
		assert.equal(t.sample, 'saliva');
		assert.equal(t.outcome, 'done');
		assert.equal(t.enrolment_id, ids.A.enrolments[0]);
		assert.equal(t.date, TODAY);
		assert.equal(t.taken_by, inst.users.therapist.id);
		assert.equal(t.flagged, false);
		assert.equal(t.device, `Kit ${NASTY}`);
		assert.deepEqual(
			t.results.map((r) => [r.class, r.result]),
			[['cannabis', 'negative'], ['cocaine', 'negative'], ['opioids', 'inconclusive']],
		);
		const g = await ok(await ther.get(`/api/v1/tests/${t.id}`), 200, 'get');
		assert.deepEqual(g, t);
		const list = await ok(await ther.get(`/api/v1/persons/${pid}/tests`), 200, 'list');
		assert.ok(list.tests.some((x) => x.id === t.id));
	});

	test('a breath test: per mille with two decimals, a refusal without a result', async () => {
		const pid = ids.A.persons[0];
		const b = await ok(await ther.post(`/api/v1/persons/${pid}/tests`, { kind: 'breath', permille: '0,42', device: 'Dräger' }), 201, 'breath');
		assert.equal(b.permille, '0.42');
		const n = await ok(await ther.post(`/api/v1/persons/${pid}/tests`, { kind: 'breath', permille: 1.5 }), 201, 'number');
		assert.equal(n.permille, '1.50');
		const r = await ok(await ther.post(`/api/v1/persons/${pid}/tests`, { kind: 'breath', refused: true }), 201, 'refused');
		assert.equal(r.outcome, 'refused');
		assert.equal(r.permille, null);
		assert.deepEqual(r.results, []);
	});

	test('bad input answers 422 with the field, and nothing is stored', async () => {
		const pid = ids.A.persons[1];
		const cases = [
			[{ kind: 'breath', permille: 5.01 }, 'permille'],
			[{ kind: 'breath', permille: '-0.1' }, 'permille'],
			[{ kind: 'breath', permille: '0.123' }, 'permille'],
			[{ kind: 'breath', permille: 6 }, 'permille'],
			[{ kind: 'breath' }, 'permille'],
			[{ kind: 'breath', refused: true, permille: '0.1' }, 'permille'],
			[{ kind: 'urine' }, 'kind'],
			[{ kind: 'drug', sample: 'hair', results: { cannabis: 'negative' } }, 'sample'],
			[{ kind: 'drug', sample: 'urine', results: { heroin_x: 'positive' } }, 'results'],
			[{ kind: 'drug', sample: 'urine', results: { cannabis: 'maybe' } }, 'results'],
			[{ kind: 'drug', sample: 'urine', results: {} }, 'results'],
			[{ kind: 'drug', sample: 'urine', results: { cannabis: 'negative' }, date: '2025-02-30' }, 'date'],
			[{ kind: 'drug', sample: 'urine', results: { cannabis: 'negative' }, date: addDays(TODAY, 2) }, 'date'],
			[{ kind: 'drug', sample: 'urine', results: { cannabis: 'negative' }, time: '24:61' }, 'time'],
			[{ kind: 'drug', sample: 'urine', results: { cannabis: 'negative' }, taken_by: inst.users.foreignTherapist.id }, 'taken_by'],
			[{ kind: 'drug', sample: 'urine', results: { cannabis: 'negative' }, enrolment_id: ids.B.enrolments[0] }, 'enrolment'],
			[{ kind: 'drug', sample: 'urine', results: { cannabis: 'negative' }, enrolment_id: ids.A.enrolments[0] }, 'enrolment'],
			[{ kind: 'drug', sample: 'urine', results: { cannabis: 'negative' }, note: 'x'.repeat(501) }, 'note'],
		];
		for (const [body, field] of cases) {
			const r = await ther.post(`/api/v1/persons/${pid}/tests`, body);
			assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
			assert.equal(r.data.error.field, field, JSON.stringify(body));
		}
		assert.equal((await ther.post(`/api/v1/persons/${pid}/tests`, { kind: 'breath', permille: [1] })).status, 400);
		assert.equal((await ther.post(`/api/v1/persons/${pid}/tests`, { kind: 'drug', sample: 'urine', results: ['cannabis'] })).status, 400);
		assert.equal((await ther.post(`/api/v1/persons/${pid}/tests`, { kind: 'breath', permille: 0, colour: 'red' })).status, 400);
		const list = await ok(await ther.get(`/api/v1/persons/${pid}/tests`), 200, 'list');
		assert.equal(list.tests.length, 0);
	});

	test('a result for an inactive class is refused', async () => {
		const c = await inst.login('admin');
		const page = await c.get('/substances');
		assert.equal(page.status, 200);
		const m = page.text.match(/href="\/substances\/(\d+)">GHB</);
		assert.ok(m, 'no GHB class');
		const csrf = await c.csrf('/substances');
		const off = await c.post(`/substances/${m[1]}`, { form: { csrf, label: 'GHB', sort_order: '80' } });
		assert.equal(off.status, 303, off.text.slice(0, 300));
		const r = await ther.post(`/api/v1/persons/${ids.A.persons[1]}/tests`, { kind: 'drug', sample: 'urine', results: { ghb: 'negative' } });
		assert.equal(r.status, 422, r.text);
		assert.equal(r.data.error.field, 'results');
		// The foreign organisation's own GHB is untouched.
		await ok(await foreign.post(`/api/v1/persons/${ids.B.persons[0]}/tests`, { kind: 'drug', sample: 'urine', results: { ghb: 'negative' } }), 201, 'foreign ghb');
		// A new class with a bad key, and escaping of its label.
		const bad = await c.post('/substances', { form: { csrf, key: 'Bad Key', label: 'x', sort_order: '' } });
		assert.equal(bad.status, 422);
		assert.match(bad.text, /id="f-key-error"/);
		const good = await c.post('/substances', { form: { csrf, key: 'ketamine', label: `Ketamin ${NASTY}`, sort_order: '95' } });
		assert.equal(good.status, 303);
		const list = await c.get('/substances');
		assert.ok(list.text.includes(`Ketamin ${ESCAPED}`) && !list.text.includes(NASTY), 'escaping');
		const dup = await c.post('/substances', { form: { csrf, key: 'ketamine', label: 'Again', sort_order: '' } });
		assert.equal(dup.status, 422);
	});
});

describe('prescriptions and zero tolerance', () => {
	test('an expected positive does not flag; an unexpected one does and opens a draft relapse; the lab overturns it', async () => {
		const pid = ids.A.persons[2];
		const c = await inst.login('therapist');
		let csrf = await c.csrf(`/persons/${pid}/tests`);
		const badMed = await c.post(`/persons/${pid}/medications`, { form: { csrf, class: 'nope', name: 'X', from: SINCE, to: '' } });
		assert.equal(badMed.status, 422);
		const med = await c.post(`/persons/${pid}/medications`, { form: { csrf, class: 'buprenorphine', name: `Subutex ${NASTY}`, from: SINCE, to: '' } });
		assert.equal(med.status, 303, med.text.slice(0, 300));
		// Zero tolerance on (the coordinator, on the programme's page).
		const cc = await inst.login('coordinator');
		const ccsrf = await cc.csrf(`/programmes/${ids.A.programme}/tests`);
		assert.equal((await cc.post(`/programmes/${ids.A.programme}/zero-tolerance`, { form: { csrf: ccsrf, zero_tolerance: 'yes' } })).status, 303);
		assert.equal((await c.post(`/programmes/${ids.A.programme}/zero-tolerance`, { form: { csrf, zero_tolerance: '' } })).status, 403);

		const expected = await ok(
			await ther.post(`/api/v1/persons/${pid}/tests`, { kind: 'drug', sample: 'urine', results: { buprenorphine: 'positive', cannabis: 'negative' } }),
			201,
			'expected',
		);
		assert.equal(expected.flagged, false);
		assert.equal(expected.results.find((r) => r.class === 'buprenorphine').expected, true);
		const page = await c.get(`/persons/${pid}/tests`);
		assert.ok(page.text.includes('Forventet (foreskrevet)'), 'expected (prescribed) not shown');
		assert.ok(page.text.includes(`Subutex ${ESCAPED}`) && !page.text.includes(NASTY), 'escaping');
		assert.ok(!page.text.includes('tolv-flag'), 'flagged');

		const pos = await ok(
			await ther.post(`/api/v1/persons/${pid}/tests`, { kind: 'drug', sample: 'urine', results: { buprenorphine: 'positive', cannabis: 'positive' } }),
			201,
			'positive',
		);
		assert.equal(pos.flagged, true);
		const flagged = await c.get(`/persons/${pid}/tests`);
		assert.ok(flagged.text.includes('tolv-flag'), 'no flag on the tests page');
		const rel = await ok(await ther.get(`/api/v1/persons/${pid}/relapses`), 200, 'relapses');
		const draft = rel.items.find((r) => r.test_id === pos.id);
		assert.ok(draft, 'no draft relapse');
		assert.equal(draft.status, 'draft');

		// The lab: a result for a negative class is refused; not confirmed overturns.
		const neg = await ther.post(`/api/v1/tests/${pos.id}/lab`, { sent_on: TODAY, results: { opioids: 'confirmed' } });
		assert.equal(neg.status, 422, neg.text);
		const noDay = await ther.post(`/api/v1/tests/${pos.id}/lab`, { result: 'not_confirmed' });
		assert.equal(noDay.status, 422);
		assert.equal(noDay.data.error.field, 'lab_sent_on');
		csrf = await c.csrf(`/tests/${pos.id}`);
		const badLab = await c.post(`/tests/${pos.id}/lab`, { form: { csrf, lab_sent_on: addDays(TODAY, 1), lab_result: 'not_confirmed' } });
		assert.equal(badLab.status, 422);
		assert.match(badLab.text, /id="f-lab_sent_on-error"/);
		const lab = await c.post(`/tests/${pos.id}/lab`, { form: { csrf, lab_sent_on: TODAY, lab_result: '', l_cannabis: 'not_confirmed' } });
		assert.equal(lab.status, 303, lab.text.slice(0, 300));
		const after2 = await ok(await ther.get(`/api/v1/tests/${pos.id}`), 200, 'after lab');
		assert.equal(after2.flag, 'overturned');
		assert.equal(after2.lab_result, 'not_confirmed');
		assert.equal(after2.lab_sent_on, TODAY);
		const rel2 = await ok(await ther.get(`/api/v1/persons/${pid}/relapses`), 200, 'relapses');
		assert.equal(rel2.items.find((r) => r.test_id === pos.id).status, 'rejected');
	});

	test('the record form: errors next to the field, input kept, then saved', async () => {
		const pid = ids.A.persons[3];
		const c = await inst.login('therapist');
		const form = await c.get(`/persons/${pid}/tests/new?kind=breath`);
		assert.equal(form.status, 200);
		assert.equal((form.text.match(/<h1/g) || []).length, 1);
		const csrf = await c.csrf(`/persons/${pid}/tests/new?kind=breath`);
		const bad = await c.post(`/persons/${pid}/tests`, { form: { csrf, kind: 'breath', date: TODAY, time: '', taken_by: '', permille: '9', device: `Dev ${NASTY}`, note: '', enrolment: '' } });
		assert.equal(bad.status, 422);
		assert.match(bad.text, /id="f-permille-error"/);
		assert.ok(bad.text.includes(`Dev ${ESCAPED}`) && !bad.text.includes(NASTY), 'input not kept or not escaped');
		const good = await c.post(`/persons/${pid}/tests`, { form: { csrf, kind: 'breath', date: TODAY, time: '', taken_by: '', permille: '0.2', device: `Dev ${NASTY}`, note: `N ${NASTY}`, enrolment: '' } });
		assert.equal(good.status, 303, good.text.slice(0, 300));
		const loc = good.headers.get('location');
		assert.match(loc, /^\/tests\/\d+\?saved=1$/);
		const tp = await c.get(loc);
		assert.equal(tp.status, 200);
		assert.ok(tp.text.includes('0.20 ‰'));
		assert.ok(tp.text.includes(`Dev ${ESCAPED}`) && tp.text.includes(`N ${ESCAPED}`) && !tp.text.includes(NASTY), 'escaping');
		// A drug test form lists the active classes, and a result for an unknown class is 422.
		const df = await c.get(`/persons/${pid}/tests/new?kind=drug`);
		assert.match(df.text, /name="r_cannabis"/);
		assert.ok(!/name="r_ghb"/.test(df.text), 'an inactive class is offered');
		const unk = await c.post(`/persons/${pid}/tests`, { form: { csrf, kind: 'drug', date: TODAY, time: '', taken_by: '', permille: '', device: '', sample: 'urine', observed: 'yes', note: '', enrolment: '', r_nosuch: 'positive' } });
		assert.equal(unk.status, 422);
		assert.match(unk.text, /id="f-results-error"/);
	});
});

describe('random selection on the roster', () => {
	test('the draw is made once: the same selection on every reload, one stored draw per person', async () => {
		const cc = await inst.login('coordinator');
		const csrf = await cc.csrf(`/programmes/${ids.A.programme}/tests`);
		const bad = await cc.post(`/programmes/${ids.A.programme}/test-rules`, { form: { csrf, phase: '', kind: 'percent', percent: '101', per_month: '' } });
		assert.equal(bad.status, 422);
		assert.match(bad.text, /id="f-percent-error"/);
		const rule = await cc.post(`/programmes/${ids.A.programme}/test-rules`, { form: { csrf, phase: 'day_treatment', kind: 'percent', percent: '50', per_month: '' } });
		assert.equal(rule.status, 303, rule.text.slice(0, 300));
		const c = await inst.login('therapist');
		const url = `/groups/${ids.A.group}/roster?date=${TODAY}`;
		const selected = (html) => [...html.matchAll(/href="\/persons\/(\d+)\/tests\/new\?kind=drug&amp;enrolment=\d+"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
		const first = await c.get(url);
		assert.equal(first.status, 200);
		const sel = selected(first.text);
		// Reloads — by the same user, another user, at the same time — keep the selection.
		const again = await Promise.all([c.get(url), c.get(url), (await inst.login('coordinator')).get(url)]);
		for (const r of again) assert.deepEqual(selected(r.text), sel, 'the selection changed on reload');
		if (sel.length) assert.match(first.text, /Trukket ut til prøve i dag/);
		// Another day's roster (tomorrow) draws nothing.
		const tomorrow = await c.get(`/groups/${ids.A.group}/roster?date=${addDays(TODAY, 1)}`);
		assert.deepEqual(selected(tomorrow.text), []);
		// The draws page (auditor): one draw per person today, at 50 %, matching the roster.
		const au = await inst.login('auditor');
		const dp = await au.get(`/test-draws?from=${TODAY}&to=${TODAY}`);
		assert.equal(dp.status, 200);
		const rows = [...dp.text.matchAll(/<tr><th scope="row">(\d{4}-\d\d-\d\d)<\/th><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>(\d{6})<\/td><td>([^<]*)<\/td>/g)];
		assert.equal(rows.length, ids.A.persons.length, `draws: ${rows.length}`);
		assert.equal(new Set(rows.map((r) => r[2])).size, ids.A.persons.length, 'a person drawn twice');
		for (const r of rows) {
			assert.equal(r[1], TODAY);
			assert.equal(r[4], '0.5000');
			assert.equal(r[6] === 'Ja', Number(r[5]) < 500000, 'selected does not follow the random value');
		}
		assert.equal(rows.filter((r) => r[6] === 'Ja').length, sel.length);
		assert.match(dp.text, /Rettferdighet per person/);
		assert.ok(!dp.text.includes(MARK_B), 'foreign draws');
		// No route redraws: a therapist cannot read the draws page either.
		assert.equal((await c.get('/test-draws')).status, 403);
		const badRange = await au.get(`/test-draws?from=${TODAY}&to=2000-01-01`);
		assert.equal(badRange.status, 422);
	});
});

describe("another organisation's ids", () => {
	test('404 with none of its data', async () => {
		const c = await inst.login('therapist');
		for (const r of [
			await ther.get(`/api/v1/tests/${ids.B.test}`),
			await ther.post(`/api/v1/tests/${ids.B.test}/lab`, { sent_on: TODAY }),
			await ther.get(`/api/v1/persons/${ids.B.persons[0]}/tests`),
			await ther.post(`/api/v1/persons/${ids.B.persons[0]}/tests`, { kind: 'breath', permille: 0 }),
			await c.get(`/tests/${ids.B.test}`),
			await c.get(`/persons/${ids.B.persons[0]}/tests`),
			await c.get(`/persons/${ids.B.persons[0]}/tests/new?kind=drug`),
			await (await inst.login('coordinator')).get(`/programmes/${ids.B.programme}/tests`),
		]) {
			assert.equal(r.status, 404, r.text.slice(0, 300));
			assert.ok(!r.text.includes(MARK_B), 'foreign data');
		}
		const own = await ok(await foreign.get(`/api/v1/tests/${ids.B.test}`), 200, 'own');
		assert.equal(own.device, `Beta ${MARK_B}`);
	});
});

describe('audit', () => {
	test('tests and draws are logged, without free text', async () => {
		const r = await ok(await admin.get('/api/v1/audit?limit=1000'), 200, 'audit');
		const entries = r.entries ?? r;
		const actions = new Set(entries.map((e) => e.action));
		for (const a of ['test.create', 'test.read', 'test.lab', 'medication.create', 'testdraw.draw', 'testrule.set', 'zerotolerance.set', 'substance.update']) {
			assert.ok(actions.has(a), `no ${a}`);
		}
		for (const e of entries) assert.ok(!JSON.stringify(e).includes('<script>'), 'free text in the audit log');
	});
});
