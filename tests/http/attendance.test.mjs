// attendance: the day roster (page and API: saved in one go, a bad row changes nothing,
// editable, audited), individual sessions, progress figures on a small hand-computed data
// set, the caseload, the programme board, the CSV exports (quoting and formula guard),
// and another organisation's ids (404).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertApiError, assertNoForeign } from '../lib/checks.mjs';
import { csrfOf, forms } from '../lib/html.mjs';
import { entriesOf, fillIds, MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';

// Day numbers as the server counts them: the Norwegian wall clock.
const osloToday = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
const addDays = (iso, n) => {
	const d = new Date(`${iso}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
};
const weekday = (iso) => ((new Date(`${iso}T12:00:00Z`).getUTCDay() + 6) % 7) + 1; // Mon 1 … Sun 7
/** The k-th weekday from `first` (first counts if it is one). */
const nthOpenDay = (first, k) => {
	let d = first;
	for (;;) {
		if (weekday(d) <= 5 && --k === 0) return d;
		d = addDays(d, 1);
	}
};

const TODAY = osloToday();
const PHASE_SINCE = addDays(TODAY, -14);
// The three most recent weekdays before today: attended days in the pace window.
const ATTENDED = [];
for (let d = addDays(TODAY, -1); ATTENDED.length < 3; d = addDays(d, -1)) if (weekday(d) <= 5) ATTENDED.unshift(d);

let inst, coord, ther, foreign;
const ids = {};

async function ok(res, status, what) {
	assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 400)}`);
	return res.data;
}

async function person(api, given, family) {
	const d = await ok(await api.post('/api/v1/persons', { given_name: given, family_name: family }), 201, 'person');
	return d.person.id;
}

async function enrolInDayTreatment(api, personId, programmeId, therapistId, groupId) {
	const e = await ok(
		await api.post('/api/v1/enrolments', {
			person_id: personId,
			programme_id: programmeId,
			therapist_id: therapistId,
			start_date: addDays(PHASE_SINCE, -6),
		}),
		201,
		'enrolment',
	);
	const moved = await ok(
		await api.post(`/api/v1/enrolments/${e.enrolment.id}/events`, {
			kind: 'phase',
			to_phase: 'day_treatment',
			date: PHASE_SINCE,
			reason: 'Synthetic test: straight to day treatment',
			version: e.enrolment.version,
		}),
		201,
		'move to day treatment',
	);
	assert.equal(moved.enrolment.phase, 2);
	await ok(await api.post(`/api/v1/groups/${groupId}/members`, { enrolment_id: e.enrolment.id, from: PHASE_SINCE }), 201, 'member');
	return e.enrolment.id;
}

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist', 'auditor', 'foreignAdmin', 'foreignTherapist'] });
	fillIds(inst);
	coord = inst.api('coordinator');
	ther = inst.api('therapist');
	foreign = inst.api('foreignAdmin');
	for (const [key, api, org] of [
		['A', coord, 'A'],
		['B', foreign, 'B'],
	]) {
		const p = await ok(await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Dagbehandling ${org}` }), 201, 'programme');
		ids[`prog${key}`] = p.programme.id;
		const g = await ok(
			await api.post(`/api/v1/programmes/${p.programme.id}/groups`, {
				name: `Daggruppe ${org === 'A' ? MARK_A : MARK_B}`,
				phase_key: 'day_treatment',
				weekdays: [1, 2, 3, 4, 5],
				start: '09:00',
				end: '14:00',
				capacity: 10,
			}),
			201,
			'group',
		);
		ids[`group${key}`] = g.group.id;
	}
	ids.p1 = await person(coord, 'Testa', `Syntetisk ${MARK_A}`);
	ids.p2 = await person(coord, '=HYPERLINK("x")', 'Formelsen, "Komma"');
	ids.e1 = await enrolInDayTreatment(coord, ids.p1, ids.progA, inst.users.therapist.id, ids.groupA);
	ids.e2 = await enrolInDayTreatment(coord, ids.p2, ids.progA, inst.users.therapist.id, ids.groupA);
	ids.pB = await person(foreign, 'Bera', `Utenlandsk ${MARK_B}`);
	ids.eB = await enrolInDayTreatment(foreign, ids.pB, ids.progB, inst.users.foreignTherapist.id, ids.groupB);
});
after(async () => {
	await inst?.stop();
});

const roster = (api, groupId, date) => api.get(`/api/v1/groups/${groupId}/roster?date=${date}`);
const put = (api, groupId, body) => api.request('PUT', `/api/v1/groups/${groupId}/roster`, { json: body });

describe('the roster through the API', () => {
	test('lists the members expected on the day, with the default hours', async () => {
		const d = await ok(await roster(ther, ids.groupA, ATTENDED[0]), 200, 'roster');
		assert.equal(d.rows.length, 2);
		assert.equal(d.session_id, null);
		assert.equal(d.default_hours, 4);
		assert.deepEqual(d.rows.map((r) => r.enrolment_id).sort(), [ids.e1, ids.e2].sort());
	});

	test('a bad row refuses the whole roster and stores nothing', async () => {
		for (const [hours, what] of [
			[25, 'more than 24'],
			[4.25, 'not a half hour'],
			[-1, 'negative'],
			['4', 'a string'],
		]) {
			const r = await put(ther, ids.groupA, {
				date: ATTENDED[0],
				rows: [
					{ enrolment_id: ids.e1, attended: true, hours: 4 },
					{ enrolment_id: ids.e2, attended: true, hours },
				],
			});
			assertApiError(r, [400, 422], what);
			assert.equal(r.data.error.field, 'rows[1].hours', what);
		}
		// Another organisation's enrolment in the rows.
		const r = await put(ther, ids.groupA, {
			date: ATTENDED[0],
			rows: [
				{ enrolment_id: ids.e1, attended: true, hours: 4 },
				{ enrolment_id: ids.eB, attended: true, hours: 4 },
			],
		});
		assertApiError(r, 422);
		assert.equal(r.data.error.field, 'rows[1].enrolment_id');
		const d = await ok(await roster(ther, ids.groupA, ATTENDED[0]), 200, 'roster');
		assert.equal(d.session_id, null, 'a session was made by a refused roster');
		assert.ok(d.rows.every((x) => !x.recorded));
	});

	test('a future day is refused', async () => {
		const r = await put(ther, ids.groupA, { date: addDays(TODAY, 1), rows: [{ enrolment_id: ids.e1, attended: true, hours: 4 }] });
		assertApiError(r, 422);
		assert.equal(r.data.error.field, 'date');
	});

	test('saves, saves again unchanged, edits — each changed row audited', async () => {
		for (const day of ATTENDED) {
			const d = await ok(
				await put(ther, ids.groupA, {
					date: day,
					rows: [
						{ enrolment_id: ids.e1, attended: true, hours: 4.5 },
						{ enrolment_id: ids.e2, attended: false, hours: 0, note: '=SUM(A1:A9)' },
					],
				}),
				200,
				`roster ${day}`,
			);
			assert.equal(d.changed, 2);
			assert.ok(d.session_id > 0);
		}
		const again = await ok(
			await put(ther, ids.groupA, {
				date: ATTENDED[2],
				rows: [
					{ enrolment_id: ids.e1, attended: true, hours: 4.5 },
					{ enrolment_id: ids.e2, attended: false, hours: 0, note: '=SUM(A1:A9)' },
				],
			}),
			200,
			'the same roster again',
		);
		assert.equal(again.changed, 0);
		const edit = await ok(
			await put(ther, ids.groupA, { date: ATTENDED[2], rows: [{ enrolment_id: ids.e2, attended: true, hours: 5 }] }),
			200,
			'edit',
		);
		assert.equal(edit.changed, 1);
		const row = edit.rows.find((x) => x.enrolment_id === ids.e2);
		assert.equal(row.attended, true);
		assert.equal(row.hours, 5);
		// Move it back so that the progress below is e2: 0 days.
		await ok(await put(ther, ids.groupA, { date: ATTENDED[2], rows: [{ enrolment_id: ids.e2, attended: false, hours: 0 }] }), 200, 'back');

		const au = await ok(await inst.api('admin').get('/api/v1/audit?action=attendance.save&limit=100'), 200, 'audit');
		const entries = entriesOf(au).filter((e) => e.action === 'attendance.save');
		assert.equal(entries.length, 2 * ATTENDED.length + 2, JSON.stringify(entries.map((e) => e.detail)));
		const last = entries[0];
		assert.equal(String(last.object_id), String(ids.e2));
		assert.match(last.detail, /attended=1->0/);
		assert.ok(!entries.some((e) => /SUM|Testa|Syntetisk/.test(e.detail)), 'personal data or a note in the audit detail');
	});

	test("another organisation's group: 404, and nothing of it shows", async () => {
		assertApiError(await roster(ther, ids.groupB, ATTENDED[0]), 404);
		assertApiError(await put(ther, ids.groupB, { date: ATTENDED[0], rows: [] }), 404);
		const d = await ok(await roster(foreign, ids.groupB, ATTENDED[0]), 200, 'own roster');
		assert.equal(d.rows.length, 1);
		assert.ok(!(await roster(foreign, ids.groupA, ATTENDED[0])).text.includes(MARK_A));
	});

	test('bad input: 400/422 with the error shape', async () => {
		assertApiError(await roster(ther, ids.groupA, '2025-02-30'), 400);
		assertApiError(await put(ther, ids.groupA, { date: ATTENDED[0], rows: 'x' }), 400);
		assertApiError(await put(ther, ids.groupA, { date: ATTENDED[0], rows: [{ enrolment_id: 'x' }] }), 400);
		assertApiError(await put(ther, ids.groupA, { date: ATTENDED[0], rows: [], extra: 1 }), 400);
		assertApiError(await put(ther, ids.groupA, { rows: [] }), [400, 422]);
	});
});

describe('progress', () => {
	test('day treatment figures match the hand-computed ones', async () => {
		const d = await ok(await ther.get(`/api/v1/enrolments/${ids.e1}/progress`), 200, 'progress');
		const p = d.progress;
		assert.equal(p.kind, 'day_treatment');
		const dt = p.day_treatment;
		// Phase since today-14: the window is the last 14 days, which hold 10 weekdays.
		assert.equal(dt.attended, 3);
		assert.equal(dt.target, 100);
		assert.equal(dt.percent, 3);
		assert.equal(dt.window_from, addDays(TODAY, -13));
		assert.equal(dt.window_open_days, 10);
		assert.equal(dt.window_attended, 3);
		assert.equal(dt.expected_min, 6); // 3 × 10 / 5
		assert.equal(dt.pace_per_week, 1.5); // 3 × 5 / 10
		assert.equal(dt.below_minimum, true);
		// 97 remain: at the window pace ceil(97 × 10 / 3) = 324 open days from tomorrow,
		// at the minimum ceil(97 × 5 / 3) = 162.
		assert.equal(dt.projected_end, nthOpenDay(addDays(TODAY, 1), 324));
		assert.equal(dt.minimum_pace_end, nthOpenDay(addDays(TODAY, 1), 162));
		assert.equal(p.last_attended, ATTENDED[2]);
	});

	test('the progress page shows the bar with its text and the warning', async () => {
		const c = await inst.login('therapist');
		const r = await c.get(`/enrolments/${ids.e1}/progress`);
		assert.equal(r.status, 200, r.text.slice(0, 300));
		assert.match(r.text, /<progress[^>]*max="100"[^>]*value="3"[^>]*aria-labelledby="progress-\d+-label"/);
		assert.match(r.text, /id="progress-\d+-label">3 av 100 dager</);
		assert.match(r.text, /class="ds-alert" data-color="warning"/);
		assert.ok(!/style=/.test(r.text), 'inline style');
	});

	test("another organisation's enrolment: 404", async () => {
		assertApiError(await ther.get(`/api/v1/enrolments/${ids.eB}/progress`), 404);
		const c = await inst.login('therapist');
		assert.equal((await c.get(`/enrolments/${ids.eB}/progress`)).status, 404);
	});
});

describe('the roster page', () => {
	test('shows the day with prev/next and a date picker, and saves in one submit', async () => {
		const c = await inst.login('therapist');
		const day = ATTENDED[1];
		const page = await c.get(`/groups/${ids.groupA}/roster?date=${day}`);
		assert.equal(page.status, 200, page.text.slice(0, 400));
		assert.match(page.text, /<input[^>]*type="date"[^>]*name="date"|<input[^>]*name="date"[^>]*type="date"/);
		assert.match(page.text, new RegExp(`href="/groups/${ids.groupA}/roster\\?date=${addDays(day, -1)}"`));
		assert.match(page.text, new RegExp(`href="/groups/${ids.groupA}/roster\\?date=${addDays(day, 1)}"`));
		assert.equal((page.text.match(/<h1/g) || []).length, 1);
		for (const m of page.text.matchAll(/<input[^>]*id="(f-[ahn]_\d+)"/g)) assert.ok(page.text.includes(`for="${m[1]}"`), `no label for ${m[1]}`);
		// A bad hours value: 422, the form comes back with the input and a message, nothing saved.
		const form = {
			csrf: csrfOf(page.text),
			date: day,
			[`a_${ids.e1}`]: '1',
			[`h_${ids.e1}`]: '3',
			[`n_${ids.e1}`]: '',
			[`a_${ids.e2}`]: '1',
			[`h_${ids.e2}`]: '30',
			[`n_${ids.e2}`]: '',
		};
		const bad = await c.request('POST', `/groups/${ids.groupA}/roster`, { form });
		assert.equal(bad.status, 422);
		assert.match(bad.text, /ds-error-summary/);
		assert.match(bad.text, new RegExp(`id="f-h_${ids.e2}"[^>]*value="30"|value="30"[^>]*id="f-h_${ids.e2}"`));
		let d = await ok(await roster(ther, ids.groupA, day), 200, 'roster');
		assert.equal(d.rows.find((x) => x.enrolment_id === ids.e1).hours, 4.5, 'a refused submit changed a row');
		// Good: saved, redirect with saved=1.
		form[`h_${ids.e2}`] = '2,5';
		const good = await c.request('POST', `/groups/${ids.groupA}/roster`, { form });
		assert.equal(good.status, 303, good.text.slice(0, 300));
		d = await ok(await roster(ther, ids.groupA, day), 200, 'roster');
		assert.equal(d.rows.find((x) => x.enrolment_id === ids.e1).hours, 3);
		assert.equal(d.rows.find((x) => x.enrolment_id === ids.e2).hours, 2.5);
		assert.equal(d.rows.find((x) => x.enrolment_id === ids.e2).attended, true);
		// Put it back for the figures of the other tests.
		await ok(await put(ther, ids.groupA, { date: day, rows: [{ enrolment_id: ids.e2, attended: false, hours: 0 }] }), 200, 'back');
	});

	test("another organisation's group: 404; a bad date: 400; no CSRF: 403", async () => {
		const c = await inst.login('therapist');
		assert.equal((await c.get(`/groups/${ids.groupB}/roster`)).status, 404);
		assert.equal((await c.get(`/groups/${ids.groupA}/roster?date=nope`)).status, 400);
		const r = await c.request('POST', `/groups/${ids.groupA}/roster`, { form: { date: ATTENDED[0] } });
		assert.equal(r.status, 403);
	});

	test('the auditor may not see a roster', async () => {
		const c = await inst.login('auditor');
		assert.equal((await c.get(`/groups/${ids.groupA}/roster`)).status, 403);
	});
});

describe('individual sessions', () => {
	test('a session is registered, bad input comes back with messages', async () => {
		const c = await inst.login('therapist');
		const page = await c.get(`/enrolments/${ids.e2}/sessions/new`);
		assert.equal(page.status, 200);
		const base = { csrf: csrfOf(page.text), date: ATTENDED[0], start: '10:00', end: '09:00', kind: 'individual', attended: '1', hours: '', note: '' };
		const bad = await c.request('POST', `/enrolments/${ids.e2}/sessions`, { form: base });
		assert.equal(bad.status, 422);
		assert.match(bad.text, /ds-error-summary/);
		const good = await c.request('POST', `/enrolments/${ids.e2}/sessions`, { form: { ...base, end: '11:00' } });
		assert.equal(good.status, 303, good.text.slice(0, 300));
		const d = await ok(await ther.get(`/api/v1/enrolments/${ids.e2}/progress`), 200, 'progress');
		assert.equal(d.progress.day_treatment.attended, 1);
		assert.equal((await c.get(`/enrolments/${ids.eB}/sessions/new`)).status, 404);
	});
});

describe('caseload and board', () => {
	test('the therapist sees their caseload with progress and warnings; each row audited', async () => {
		const d = await ok(await ther.get('/api/v1/caseload'), 200, 'caseload');
		assert.equal(d.total, 2);
		const r1 = d.caseload.find((x) => x.enrolment_id === ids.e1);
		assert.equal(r1.attended_in_phase, 3);
		assert.equal(r1.target_days, 100);
		assert.ok(r1.warnings.includes('pace_below_minimum'));
		assertNoForeign(JSON.stringify(d), [MARK_B], 'caseload');
		const c = await inst.login('therapist');
		const page = await c.get('/caseload?sort=phase');
		assert.equal(page.status, 200);
		assert.match(page.text, /3\/100/);
		assert.match(page.text, /data-color="warning"/);
		assert.equal((await c.get('/caseload?sort=bogus')).status, 400);
		assert.equal((await c.get(`/caseload?therapist=${inst.users.coordinator.id}`)).status, 403);
		// One listing entry per page, naming the persons shown; a per-person lookup finds it.
		const au = await ok(await inst.api('admin').get('/api/v1/audit?action=person.list&limit=200'), 200, 'audit');
		const rows = entriesOf(au).filter((e) => e.detail === 'caseload');
		assert.ok(rows.some((e) => (e.subjects || []).includes(ids.p1) && e.subjects.includes(ids.p2)), 'caseload rows are not audited');
		for (const [pid, other] of [[ids.p1, ids.p2], [ids.p2, ids.p1]]) {
			const mine = entriesOf(await ok(await inst.api('admin').get(`/api/v1/audit?person=${pid}&limit=200`), 200, 'audit of a person'));
			assert.ok(mine.some((e) => e.action === 'person.list' && e.detail === 'caseload' && e.subjects.includes(pid)), `the caseload listing of ${pid} is not found per person`);
			assert.ok(mine.some((e) => /^roster/.test(e.detail) && e.subjects.includes(pid) && e.subjects.includes(other)), `the roster listing of ${pid} is not found per person`);
			assert.ok(mine.every((e) => String(e.object_id) === String(pid) || (e.subjects || []).includes(pid)), 'the per-person lookup shows another person\'s entries');
		}
		const auditPage = await (await inst.login('admin')).get(`/audit?person=${ids.p1}`);
		assert.equal(auditPage.status, 200);
		assert.match(auditPage.text, new RegExp(`person\\.list[\\s\\S]*${ids.p1}`));
		assert.equal((await inst.api('admin').get('/api/v1/audit?person=abc')).status, 400);
		const foreignAudit = entriesOf(await ok(await inst.api('foreignAdmin').get(`/api/v1/audit?person=${ids.p1}`), 200, 'foreign audit'));
		assert.equal(foreignAudit.length, 0, 'another organisation finds the person in its audit log');
		const start = await c.get('/');
		assert.match(start.text, /href="\/caseload"/);
	});

	test('a coordinator picks the therapist; another organisation sees none of it', async () => {
		const d = await ok(await coord.get(`/api/v1/caseload?therapist=${inst.users.therapist.id}`), 200, 'caseload');
		assert.equal(d.total, 2);
		assertApiError(await coord.get(`/api/v1/caseload?therapist=${inst.users.foreignTherapist.id}`), 404);
		const f = await ok(await foreign.get('/api/v1/caseload'), 200, 'foreign caseload');
		assertNoForeign(JSON.stringify(f), [MARK_A], 'foreign caseload');
	});

	test('the board counts people per phase and groups with capacity', async () => {
		const d = await ok(await coord.get(`/api/v1/programmes/${ids.progA}/board`), 200, 'board');
		const dt = d.phases.find((p) => p.key === 'day_treatment');
		assert.equal(dt.open, 2);
		assert.equal(dt.active, 2);
		assert.equal(d.groups[0].members, 2);
		assert.equal(d.groups[0].capacity, 10);
		assert.equal(d.people.total, 2);
		assertApiError(await coord.get(`/api/v1/programmes/${ids.progB}/board`), 404);
		assertApiError(await ther.get(`/api/v1/programmes/${ids.progA}/board`), 403);
		const c = await inst.login('coordinator');
		const page = await c.get(`/programmes/${ids.progA}/board`);
		assert.equal(page.status, 200);
		assert.ok(page.text.includes(MARK_A));
		assert.equal((await c.get(`/programmes/${ids.progB}/board`)).status, 404);
	});

	test('CSV exports quote, defuse formulas and are audited', async () => {
		const c = await inst.login('coordinator');
		const en = await c.get(`/programmes/${ids.progA}/enrolments.csv`);
		assert.equal(en.status, 200);
		assert.match(en.headers.get('content-type'), /^text\/csv/);
		assert.ok(en.text.includes(`"'=HYPERLINK(""x"")"`), en.text);
		assert.ok(en.text.includes('"Formelsen, ""Komma"""'), en.text);
		assert.ok(!en.text.includes(MARK_B));
		const at = await c.get(`/programmes/${ids.progA}/attendance.csv?from=${addDays(TODAY, -30)}&to=${TODAY}`);
		assert.equal(at.status, 200);
		assert.ok(at.text.includes("'=SUM(A1:A9)"), at.text);
		const lines = at.text.trim().split('\r\n');
		assert.ok(lines.length >= 1 + 2 * ATTENDED.length, at.text);
		assert.equal((await c.get(`/programmes/${ids.progA}/attendance.csv?from=x`)).status, 400);
		assert.equal((await c.get(`/programmes/${ids.progB}/attendance.csv`)).status, 404);
		const au = await ok(await inst.api('admin').get('/api/v1/audit?action=programme.export&limit=20'), 200, 'audit');
		assert.ok(entriesOf(au).length >= 2);
	});
});
