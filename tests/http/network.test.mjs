// network: the network report (issue 7) — two organisations with small hand-made
// histories join through /network; the report shows their figures side by side with
// counts below 5 as "<5" and figures made from them withheld, the total as a lower bound;
// a non-member, a therapist and an auditor cannot see it; an organisation that left
// disappears; an imported file appears beside them, marked; no person's name or id is
// anywhere in the page or its CSV; names are escaped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeEntities } from '../lib/html.mjs';
import { addUser, entriesOf, listUsers, ORG_A, ORG_B, startInstance } from '../lib/instance.mjs';

const NASTY = `<script>'"&`;
const ORG_C = `Testkommune ${NASTY} Gamma`;
const PERIOD = 'from=2025-01-01&to=2025-03-31';
const PERSON_MARK = 'Personmerke';

let inst;
const personIds = [];

async function ok(res, status, what) {
	assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 400)}`);
	return res.data;
}

/* The tables: {caption, rows: [[cell text…]…]} (head row first). */
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

/* The cells of a row in the column order A, B, C, (imported…), total — whatever order
 * the names sort in on the backend. */
function row(table, label) {
	const r = table.rows.find((x) => x[0] === label);
	assert.ok(r, `row ${label} in ${table.caption}: ${JSON.stringify(table.rows.map((x) => x[0]))}`);
	const head = table.rows[0];
	const order = [ORG_A, ORG_B, ORG_C];
	const idx = order.map((n) => head.indexOf(n)).filter((i) => i > 0);
	for (let i = 1; i < head.length - 1; i++) if (!idx.includes(i)) idx.push(i); // imported
	idx.push(head.length - 1);
	return idx.map((i) => r[i]);
}

/* A programme of the municipal template and n enrolments started on the given days in
 * Q1 2025; the first `left` of them discontinued ten days later. */
async function history(api, tag, starts, left) {
	const p = await ok(await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `Dag ${tag}` }), 201, 'programme');
	for (let i = 0; i < starts.length; i++) {
		const person = await ok(
			await api.post('/api/v1/persons', { given_name: `${PERSON_MARK}${tag}${i}`, family_name: `Etternavn${PERSON_MARK}` }),
			201,
			'person',
		);
		personIds.push(person.person.id);
		const e = await ok(await api.post('/api/v1/enrolments', { person_id: person.person.id, programme_id: p.programme.id, start_date: starts[i] }), 201, 'enrolment');
		if (i < left) {
			const d = new Date(`${starts[i]}T00:00:00Z`);
			d.setUTCDate(d.getUTCDate() + 10);
			await ok(
				await api.post(`/api/v1/enrolments/${e.enrolment.id}/events`, {
					kind: 'discontinue',
					reason_key: 'dropped_out',
					date: d.toISOString().slice(0, 10),
					version: e.enrolment.version,
				}),
				201,
				'discontinue',
			);
		}
	}
}

async function join(key, action = 'join') {
	const c = await inst.login(key);
	const res = await c.submit('/network', { action }, '/network');
	assert.equal(res.status, 303, res.text.slice(0, 300));
	assert.equal(res.location, '/network');
}

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist', 'auditor', 'foreignAdmin', 'foreignTherapist'] });
	// A: six started in January, two of them left early. B: two started.
	await history(inst.api('coordinator'), 'A', ['2025-01-06', '2025-01-07', '2025-01-08', '2025-01-09', '2025-01-10', '2025-01-13'], 2);
	await history(inst.api('foreignAdmin'), 'B', ['2025-02-03', '2025-02-04'], 0);
	// C: a third organisation with a name to escape, joined by the command line.
	inst.cli(['org', 'add', ORG_C], { check: true });
	addUser(inst, 'admin@gamma.example', ORG_C, 'admin', 'Gro Gamma');
	inst.users.gamma = { email: 'admin@gamma.example', org: 'C', password: inst.users.admin.password };
	inst.orgName.C = ORG_C;
});
after(async () => {
	await inst?.stop();
});

describe('joining', () => {
	test('before joining, the report is refused; the page offers joining to the admin only', async () => {
		const coord = await inst.login('coordinator');
		const res = await coord.get(`/network/report?${PERIOD}`);
		assert.equal(res.status, 403);
		assert.match(res.text, /network/i);
		const csv = await coord.get(`/network/report.csv?table=overview&${PERIOD}`);
		assert.equal(csv.status, 403);
		const page = await coord.get('/network');
		assert.equal(page.status, 200);
		assert.ok(!/name="action"/.test(page.text), 'a coordinator gets no join button');
		const admin = await inst.login('admin');
		assert.match((await admin.get('/network')).text, /name="action" value="join"/);
	});

	test('a coordinator cannot join; a bad action is refused', async () => {
		const coord = await inst.login('coordinator');
		const csrf = await coord.csrf('/network/report');
		const res = await coord.post('/network', { form: { csrf, action: 'join' } });
		assert.equal(res.status, 403);
		const admin = await inst.login('admin');
		const bad = await admin.submit('/network', { action: 'frob' }, '/network');
		assert.equal(bad.status, 422);
	});

	test('the admins of A and B join; C joins by the command line', async () => {
		await join('admin');
		const admin = await inst.login('admin');
		let page = await admin.get('/network');
		assert.match(page.text, /name="action" value="leave"/, 'the page offers leaving');
		await join('admin', 'leave');
		page = await admin.get('/network');
		assert.match(page.text, /name="action" value="join"/, 'and joining again');
		await join('admin');
		page = await admin.get('/network');
		assert.match(page.text, /name="action" value="leave"/);
		await join('foreignAdmin');
		const r = inst.cli(['network', 'join', '--org', ORG_C]);
		assert.equal(r.code, 0, r.stderr);
		page = await admin.get('/network');
		assert.ok(page.text.includes('Testkommune &lt;script&gt;&#39;&quot;&amp; Gamma'), 'the escaped name');
		assert.ok(!page.text.includes(NASTY));
	});
});

describe('the report', () => {
	let html, tables;
	before(async () => {
		const c = await inst.login('coordinator');
		const res = await c.get(`/network/report?${PERIOD}`);
		assert.equal(res.status, 200, res.text.slice(0, 400));
		html = res.text;
		tables = tablesOf(html);
	});

	test('the columns: the members by name, then the total', () => {
		const headRow = tables[0].rows[0];
		assert.equal(headRow[0], 'Tall');
		assert.deepEqual(headRow.slice(1, 4).sort(), [ORG_A, ORG_B, ORG_C].sort());
		assert.equal(headRow[4], 'Totalt');
	});

	test('counts below 5 are "<5", 0 stays 0; the total is a lower bound', () => {
		const ov = tables[0];
		// A: 6 enrolments; B: 2 → "<5"; C: 0. Total: 6 + 1 (for the "<5") = "≥ 7".
		assert.deepEqual(row(ov, 'Forløp i perioden'), ['6', '<5', '0', '≥ 7']);
		// Left early: A 2 → "<5"; B, C 0: the total can only be 1..4, so "<5".
		assert.deepEqual(row(ov, 'Gikk tidlig'), ['<5', '0', '0', '<5']);
		assert.deepEqual(row(ov, 'Fullført'), ['0', '0', '0', '0']);
	});

	test('figures from suppressed counts are withheld, with the word', () => {
		const ret = tables.find((t) => t.caption === 'Fullføring');
		assert.ok(ret, 'the retention table');
		assert.deepEqual(row(ret, 'Startet i perioden'), ['6', '<5', '0', '≥ 7']);
		// A: 2 left, 4 still in: both "<5", so every share is withheld; B: 2 started.
		// None completed: 0 of 6 is 0 %, which shows nothing hidden (the 0 is shown as a count).
		const done = row(ret, 'Fullført (%)');
		assert.equal(done[0], '0');
		assert.match(done[1], /^– skjult$/);
		assert.match(done[3], /^– skjult$/, 'a share of a lower bound');
		for (const label of ['Gikk tidlig (%)', 'Fortsatt i behandling (%)']) {
			const r = row(ret, label);
			assert.match(r[0], /^– skjult$/, label);
			assert.match(r[1], /^– skjult$/, label);
			assert.equal(r[2], '–', `${label}: nothing to count in C`);
			assert.match(r[3], /^– skjult$/, label);
		}
		// The median: A had 6 started (>= 5) — 2 left at day 10 of 6: S stays above 0.5,
		// so no median ("–"); B is withheld; the total never has one.
		const med = row(ret, 'Median dager i behandling (Kaplan–Meier)');
		assert.equal(med[0], '–');
		assert.match(med[1], /skjult/);
		assert.equal(med[3], '–');
	});

	test('treatment days add up (a sum) and rates need exact counts', () => {
		const ov = tables[0];
		const days = row(ov, 'Behandlingsdager');
		// A's days: 6 Jan–31 Mar (85), 7 Jan (84), 8 Jan–31 Mar (83, open), 9 Jan (82), 10 Jan (81), 13 Jan (78):
		// the first two left after ten days: 11 + 11; the rest open to 31 Mar: 83 + 82 + 81 + 78.
		assert.equal(days[0], String(11 + 11 + 83 + 82 + 81 + 78));
		assert.match(days[1], /skjult/, "B's sum goes with its count");
		assert.match(days[3], /skjult/);
	});

	test('no person is named or linked, and the how-to-read notes are there', () => {
		assert.ok(!html.includes(PERSON_MARK), 'a person named on the report');
		assert.ok(!/href="\/persons\//.test(html), 'a person linked');
		assert.match(html, /&lt;5/);
		assert.match(html, /≥/);
	});

	test('every CSV matches its table, holds no person, and says "<5"', async () => {
		const c = await inst.login('admin');
		const links = [...html.matchAll(/href="(\/network\/report\.csv\?[^"]+)"/g)].map((m) => decodeEntities(m[1]));
		assert.equal(links.length, tables.length);
		for (let i = 0; i < links.length; i++) {
			const res = await c.get(links[i]);
			assert.equal(res.status, 200, links[i]);
			assert.match(res.headers.get('content-type'), /^text\/csv/);
			assert.match(res.headers.get('content-disposition'), /attachment; filename="tolv-network-municipal_day_treatment-[a-z]+-2025-01-01-2025-03-31\.csv"/);
			assert.ok(!res.text.includes(PERSON_MARK));
			const lines = res.text.trim().split('\r\n');
			assert.equal(lines.length, tables[i].rows.length, links[i]);
		}
		let ov = await c.get(`/network/report.csv?table=overview&${PERIOD}`);
		assert.match(ov.text, /Forløp i perioden,[0-9<5,]+,>=7\r\n/);
		assert.match(ov.text, /,<5,/);
		// Staff, counted once per organisation: none certified yet; then A's therapist,
		// certified within the period, is one — shown as "<5" like every small count.
		assert.match(ov.text, /Sertifiserte terapeuter \(ved periodens slutt\),0,0,0,0\r\n/);
		const therapist = listUsers(inst).find((u) => u.email === inst.users.therapist.email);
		for (const [course, days] of [['intro', 9], ['manual', 2]]) {
			const put = await inst.api('coordinator').request('PUT', `/api/v1/training/users/${therapist.id}`, { json: { course, days_attended: days, certified_on: '2025-03-01' } });
			assert.equal(put.status, 200, put.text);
		}
		ov = await c.get(`/network/report.csv?table=overview&${PERIOD}`);
		const row = ov.text.split('\r\n').find((l) => l.startsWith('Sertifiserte terapeuter'));
		assert.deepEqual(row.split(',').slice(1).sort(), ['0', '0', '<5', '<5'], row);
		for (const id of personIds) assert.ok(!new RegExp(`\\bperson[^,]*${id}\\b`).test(ov.text));
	});

	test('bad input: a template, a date, a table', async () => {
		const c = await inst.login('coordinator');
		assert.equal((await c.get(`/network/report?template=nope&${PERIOD}`)).status, 422);
		assert.equal((await c.get('/network/report?from=2025-13-01&to=2025-03-31')).status, 422);
		assert.equal((await c.get('/network/report?from=2025-04-01&to=2025-03-31')).status, 422);
		assert.equal((await c.get(`/network/report.csv?table=persons&${PERIOD}`)).status, 400);
		assert.equal((await c.get(`/network/report.csv?table=overview&from=x&to=y`)).status, 400);
		const def = await c.get('/network/report');
		assert.equal(def.status, 200, 'the default period');
	});

	test('each read is audited as a report read, aggregates only; joining is audited', async () => {
		const au = await inst.api('admin').get('/api/v1/audit?action=network.report&limit=100');
		assert.equal(au.status, 200, au.text);
		const entries = entriesOf(au.data);
		assert.ok(entries.length >= 2, 'the page and the CSV reads');
		for (const e of entries) {
			assert.match(e.detail, /template=municipal_day_treatment from=2025-01-01 to=2025-03-31|from=\d{4}/);
			assert.ok(!e.detail.includes(PERSON_MARK) && !e.detail.includes('script'), e.detail);
		}
		assert.ok(entries.some((e) => /table=overview organisations=3 imports=0/.test(e.detail)), JSON.stringify(entries.map((e) => e.detail)));
		const joins = entriesOf((await inst.api('admin').get('/api/v1/audit?action=network.join&limit=100')).data);
		assert.ok(joins.length >= 2, 'joining twice (after leaving) is two entries');
	});

	test('therapists and auditors cannot see it', async () => {
		for (const key of ['therapist', 'auditor', 'foreignTherapist']) {
			const c = await inst.login(key);
			assert.equal((await c.get(`/network/report?${PERIOD}`)).status, 403, key);
			assert.equal((await c.get(`/network/report.csv?table=overview&${PERIOD}`)).status, 403, key);
		}
	});
});

describe('imports and leaving', () => {
	test('an imported file appears beside the members, marked with its installation', async () => {
		const file = path.join(inst.tmp, 'beta.json');
		let r = inst.cli(['network', 'export', '--org', ORG_B, '--from', '2025-01-01', '--to', '2025-03-31', '--label', `Nabo ${NASTY}`, '-o', file]);
		assert.equal(r.code, 0, r.stderr);
		const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
		assert.equal(exported.figures.enrolments, '<5');
		assert.equal(exported.figures.treatment_days, null);
		assert.ok(!JSON.stringify(exported).includes(PERSON_MARK));
		r = inst.cli(['network', 'import', file]);
		assert.equal(r.code, 0, r.stderr);
		const c = await inst.login('coordinator');
		const res = await c.get(`/network/report?${PERIOD}`);
		const tables = tablesOf(res.text);
		const head = tables[0].rows[0];
		assert.equal(head.length, 6);
		assert.ok(head.includes(`${ORG_B} (importert fra Nabo ${NASTY})`), JSON.stringify(head));
		assert.ok(res.text.includes('Nabo &lt;script&gt;&#39;&quot;&amp;'));
		assert.ok(!res.text.includes(NASTY));
		assert.match(res.text, /importert \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
		// Two "<5" now: 6 + 1 + 1.
		assert.deepEqual(row(tables[0], 'Forløp i perioden'), ['6', '<5', '0', '<5', '≥ 8']);
		// Another period does not show it.
		const other = tablesOf((await c.get('/network/report?from=2025-01-01&to=2025-03-30')).text);
		assert.equal(other[0].rows[0].length, 5);
	});

	test('an organisation that left disappears; the report is then refused to it', async () => {
		await join('foreignAdmin', 'leave');
		const c = await inst.login('coordinator');
		const tables = tablesOf((await c.get(`/network/report?${PERIOD}`)).text);
		const head = tables[0].rows[0];
		assert.equal(head.length, 5);
		assert.ok(head.includes(ORG_A) && head.includes(ORG_C));
		assert.ok(head.includes(`${ORG_B} (importert fra Nabo ${NASTY})`));
		assert.ok(!head.includes(ORG_B));
		const b = await inst.login('foreignAdmin');
		assert.equal((await b.get(`/network/report?${PERIOD}`)).status, 403);
	});
});
