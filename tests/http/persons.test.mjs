// persons: person records and enrolments — the API (create with identity-number checks and
// duplicates, search, read, change, timeline; enrol, events through the state machine,
// version conflicts, the list), the pages (forms kept on error, duplicates, escaping), the
// audit trail of reads and changes, and another organisation's ids (404, none of its data).
// Identity numbers are computed here (check digits), never copied from real people.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertApiError } from '../lib/checks.mjs';
import { csrfOf } from '../lib/html.mjs';
import { MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';

const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const mod11 = (digits, w) => {
	const s = w.reduce((a, x, i) => a + x * digits[i], 0);
	const k = 11 - (s % 11);
	return k === 11 ? 0 : k;
};
const pad = (n, w = 2) => String(n).padStart(w, '0');

/** A valid Norwegian fødselsnummer for dd.mm.(19)yy, the first individual number from `ind` that has both check digits. */
function fnr(dd, mm, yy, ind = 100, { dnr = false } = {}) {
	for (let i = ind; i < 500; i++) {
		const base = `${pad(dnr ? dd + 40 : dd)}${pad(mm)}${pad(yy)}${pad(i, 3)}`;
		const d = [...base].map(Number);
		const k1 = mod11(d, W1);
		if (k1 === 10) continue;
		const k2 = mod11([...d, k1], W2);
		if (k2 === 10) continue;
		return `${base}${k1}${k2}`;
	}
	throw new Error('no number');
}
/** A valid Swedish personnummer YYMMDD-NNNC (Luhn). */
function pnr(yy, mm, dd, nnn = 123) {
	const base = `${pad(yy)}${pad(mm)}${pad(dd)}${pad(nnn, 3)}`;
	let s = 0;
	[...base].forEach((c, i) => {
		let v = Number(c) * (i % 2 === 0 ? 2 : 1);
		if (v > 9) v -= 9;
		s += v;
	});
	return `${base.slice(0, 6)}-${base.slice(6)}${(10 - (s % 10)) % 10}`;
}
const flip = (s, at) => s.slice(0, at) + String((Number(s[at]) + 1) % 10) + s.slice(at + 1);

const NASTY = `<script>'"&`;

let inst, admin, coord, therapist, auditor, foreign;
before(async () => {
	inst = await startInstance();
	admin = inst.api('admin');
	coord = inst.api('coordinator');
	therapist = inst.api('therapist');
	auditor = inst.api('auditor');
	foreign = inst.api('foreignAdmin');
});
after(async () => {
	await inst?.stop();
});

let seq = 0;
/** A person with a unique synthetic name; extra fields override. */
async function mkPerson(api = admin, extra = {}) {
	seq++;
	const r = await api.post('/api/v1/persons', { given_name: `Testa${seq}`, family_name: `Person ${MARK_A}`, ...extra });
	assert.equal(r.status, 201, r.text);
	return r.data.person;
}
async function count(api = admin) {
	const r = await api.get('/api/v1/persons?limit=1');
	assert.equal(r.status, 200, r.text);
	return r.data.total;
}
async function programme(api = admin, name = `Dagbehandling ${seq++}`) {
	const r = await api.post('/api/v1/programmes', { template: 'municipal_day_treatment', name });
	assert.equal(r.status, 201, `POST /api/v1/programmes: ${r.text}`);
	return r.data.programme;
}
async function auditEntries(q) {
	const r = await admin.get(`/api/v1/audit?${q}&limit=1000`);
	assert.equal(r.status, 200, r.text);
	return r.data.entries;
}
const today = () => {
	const d = new Date();
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
const daysAgo = (n) => {
	const d = new Date(Date.now() - n * 86400000);
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

describe('persons API', () => {
	test('a valid fødselsnummer: 201, the birth date comes from the number, the read is audited', async () => {
		const nid = fnr(15, 3, 85);
		const p = await mkPerson(admin, { national_id: nid, phone: '+47 400 00 000', email: 'Testa@Example.no', substances: ['alcohol', 'gambling'], dual_diagnosis: true });
		assert.equal(p.birth_date, '1985-03-15');
		assert.equal(p.national_id, nid);
		assert.equal(p.national_id_kind, 'no_fnr');
		assert.equal(p.email, 'testa@example.no');
		assert.deepEqual(p.substances.sort(), ['alcohol', 'gambling']);
		assert.equal(p.dual_diagnosis, true);
		const g = await coord.get(`/api/v1/persons/${p.id}`);
		assert.equal(g.status, 200, g.text);
		assert.equal(g.data.person.id, p.id);
		const reads = await auditEntries(`action=person.read`);
		assert.ok(reads.some((e) => e.object_id === String(p.id) && e.object_type === 'person'), 'person.read not audited');
		const creates = await auditEntries(`action=person.create`);
		assert.ok(creates.some((e) => e.object_id === String(p.id)));
		assert.ok(!creates.some((e) => e.detail.includes(nid)), 'the detail holds personal data');
	});

	test('a D-number and a Swedish personnummer are accepted', async () => {
		const d = await mkPerson(admin, { national_id: fnr(1, 2, 90, 100, { dnr: true }) });
		assert.equal(d.national_id_kind, 'no_dnr');
		assert.equal(d.birth_date, '1990-02-01');
		const s = await mkPerson(admin, { national_id: pnr(72, 11, 30) });
		assert.equal(s.national_id_kind, 'se_pnr');
		assert.equal(s.birth_date, '1972-11-30');
	});

	const good = fnr(20, 6, 77);
	for (const [what, nid] of [
		['a wrong second check digit', flip(good, 10)],
		['a wrong first check digit', flip(good, 9)],
		['letters', '2006AB12345'],
		['too few digits', '200677123'],
		['not a date', fnr(31, 2, 77).slice(0, 0) + '310277' + good.slice(6)],
		['a wrong Luhn digit', flip(pnr(72, 11, 30).replace('-', ''), 9)],
		['two separators', `${good.slice(0, 3)}-${good.slice(3, 6)}-${good.slice(6)}`],
	]) {
		test(`${what}: 422 with error.field national_id, nothing stored`, async () => {
			const before = await count();
			const r = await admin.post('/api/v1/persons', { given_name: 'Ugyldig', family_name: 'Nummer', national_id: nid });
			const e = assertApiError(r, 422, what);
			assert.equal(e.field, 'national_id', r.text);
			assert.equal(await count(), before);
		});
	}

	test('a birth date that disagrees with the number: 422 birth_date', async () => {
		const r = await admin.post('/api/v1/persons', { given_name: 'Ulik', family_name: 'Dato', national_id: fnr(2, 2, 82), birth_date: '1982-02-03' });
		assert.equal(assertApiError(r, 422).field, 'birth_date');
	});

	test('bad input of other kinds: 422 or 400 with the field, nothing stored', async () => {
		const before = await count();
		for (const [body, field, status] of [
			[{}, 'given_name', 422],
			[{ given_name: 'A', email: 'not-an-email' }, 'email', 422],
			[{ given_name: 'A', phone: 'call me' }, 'phone', 422],
			[{ given_name: 'A', birth_date: '2999-01-01' }, 'birth_date', 422],
			[{ given_name: 'A', birth_date: '1990-02-30' }, 'birth_date', 422],
			[{ given_name: 'A', substances: ['whisky'] }, 'substances', 422],
			[{ given_name: 'A', substances: 'alcohol' }, 'substances', 400],
			[{ given_name: 'A', dual_diagnosis: 'yes' }, 'dual_diagnosis', 400],
			[{ given_name: 'x'.repeat(300) }, 'given_name', 422],
			[{ given_name: 'A', notes: 'n'.repeat(2500) }, 'notes', 422],
			[{ given_name: 'A', surprise: 1 }, 'surprise', 400],
		]) {
			const r = await admin.post('/api/v1/persons', body);
			const e = assertApiError(r, status, JSON.stringify(body).slice(0, 80));
			assert.equal(e.field, field, r.text);
		}
		assert.equal(await count(), before);
	});

	test('the same identity number twice: 409 with the existing id, nothing stored', async () => {
		const nid = fnr(9, 9, 69);
		const p = await mkPerson(admin, { national_id: nid });
		const before = await count();
		const r = await admin.post('/api/v1/persons', { given_name: 'Annen', family_name: 'Person', national_id: nid });
		const e = assertApiError(r, 409);
		assert.equal(e.field, 'national_id');
		assert.deepEqual(r.data.duplicate_ids, [p.id]);
		assert.equal(await count(), before);
	});

	test('the same name and birth date: 409 with the candidates, 201 with confirm_duplicate', async () => {
		const body = { given_name: 'Dobbel', family_name: 'Gjenganger', birth_date: '1970-01-05' };
		const first = await admin.post('/api/v1/persons', body);
		assert.equal(first.status, 201, first.text);
		const before = await count();
		const again = await admin.post('/api/v1/persons', { ...body, given_name: 'DOBBEL' });
		assertApiError(again, 409);
		assert.deepEqual(again.data.duplicate_ids, [first.data.person.id]);
		assert.equal(await count(), before);
		const ok = await admin.post('/api/v1/persons', { ...body, confirm_duplicate: true });
		assert.equal(ok.status, 201, ok.text);
		assert.equal(await count(), before + 1);
	});

	test('search, sort and paging; every listed person is audited', async () => {
		for (let i = 0; i < 3; i++) await mkPerson(admin, { given_name: `Søkbar${i}`, family_name: 'Listeperson' });
		const r = await coord.get('/api/v1/persons?q=listeperson&limit=2&sort=name');
		assert.equal(r.status, 200, r.text);
		assert.equal(r.data.total, 3);
		assert.equal(r.data.persons.length, 2);
		const r2 = await coord.get('/api/v1/persons?q=listeperson&limit=2&offset=2');
		assert.equal(r2.data.persons.length, 1);
		const listed = await auditEntries('action=person.list');
		// One listing entry per page, the persons shown as its subjects.
		for (const p of [...r.data.persons, ...r2.data.persons]) assert.ok(listed.some((e) => e.detail === 'api' && (e.subjects || []).includes(p.id)), `listing ${p.id} not audited`);
		assert.ok(listed.some((e) => e.detail === 'api' && e.subjects.length === 2 && e.subjects.every((id) => r.data.persons.some((p) => p.id === id))), 'the first page is one entry with its two persons');
		assertApiError(await coord.get('/api/v1/persons?sort=age'), 400);
		assertApiError(await coord.get('/api/v1/persons?limit=0'), 400);
	});

	test('PATCH changes the given fields only, audits the field names', async () => {
		const p = await mkPerson(admin, { phone: '12345678' });
		const r = await therapist.patch(`/api/v1/persons/${p.id}`, { email: 'ny@example.no', kin_name: 'Pårørende Test', kin_relation: 'søster' });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.data.person.phone, '12345678');
		assert.equal(r.data.person.email, 'ny@example.no');
		assert.equal(r.data.person.kin_relation, 'søster');
		const bad = await admin.patch(`/api/v1/persons/${p.id}`, { national_id: '12345678901' });
		assert.equal(assertApiError(bad, 422).field, 'national_id');
		const e = (await auditEntries('action=person.update')).find((x) => x.object_id === String(p.id));
		assert.ok(e, 'person.update not audited');
		assert.match(e.detail, /email/);
		assert.ok(!e.detail.includes('ny@example.no'));
	});

	test('auditors may not read persons', async () => {
		assertApiError(await auditor.get('/api/v1/persons'), 403);
	});
});

describe("another organisation's ids", () => {
	test('persons and enrolments of A are 404 for B, with none of their data', async () => {
		const p = await mkPerson(admin, { family_name: `Hemmelig ${MARK_A}`, notes: `notat ${MARK_A}` });
		const prog = await programme(admin);
		const en = await admin.post('/api/v1/enrolments', { person_id: p.id, programme_id: prog.id });
		assert.equal(en.status, 201, en.text);
		const eid = en.data.enrolment.id;
		const check = (r, what) => {
			assertApiError(r, 404, what);
			assert.ok(!r.text.includes(MARK_A), `${what}: leaks A's data`);
		};
		check(await foreign.get(`/api/v1/persons/${p.id}`), 'GET person');
		check(await foreign.patch(`/api/v1/persons/${p.id}`, { given_name: 'Kapret' }), 'PATCH person');
		check(await foreign.get(`/api/v1/persons/${p.id}/timeline`), 'timeline');
		check(await foreign.get(`/api/v1/enrolments/${eid}`), 'GET enrolment');
		check(await foreign.post(`/api/v1/enrolments/${eid}/events`, { kind: 'pause', reason: 'x' }), 'event');
		check(await foreign.post('/api/v1/enrolments', { person_id: p.id, programme_id: prog.id }), 'enrol A person');
		const list = await foreign.get('/api/v1/persons?q=Hemmelig');
		assert.equal(list.data.total, 0);
		const el = await foreign.get(`/api/v1/enrolments?programme=${prog.id}`);
		assert.equal(el.data.total, 0);
		const c = await inst.login('foreignAdmin');
		for (const path of [`/persons/${p.id}`, `/persons/${p.id}/edit`, `/persons/${p.id}/enrol`, `/enrolments/${eid}`]) {
			const r = await c.get(path);
			assert.equal(r.status, 404, path);
			assert.ok(!r.text.includes(MARK_A), `${path} leaks`);
		}
		const same = await admin.get(`/api/v1/persons/${p.id}`);
		assert.equal(same.data.person.given_name, p.given_name, 'B changed A’s person');
	});
	test('B may register the same identity number in its own organisation', async () => {
		const nid = fnr(3, 4, 66);
		await mkPerson(admin, { national_id: nid });
		const r = await foreign.post('/api/v1/persons', { given_name: 'Beta', family_name: MARK_B, national_id: nid });
		assert.equal(r.status, 201, r.text);
	});
});

describe('enrolments API', () => {
	let prog, me;
	before(async () => {
		prog = await programme(admin, 'Kommunal dagbehandling test');
		me = (await therapist.get('/api/v1/me')).data;
	});
	const therapistId = () => me.user?.id ?? me.id;

	test('enrol, then refused while open; phases with the rules; pause and resume; complete; re-enrol', async () => {
		const p = await mkPerson();
		const en = await coord.post('/api/v1/enrolments', { person_id: p.id, programme_id: prog.id, start_date: daysAgo(30) });
		assert.equal(en.status, 201, en.text);
		let e = en.data.enrolment;
		assert.equal(e.status, 'active');
		assert.equal(e.phase, 0);
		assert.equal(e.version, 1);
		const again = await coord.post('/api/v1/enrolments', { person_id: p.id, programme_id: prog.id });
		assert.equal(assertApiError(again, 422).field, 'programme');

		const ev = (body) => coord.post(`/api/v1/enrolments/${e.id}/events`, body);
		// next phase needs no reason
		let r = await ev({ kind: 'phase', date: daysAgo(25), version: e.version });
		assert.equal(r.status, 201, r.text);
		e = r.data.enrolment;
		assert.equal(e.phase, 1);
		// skipping needs a reason
		r = await ev({ kind: 'phase', to_phase: 3, date: daysAgo(20), version: e.version });
		assert.equal(assertApiError(r, 422).field, 'reason');
		// a date before the latest change
		r = await ev({ kind: 'phase', date: daysAgo(28), version: e.version });
		assert.equal(assertApiError(r, 422).field, 'date');
		// a future date
		r = await ev({ kind: 'pause', reason: 'x', date: '2999-01-01', version: e.version });
		assertApiError(r, 422);
		// pause needs a reason
		r = await ev({ kind: 'pause', date: daysAgo(20), version: e.version });
		assert.equal(assertApiError(r, 422).field, 'reason');
		r = await ev({ kind: 'pause', reason: 'Tilbakefall: avrusning', date: daysAgo(20), version: e.version });
		assert.equal(r.status, 201, r.text);
		e = r.data.enrolment;
		assert.equal(e.status, 'paused');
		r = await ev({ kind: 'phase', date: daysAgo(19), version: e.version });
		assertApiError(r, 422, 'moving while paused');
		r = await ev({ kind: 'resume', date: daysAgo(10), version: e.version });
		assert.equal(r.status, 201, r.text);
		e = r.data.enrolment;
		assert.equal(e.status, 'active');
		assert.equal(e.pauses, 1);
		r = await ev({ kind: 'complete', date: daysAgo(9), version: e.version });
		assertApiError(r, 422, 'complete before the last phase');
		r = await ev({ kind: 'phase', to_phase: 'aftercare', reason: 'Ferdig med dagbehandling andre steder', date: daysAgo(8), version: e.version });
		assert.equal(r.status, 201, r.text);
		e = r.data.enrolment;
		assert.equal(e.phase_key, 'aftercare');
		r = await ev({ kind: 'complete', date: daysAgo(1), version: e.version });
		assert.equal(r.status, 201, r.text);
		e = r.data.enrolment;
		assert.equal(e.status, 'completed');
		r = await ev({ kind: 'resume', version: e.version });
		assertApiError(r, 422, 'resume a completed enrolment');
		const g = await coord.get(`/api/v1/enrolments/${e.id}`);
		assert.equal(g.status, 200, g.text);
		assert.deepEqual(
			g.data.events.map((x) => x.kind),
			['start', 'phase', 'pause', 'resume', 'phase', 'complete'],
		);
		assert.equal(g.data.events[2].reason, 'Tilbakefall: avrusning');
		const re = await coord.post('/api/v1/enrolments', { person_id: p.id, programme_id: prog.id });
		assert.equal(re.status, 201, `re-enrolment after completion: ${re.text}`);
		const tl = await coord.get(`/api/v1/persons/${p.id}/timeline`);
		assert.equal(tl.status, 200, tl.text);
		const kinds = tl.data.timeline.filter((x) => x.type === 'enrolment').map((x) => x.kind);
		assert.ok(kinds.includes('pause') && kinds.includes('complete'), JSON.stringify(kinds));
		const dates = tl.data.timeline.map((x) => x.date);
		assert.deepEqual(dates, [...dates].sort().reverse(), 'the timeline is not newest first');
		const changes = await auditEntries('action=enrolment.');
		assert.ok(changes.some((x) => x.action === 'enrolment.pause' && x.object_id === String(e.id)));
	});

	test('a version conflict: 409, nothing changed', async () => {
		const p = await mkPerson();
		const e = (await coord.post('/api/v1/enrolments', { person_id: p.id, programme_id: prog.id })).data.enrolment;
		const a = await coord.post(`/api/v1/enrolments/${e.id}/events`, { kind: 'pause', reason: 'Innleggelse', version: e.version });
		assert.equal(a.status, 201, a.text);
		const b = await admin.post(`/api/v1/enrolments/${e.id}/events`, { kind: 'discontinue', reason_key: 'moved', version: e.version });
		const err = assertApiError(b, 409);
		assert.match(err.message, /meanwhile|mellomtiden|under tiden/i);
		const g = await coord.get(`/api/v1/enrolments/${e.id}`);
		assert.equal(g.data.enrolment.status, 'paused');
	});

	test('discontinue: a reason from the list, "other" needs a note', async () => {
		const p = await mkPerson();
		const e = (await coord.post('/api/v1/enrolments', { person_id: p.id, programme_id: prog.id })).data.enrolment;
		let r = await coord.post(`/api/v1/enrolments/${e.id}/events`, { kind: 'discontinue' });
		assert.equal(assertApiError(r, 422).field, 'reason_key');
		r = await coord.post(`/api/v1/enrolments/${e.id}/events`, { kind: 'discontinue', reason_key: 'other' });
		assert.equal(assertApiError(r, 422).field, 'reason');
		r = await coord.post(`/api/v1/enrolments/${e.id}/events`, { kind: 'fly' });
		assert.equal(assertApiError(r, 422).field, 'kind');
		r = await coord.post(`/api/v1/enrolments/${e.id}/events`, { kind: 'discontinue', reason_key: 'dropped_out', reason: 'Møtte ikke' });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.data.enrolment.status, 'discontinued');
		assert.equal(r.data.enrolment.reason_key, 'dropped_out');
	});

	test('a therapist changes only enrolments where they are the primary therapist', async () => {
		const p = await mkPerson();
		const other = (await coord.post('/api/v1/enrolments', { person_id: p.id, programme_id: prog.id })).data.enrolment;
		const r = await therapist.post(`/api/v1/enrolments/${other.id}/events`, { kind: 'pause', reason: 'x' });
		assertApiError(r, 403);
		const p2 = await mkPerson();
		const mine = await coord.post('/api/v1/enrolments', { person_id: p2.id, programme_id: prog.id, therapist_id: therapistId() });
		assert.equal(mine.status, 201, mine.text);
		const ok = await therapist.post(`/api/v1/enrolments/${mine.data.enrolment.id}/events`, { kind: 'pause', reason: 'Tilbakefall' });
		assert.equal(ok.status, 201, ok.text);
		const bad = await coord.post('/api/v1/enrolments', { person_id: p2.id, programme_id: prog.id, therapist_id: 999999 });
		assertApiError(bad, 422);
		const list = await therapist.get(`/api/v1/enrolments?therapist=${therapistId()}&status=open`);
		assert.equal(list.status, 200, list.text);
		assert.ok(list.data.enrolments.some((x) => x.id === mine.data.enrolment.id));
		assertApiError(await therapist.get('/api/v1/enrolments?status=sleeping'), 400);
	});
});

describe('pages', () => {
	let c, csrf;
	before(async () => {
		c = await inst.login('coordinator');
		csrf = await c.csrf('/persons/new');
	});

	test('the register form: a bad number comes back 422 with the input kept and nothing stored', async () => {
		const before = await count();
		const nid = flip(fnr(5, 5, 55), 10);
		const r = await c.post('/persons', { form: { csrf, given_name: 'Skjema', family_name: 'Feil', national_id: nid, phone: '99 88 77 66' } });
		assert.equal(r.status, 422);
		assert.match(r.text, /error-summary/);
		assert.ok(r.text.includes('99 88 77 66'), 'input not kept');
		assert.ok(r.text.includes(nid));
		assert.match(r.text, /id="f-national_id-error"/);
		assert.equal(await count(), before);
	});

	test('a possible duplicate: 409 listing the candidate, then "register anyway"', async () => {
		const base = { csrf, given_name: 'Side', family_name: 'Dublett', birth_date: '1966-06-06' };
		const r1 = await c.post('/persons', { form: base });
		assert.equal(r1.status, 303, r1.text.slice(0, 500));
		const firstId = Number(r1.location.match(/\/persons\/(\d+)/)[1]);
		const r2 = await c.post('/persons', { form: base });
		assert.equal(r2.status, 409);
		assert.ok(r2.text.includes(`/persons/${firstId}`), 'no link to the candidate');
		assert.match(r2.text, /name="confirm_duplicate"/);
		const r3 = await c.post('/persons', { form: { ...base, confirm_duplicate: '1' } });
		assert.equal(r3.status, 303);
	});

	test(`${NASTY} in every text field is escaped on every page that shows it`, async () => {
		const fields = ['given_name', 'family_name', 'phone', 'address', 'kin_name', 'kin_relation', 'notes'];
		const body = Object.fromEntries(fields.map((f) => [f, `${f} ${NASTY}`]));
		body.phone = '+47 12345678';
		const p = await mkPerson(admin, body);
		const prog = await programme(admin);
		const en = await admin.post('/api/v1/enrolments', { person_id: p.id, programme_id: prog.id });
		const eid = en.data.enrolment.id;
		await admin.post(`/api/v1/enrolments/${eid}/events`, { kind: 'pause', reason: `pause ${NASTY}` });
		for (const path of [`/persons/${p.id}`, `/persons/${p.id}/edit`, `/persons?q=given_name`, `/persons/${p.id}/enrol`, `/enrolments/${eid}`]) {
			const r = await c.get(path);
			assert.equal(r.status, 200, path);
			assert.ok(!r.text.includes(NASTY), `${path} shows ${NASTY} unescaped`);
			assert.ok(r.text.includes('&lt;script&gt;'), `${path} does not show the name at all`);
		}
	});

	test('the person page: details, enrolments, timeline; the read is audited', async () => {
		const p = await mkPerson(admin, { given_name: 'Tidslinje', national_id: fnr(7, 7, 77) });
		const prog = await programme(admin, 'Tidslinjeprogram');
		const e = (await admin.post('/api/v1/enrolments', { person_id: p.id, programme_id: prog.id, start_date: daysAgo(3) })).data.enrolment;
		await admin.post(`/api/v1/enrolments/${e.id}/events`, { kind: 'phase', date: daysAgo(1) });
		const r = await c.get(`/persons/${p.id}`);
		assert.equal(r.status, 200);
		assert.equal((r.text.match(/<h1/g) || []).length, 1);
		assert.ok(r.text.includes('Tidslinjeprogram'));
		assert.match(r.text, /tolv-timeline/);
		assert.ok(r.text.includes(`/enrolments/${e.id}`));
		const reads = await auditEntries('action=person.read');
		assert.ok(reads.some((x) => x.object_id === String(p.id) && x.actor === inst.users.coordinator.email));
	});

	test('enrol through the page, move to the next phase, and a stale form gets "changed meanwhile"', async () => {
		const p = await mkPerson(admin);
		const prog = await programme(admin);
		const page = await c.get(`/persons/${p.id}/enrol`);
		assert.equal(page.status, 200);
		const r = await c.post(`/persons/${p.id}/enrol`, { form: { csrf, programme: String(prog.id), therapist: '', start_date: today(), referral: '' } });
		assert.equal(r.status, 303, r.text.slice(0, 800));
		const eid = Number(r.location.match(/\/enrolments\/(\d+)/)[1]);
		const again = await c.post(`/persons/${p.id}/enrol`, { form: { csrf, programme: String(prog.id), therapist: '', start_date: today(), referral: '' } });
		assert.equal(again.status, 422);
		const ep = await c.get(`/enrolments/${eid}`);
		assert.equal(ep.status, 200);
		const next = await c.post(`/enrolments/${eid}/events`, { form: { csrf, kind: 'next', version: '1', next_date: today() } });
		assert.equal(next.status, 303, next.text.slice(0, 800));
		const stale = await c.post(`/enrolments/${eid}/events`, { form: { csrf, kind: 'pause', version: '1', pause_date: today(), pause_reason: 'Tilbakefall' } });
		assert.equal(stale.status, 409);
		assert.ok(stale.text.includes('Tilbakefall'), 'the input was not kept');
		const empty = await c.post(`/enrolments/${eid}/events`, { form: { csrf, kind: 'pause', version: '2', pause_date: today() } });
		assert.equal(empty.status, 422);
		assert.match(empty.text, /f-pause_reason-error/);
		const g = await admin.get(`/api/v1/enrolments/${eid}`);
		assert.equal(g.data.enrolment.status, 'active');
		assert.equal(g.data.enrolment.phase, 1);
	});

	test('/persons/new?referral= for another organisation’s or a missing referral: 404', async () => {
		const r = await c.get('/persons/new?referral=987654');
		assert.equal(r.status, 404);
		const bad = await c.get('/persons/new?referral=abc');
		assert.equal(bad.status, 400);
	});

	test('the nav has People for staff, not for auditors', async () => {
		const r = await c.get('/persons');
		assert.match(r.text, /href="\/persons"/);
		const a = await inst.login('auditor');
		const s = await a.get('/');
		assert.doesNotMatch(s.text, /href="\/persons"/);
		assert.equal((await a.get('/persons')).status, 403);
		assert.ok(csrfOf(r.text));
	});
});
