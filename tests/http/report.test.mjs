// report: the programme report (issue 7) — the page with the figures of a small fixture
// worked out by hand (path, retention, tests and relapses, outcome change), each chart with
// its text alternative and its table, every table's CSV matching the table (and
// formula-safe), bad dates refused, another organisation's programme 404, the roles, the
// audit entry (aggregates only), escaping.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeEntities } from '../lib/html.mjs';
import { entriesOf, fillIds, MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';

const NASTY = `<script>'"&`;
const PERIOD = 'from=2025-01-01&to=2025-03-31&cmp_from=2024-10-01&cmp_to=2024-12-31';

let inst, coord, foreign;
const ids = {};

async function ok(res, status, what) {
	assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 400)}`);
	return res.data;
}

/* The report's tables in page order: {caption, rows: [[cell text…]…]} (head row first). */
function tablesOf(html) {
	const out = [];
	for (const m of html.matchAll(/<div class="tolv-report-table">([\s\S]*?)<\/table><\/div>/g)) {
		const caption = decodeEntities(/<caption>([\s\S]*?)<\/caption>/.exec(m[1])[1]);
		const rows = [];
		for (const tr of m[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g))
			rows.push([...tr[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => decodeEntities(c[1].replace(/<[^>]*>/g, ''))));
		out.push({ caption, rows });
	}
	return out;
}

/* RFC 4180 rows. */
function csvRows(text) {
	const rows = [];
	let row = [],
		cell = '',
		q = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (q) {
			if (ch === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') q = false;
			else cell += ch;
		} else if (ch === '"') q = true;
		else if (ch === ',') {
			row.push(cell);
			cell = '';
		} else if (ch === '\r') continue;
		else if (ch === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
		} else cell += ch;
	}
	if (cell || row.length) rows.push([...row, cell]);
	return rows;
}

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist', 'auditor', 'foreignAdmin'] });
	fillIds(inst);
	coord = inst.api('coordinator');
	foreign = inst.api('foreignAdmin');
	const p = await ok(await coord.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Rapport ${NASTY} ${MARK_A}` }), 201, 'programme');
	ids.prog = p.programme.id;
	// The therapist certified (both courses) on 1 February 2025: one certified therapist at
	// the end of Q1 2025, none at the end of Q4 2024.
	for (const [course, days] of [['intro', 9], ['manual', 2]]) {
		await ok(
			await coord.request('PUT', `/api/v1/training/users/${inst.users.therapist.id}`, { json: { course, days_attended: days, certified_on: '2025-02-01' } }),
			200,
			`training ${course}`,
		);
	}
	const person = async (api, given, family) => (await ok(await api.post('/api/v1/persons', { given_name: given, family_name: family }), 201, 'person')).person.id;
	ids.p1 = await person(coord, 'Testa', `Rapportsen ${MARK_A}`);
	ids.p2 = await person(coord, NASTY, `Formel ${MARK_A}`);
	const ref = await ok(await coord.post('/api/v1/referrals', { source: 'nav', received_on: '2025-01-05', person_id: ids.p1 }), 201, 'referral');
	// A referral for no programme and no enrolment: not the programme's.
	await ok(await coord.post('/api/v1/referrals', { source: 'gp', received_on: '2025-03-01' }), 201, 'referral 2');
	const e1 = await ok(
		await coord.post('/api/v1/enrolments', { person_id: ids.p1, programme_id: ids.prog, referral_id: ref.referral.id, start_date: '2025-01-10' }),
		201,
		'enrolment 1',
	);
	await ok(
		await coord.post(`/api/v1/enrolments/${e1.enrolment.id}/events`, { kind: 'phase', date: '2025-01-20', version: e1.enrolment.version }),
		201,
		'to motivation',
	);
	// A referral source of the organisation's own, named like a formula and like markup.
	const src = await ok(await coord.post('/api/v1/referral-sources', { label: `=HYPERLINK("x") ${NASTY}` }), 201, 'source');
	ids.sourceKey = src.referral_source.key;
	const ref2 = await ok(await coord.post('/api/v1/referrals', { source: ids.sourceKey, received_on: '2025-01-25', person_id: ids.p2 }), 201, 'referral 3');
	const e2 = await ok(
		await coord.post('/api/v1/enrolments', { person_id: ids.p2, programme_id: ids.prog, referral_id: ref2.referral.id, start_date: '2025-02-01' }),
		201,
		'enrolment 2',
	);
	await ok(
		await coord.post(`/api/v1/enrolments/${e2.enrolment.id}/events`, {
			kind: 'discontinue',
			reason_key: 'dropped_out',
			date: '2025-02-11',
			version: e2.enrolment.version,
		}),
		201,
		'discontinue',
	);
	// Tests and a relapse of p1 (issue 6's API): a breath test of 0.20 ‰ (positive) and one
	// of 0.00 on 3 and 5 Feb, a relapse on 1 Mar, confirmed; and a draft relapse (not counted).
	await ok(await coord.post(`/api/v1/persons/${ids.p1}/tests`, { kind: 'breath', date: '2025-02-03', time: '10:00', permille: 0.2 }), 201, 'test 1');
	await ok(await coord.post(`/api/v1/persons/${ids.p1}/tests`, { kind: 'breath', date: '2025-02-05', time: '10:00', permille: 0 }), 201, 'test 2');
	const rl = await ok(await coord.post(`/api/v1/persons/${ids.p1}/relapses`, { date: '2025-03-01', source: 'told' }), 201, 'relapse');
	await ok(await coord.post(`/api/v1/relapses/${rl.id}/decision`, { decision: 'confirm' }), 200, 'confirm');
	await ok(await coord.post(`/api/v1/persons/${ids.p2}/relapses`, { date: '2025-02-05', source: 'told' }), 201, 'draft relapse');
	// AUDIT of p1 (issue 6's API): 20 at intake (10 Jan, the start), 8 on 15 Mar: 20 → 8.
	await ok(await coord.post(`/api/v1/persons/${ids.p1}/outcomes`, { questionnaire: 'audit', taken_on: '2025-01-10', answers: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2] }), 201, 'audit 1');
	await ok(await coord.post(`/api/v1/persons/${ids.p1}/outcomes`, { questionnaire: 'audit', taken_on: '2025-03-15', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0] }), 201, 'audit 2');
	const pb = await ok(await foreign.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Rapport ${MARK_B}` }), 201, 'programme B');
	ids.progB = pb.programme.id;
	const personB = await person(foreign, 'Bera', `Utenlandsk ${MARK_B}`);
	await ok(await foreign.post('/api/v1/enrolments', { person_id: personB, programme_id: ids.progB, start_date: '2025-01-15' }), 201, 'enrolment B');
});
after(async () => {
	await inst?.stop();
});

describe('the report page', () => {
	let html, tables;
	before(async () => {
		const c = await inst.login('coordinator');
		const res = await c.get(`/programmes/${ids.prog}/report?${PERIOD}`);
		assert.equal(res.status, 200, res.text.slice(0, 400));
		html = res.text;
		tables = tablesOf(html);
	});

	test('the overview has the hand-worked figures, the comparison quarter empty', () => {
		// Enrolments open: E1 (10 Jan, open) and E2 (1–11 Feb): 2; both started; E2 left
		// early; treatment days 10 Jan–31 Mar = 81, 1–11 Feb = 11: 92; referrals: the nav
		// one (through E1) and the formula one (through E2), not the gp one (no programme).
		const rows = tables[0].rows.slice(1).map((r) => r.slice(1));
		assert.deepEqual(rows, [
			['2', '0'],
			['2', '0'],
			['2', '0'],
			['0', '0'],
			['0', '0'],
			['1', '0'],
			['92', '0'],
			['2', '0'],
			['1', '0'], // certified therapists at the period's end
		]);
	});

	test('the path: counts and median days between steps', () => {
		const path = tables.find((t) => t.rows[0].length === 7 && t.rows.length === 7);
		assert.ok(path, 'the path table');
		// Rows: referral, four phases, completed. Columns: step, reached ×2, intervals ×2, median ×2.
		assert.deepEqual(path.rows[1].slice(1, 3), ['2', '0']);
		// Pre-treatment: 10 Jan − 5 Jan = 5 and 1 Feb − 25 Jan = 7: median 6.
		assert.deepEqual(path.rows[2].slice(1), ['2', '0', '2', '0', '6', '–']);
		assert.deepEqual(path.rows[3].slice(1), ['1', '0', '1', '0', '10', '–']); // motivation: 20 Jan − 10 Jan
		assert.deepEqual(path.rows[4].slice(1, 3), ['0', '0']);
	});

	test('retention: E2 left after 10 days, E1 censored at 80: S = 50 %', () => {
		const km = tables.find((t) => t.rows[0].length === 6 && t.rows.length === 3);
		assert.ok(km, 'the Kaplan–Meier table');
		assert.deepEqual(km.rows[1].slice(1), ['10', '2', '1', '0', '50']);
		assert.deepEqual(km.rows[2].slice(1), ['80', '1', '0', '1', '50']);
	});

	test('tests and relapses per 100 treatment days', () => {
		const t = tables.find((x) => x.rows.length === 8 && x.rows[1][1] === '92');
		assert.ok(t, 'the tests table');
		// Treatment days 92; tests 2, positive 1, confirmed relapses 1 (the draft is not);
		// per 100 days: 200 / 92 = 2.2, 100 / 92 = 1.1, 1.1.
		assert.deepEqual(
			t.rows.slice(1).map((r) => r[1]),
			['92', '2', '1', '1', '2,2', '1,1', '1,1'],
		);
	});

	test('outcome change: AUDIT 20 → 8 for the one pair', () => {
		const t = tables.find((x) => x.rows[0].length === 9);
		assert.ok(t, 'the outcomes table');
		// Columns: period, questionnaire, intakes, pairs, mean at intake, at follow-up, change,
		// improved, share. First row: AUDIT of this period.
		assert.deepEqual(t.rows[1].slice(2), ['1', '1', '20', '8', '-12', '1', '100']);
		assert.deepEqual(t.rows[2].slice(2), ['0', '0', '–', '–', '–', '0', '–']); // DUDIT
	});

	test('every chart is an SVG with a title and a desc, and a table follows it', () => {
		const svgs = [...html.matchAll(/<svg[^>]*role="img"[^>]*aria-labelledby="([^"]+)"[^>]*>([\s\S]*?)<\/svg>/g)];
		assert.ok(svgs.length >= 8, `${svgs.length} charts`);
		for (const [, labelledby, body] of svgs) {
			const [t, d] = labelledby.split(' ');
			assert.match(body, new RegExp(`<title id="${t}">[^<]+</title>`));
			assert.match(body, new RegExp(`<desc id="${d}">[^<]+</desc>`));
		}
		// The retention chart says its numbers in words.
		assert.match(html, /<desc id="chart-retention-desc">[^<]*2[^<]*1[^<]*10[^<]*<\/desc>/);
		assert.ok(!/style=/.test(html), 'no inline styles');
	});

	test('escaped: the programme name; no person is named', () => {
		assert.ok(html.includes('Rapport &lt;script&gt;&#39;&quot;&amp;'), 'the escaped name');
		assert.ok(!html.includes(NASTY));
		assert.ok(!html.includes('Rapportsen') && !html.includes('Formel'), 'a person named on the report');
		assert.ok(!html.includes(MARK_B), "the other organisation's data");
	});

	test('an organisation-named source: escaped on the page, defused in the CSV', async () => {
		assert.ok(html.includes('=HYPERLINK(&quot;x&quot;) &lt;script&gt;'));
		const c = await inst.login('coordinator');
		const res = await c.get(`/programmes/${ids.prog}/report.csv?table=sources&${PERIOD}`);
		assert.ok(res.text.includes(`"'=HYPERLINK(""x"") <script>'""&"`), res.text);
	});

	test('every table has a CSV link, and each CSV matches its table', async () => {
		const c = await inst.login('coordinator');
		const links = [...html.matchAll(/href="(\/programmes\/\d+\/report\.csv\?[^"]+)"/g)].map((m) => decodeEntities(m[1]));
		assert.equal(links.length, tables.length);
		for (let i = 0; i < links.length; i++) {
			const res = await c.get(links[i]);
			assert.equal(res.status, 200, links[i]);
			assert.match(res.headers.get('content-type'), /^text\/csv/);
			const name = new URL(links[i], inst.base).searchParams.get('table');
			assert.match(res.headers.get('content-disposition'), new RegExp(`attachment; filename="tolv-report-${ids.prog}-${name}-2025-01-01-2025-03-31\\.csv"`));
			const rows = csvRows(res.text);
			// Numbers: the page writes a decimal comma (nb), the CSV a point; "–" is empty.
			const norm = (s) => s.replace(/^–$/, '').replace(/^(-?\d+),(\d)$/, '$1.$2').replace(/^(-?\d+)$/, '$1');
			const want = tables[i].rows.map((r) => r.map(norm));
			// The CSV defuses a formula with a leading ' (tested above); otherwise cell for cell.
			const got = rows.map((r) => r.map((x) => x.replace(/^(-?\d+)\.0$/, '$1').replace(/^'(?=[=+\-@])/, '')));
			assert.deepEqual(got, want, `table ${name}`);
		}
	});

	test('the default periods: the last full quarter against the one before', async () => {
		const c = await inst.login('admin');
		const res = await c.get(`/programmes/${ids.prog}/report`);
		assert.equal(res.status, 200);
		const from = /name="from"[^>]*value="(\d{4}-\d{2}-\d{2})"/.exec(res.text) ?? /value="(\d{4}-\d{2}-\d{2})"[^>]*name="from"/.exec(res.text);
		assert.ok(from, 'the form shows the period in effect');
		assert.match(from[1], /^\d{4}-(01|04|07|10)-01$/);
	});

	test('a period that runs on is counted up to today', async () => {
		const c = await inst.login('coordinator');
		const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
		const res = await c.get(`/programmes/${ids.prog}/report?from=2025-01-01&to=2999-12-31`);
		assert.equal(res.status, 200);
		assert.ok(res.text.includes(`2025-01-01 – ${today}`), 'the period shown ends today');
		// Treatment days: E1 from 10 Jan 2025 to today, E2 11 days — never a day after today.
		const days = (Date.parse(`${today}T00:00:00Z`) - Date.parse('2025-01-10T00:00:00Z')) / 86400000 + 1 + 11;
		const overview = tablesOf(res.text)[0];
		assert.equal(overview.rows[7][1], String(days));
	});

	test('the programme page links to the report', async () => {
		const c = await inst.login('coordinator');
		const res = await c.get(`/programmes/${ids.prog}`);
		assert.ok(res.text.includes(`href="/programmes/${ids.prog}/report"`));
	});

	test('the read is audited once as a report, with the periods and no person', async () => {
		const au = await ok(await inst.api('admin').get('/api/v1/audit?action=programme.report&limit=100'), 200, 'audit');
		const entries = entriesOf(au);
		const mine = entries.filter((e) => e.detail.includes('from=2025-01-01 to=2025-03-31 cmp_from=2024-10-01 cmp_to=2024-12-31'));
		assert.ok(mine.length >= 1, JSON.stringify(entries.slice(0, 3)));
		assert.ok(mine.some((e) => /table=overview/.test(e.detail)), 'a CSV export names its table');
		assert.ok(!entries.some((e) => /Testa|Rapportsen|script/.test(e.detail)), 'personal data in the audit detail');
	});
});

describe('refusals', () => {
	test("another organisation's programme: 404 (page and CSV)", async () => {
		const c = await inst.login('coordinator');
		assert.equal((await c.get(`/programmes/${ids.progB}/report?${PERIOD}`)).status, 404);
		assert.equal((await c.get(`/programmes/${ids.progB}/report.csv?table=overview&${PERIOD}`)).status, 404);
		assert.equal((await c.get(`/programmes/99999999/report`)).status, 404);
	});

	test('bad dates: 422 with the message at the field (page), 400 (CSV)', async () => {
		const c = await inst.login('coordinator');
		for (const [q, field] of [
			['from=2025-13-01&to=2025-03-31', 'from'],
			['from=2025-01-01&to=yesterday', 'to'],
			['from=2025-04-01&to=2025-03-31', 'to'],
			['from=2019-01-01&to=2025-03-31', 'from'],
			['from=2025-01-01&to=2025-03-31&cmp_from=2024-10-01', 'cmp_to'],
			['from=2025-01-01&to=2025-03-31&cmp_from=2024-12-31&cmp_to=2024-10-01', 'cmp_to'],
			['from=2025-01-01', 'to'],
			['from=2999-01-01&to=2999-03-31', 'from'],
		]) {
			const res = await c.get(`/programmes/${ids.prog}/report?${q}`);
			assert.equal(res.status, 422, q);
			assert.ok(res.text.includes(`id="f-${field}-error"`), `${q}: the message at ${field}`);
			assert.ok(!res.text.includes('tolv-report-table'), `${q}: figures shown`);
			const csv = await c.get(`/programmes/${ids.prog}/report.csv?table=overview&${q}`);
			assert.equal(csv.status, 400, `${q} (CSV)`);
		}
		// The typed value comes back escaped.
		const res = await c.get(`/programmes/${ids.prog}/report?from=${encodeURIComponent(NASTY)}&to=2025-03-31`);
		assert.equal(res.status, 422);
		assert.ok(!res.text.includes(NASTY));
		assert.equal((await c.get(`/programmes/${ids.prog}/report.csv?table=nope&${PERIOD}`)).status, 400);
		// Without ?table=: the overview.
		const plain = await c.get(`/programmes/${ids.prog}/report.csv?${PERIOD}`);
		assert.equal(plain.status, 200);
		assert.match(plain.headers.get('content-disposition'), /-overview-2025-01-01-2025-03-31\.csv"/);
	});

	test('roles: administrators and coordinators; not therapists or auditors', async () => {
		for (const [who, status] of [
			['admin', 200],
			['coordinator', 200],
			['therapist', 403],
			['auditor', 403],
		]) {
			const c = await inst.login(who);
			assert.equal((await c.get(`/programmes/${ids.prog}/report?${PERIOD}`)).status, status, who);
			assert.equal((await c.get(`/programmes/${ids.prog}/report.csv?table=path&${PERIOD}`)).status, status, `${who} CSV`);
		}
		const anon = inst.client();
		const res = await anon.get(`/programmes/${ids.prog}/report`);
		assert.ok(res.status === 303 || res.status === 302, `anonymous: ${res.status}`);
	});
});
