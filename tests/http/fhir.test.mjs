// fhir: the read-only FHIR R4 API (issue 7) — every resource it produces and the
// $everything Bundle validated against the official FHIR R4 JSON schema; the identifier
// systems of Norwegian and Swedish national numbers; the phases and pauses in
// EpisodeOfCare.statusHistory; the plan as CarePlan with Goals; attended sessions as
// Encounters; the access log as AuditEvents (administrators); another organisation's ids
// 404 with an OperationOutcome and none of its data; who may call; session or token;
// every read audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api } from '../lib/client.mjs';
import { fillIds, MARK_A, MARK_B, startInstance } from '../lib/instance.mjs';
import { assertValid, buildRecord, DAY, fhirValidator, NASTY, SINCE } from './fhir_fixture.mjs';

let inst, ids, validate, admin, ther, auditor, foreign;

before(async () => {
	validate = fhirValidator();
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist', 'auditor', 'foreignAdmin', 'foreignTherapist'] });
	fillIds(inst);
	ids = await buildRecord(inst);
	admin = inst.api('admin');
	ther = inst.api('therapist');
	auditor = inst.api('auditor');
	foreign = inst.api('foreignAdmin');
});
after(async () => {
	await inst?.stop();
});

/** GET as FHIR: 200, the FHIR content type, a valid resource of type. */
async function read(api, path, type) {
	const r = await api.get(path, { headers: { accept: 'application/fhir+json' } });
	assert.equal(r.status, 200, `${path}: ${r.status} ${r.text.slice(0, 300)}`);
	assert.match(r.headers.get('content-type'), /^application\/fhir\+json/);
	assert.equal(r.data.resourceType, type);
	assertValid(validate, r.data, path);
	return r.data;
}

function assertOutcome(r, status, what) {
	assert.equal(r.status, status, `${what}: ${r.status} ${r.text.slice(0, 300)}`);
	assert.match(r.headers.get('content-type') ?? '', /^application\/fhir\+json/, what);
	assert.equal(r.data?.resourceType, 'OperationOutcome', what);
	assertValid(validate, r.data, what);
	assert.equal(r.data.issue[0].severity, 'error');
}

describe('the schema itself', () => {
	test('the validator refuses what is not FHIR (the tests can fail)', () => {
		assert.deepEqual(validate({ resourceType: 'Patient', id: '1', birthDate: '1990-02-01' }), []);
		assert.notDeepEqual(validate({ resourceType: 'Patient', id: '1', birthDate: '1990-2-1' }), []);
		assert.notDeepEqual(validate({ resourceType: 'Patient', id: '1', nickname: 'x' }), []);
		assert.notDeepEqual(validate({ resourceType: 'EpisodeOfCare', id: '1', status: 'paused', patient: { reference: 'Patient/1' } }), []);
		assert.notDeepEqual(validate({ resourceType: 'Nonsense' }), []);
	});
});

describe('resources', () => {
	test('metadata: a CapabilityStatement, no login needed', async () => {
		const anon = new Api(inst.base, null);
		const cs = await read(anon, '/fhir/metadata', 'CapabilityStatement');
		assert.match(cs.fhirVersion, /^4\.0\./);
		const types = cs.rest[0].resource.map((x) => x.type);
		for (const t of ['Patient', 'EpisodeOfCare', 'CarePlan']) assert.ok(types.includes(t), t);
		assert.equal(cs.rest[0].resource.find((x) => x.type === 'Patient').operation[0].name, 'everything');
	});

	test('Patient: names, identifiers in the national systems, birth date, contact', async () => {
		const p = await read(ther, `/fhir/Patient/${ids.A.kari}`, 'Patient');
		assert.equal(p.id, String(ids.A.kari));
		assert.equal(p.name[0].family, 'Deltakersen');
		assert.deepEqual(p.name[0].given, ['Kari', 'Anne', '<script>\'"&']);
		assert.equal(p.name[0].text, `Kari Anne ${NASTY} Deltakersen`, 'text not carried exactly');
		assert.equal(p.birthDate, '1990-02-01');
		assert.equal(p.identifier[0].system, 'urn:oid:2.16.578.1.12.4.1.4.1');
		assert.equal(p.identifier[0].value.length, 11);
		assert.deepEqual(p.address[0].line, ['Storgata 1', '4400 Flekkefjord']);
		assert.equal(p.contact[0].name.text, 'Ola Deltakersen');
		assert.ok(p.telecom.some((t) => t.system === 'email' && t.value === 'kari@example.no'));
		const sven = await read(ther, `/fhir/Patient/${ids.A.sven}`, 'Patient');
		assert.equal(sven.identifier[0].system, 'urn:oid:1.2.752.129.2.1.3.1');
		assert.match(sven.identifier[0].value, /^19850314\d{4}$/);
		const dina = await read(ther, `/fhir/Patient/${ids.A.dina}`, 'Patient');
		assert.equal(dina.identifier[0].system, 'urn:oid:2.16.578.1.12.4.1.4.2');
		const perry = await read(ther, `/fhir/Patient/${ids.A.perry}`, 'Patient');
		assert.equal(perry.identifier, undefined, 'an identifier without a number');
	});

	test('EpisodeOfCare: status, period, phases and the pause in statusHistory', async () => {
		const e = await read(ther, `/fhir/EpisodeOfCare/${ids.A.eKari}`, 'EpisodeOfCare');
		assert.equal(e.status, 'active');
		assert.equal(e.patient.reference, `Patient/${ids.A.kari}`);
		assert.match(e.type[0].text, /FHIR-program/);
		const h = e.statusHistory;
		assert.deepEqual(h.map((x) => x.status), ['active', 'onhold', 'active', 'active']);
		const phases = h.map((x) => x.extension[0].valueCoding.code);
		assert.equal(phases[3], 'day_treatment');
		assert.equal(phases[0], phases[1], 'the pause is not in the phase it paused');
		assert.equal(h[3].period.start, SINCE);
		assert.equal(h[2].period.end, SINCE);
		assert.equal(h[3].period.end, undefined, 'the open stretch has an end');
		assert.match(e.careManager.display, new RegExp(MARK_A));
	});

	test('CarePlan with its Goal: steps and the assignment as activities', async () => {
		const cp = await read(ther, `/fhir/CarePlan/${ids.A.eKari}`, 'CarePlan');
		assert.equal(cp.status, 'active');
		assert.equal(cp.intent, 'plan');
		assert.equal(cp.meta.versionId, '1');
		assert.deepEqual(cp.goal, [{ reference: `Goal/${ids.A.eKari}-1` }]);
		const steps = cp.activity.filter((a) => a.detail.code?.coding?.[0]?.system === 'urn:tolv:fhir:twelve-step' && !a.detail.description);
		assert.equal(steps.length, 12);
		assert.equal(steps[0].detail.status, 'completed');
		assert.equal(steps[1].detail.status, 'in-progress');
		assert.equal(steps[2].detail.status, 'not-started');
		const asg = cp.activity.find((a) => a.detail.description);
		assert.equal(asg.detail.description, `Skriv om steg 1 ${NASTY}`);
		assert.equal(asg.detail.scheduledPeriod.end, DAY);
		assert.deepEqual(asg.detail.goal, [{ reference: `Goal/${ids.A.eKari}-1` }]);
		assert.ok(cp.note.some((n) => n.text.includes('Fredagskvelder')));
		// An enrolment without a saved plan: a draft CarePlan, still valid.
		const draft = await read(ther, `/fhir/CarePlan/${ids.A.ePerry}`, 'CarePlan');
		assert.equal(draft.status, 'draft');
		assert.equal(draft.goal, undefined);
	});

	test('$everything: a valid Bundle of every resource of the person, references resolve', async () => {
		const b = await read(admin, `/fhir/Patient/${ids.A.kari}/$everything`, 'Bundle');
		assert.equal(b.type, 'searchset');
		const res = b.entry.map((e) => e.resource);
		for (const r of res) assertValid(validate, r, `$everything ${r.resourceType}/${r.id}`);
		const byType = (t) => res.filter((r) => r.resourceType === t);
		assert.equal(res[0].resourceType, 'Patient');
		assert.equal(b.entry[0].search.mode, 'match');
		assert.equal(byType('EpisodeOfCare').length, 1);
		assert.equal(byType('CarePlan').length, 1);
		assert.equal(byType('Goal').length, 1);
		assert.equal(byType('Goal')[0].description.text, `Holde seg rusfri ${NASTY}`);
		const enc = byType('Encounter');
		assert.equal(enc.length, 1);
		assert.equal(enc[0].period.start, DAY);
		assert.equal(enc[0].length.value, 240);
		assert.equal(enc[0].episodeOfCare[0].reference, `EpisodeOfCare/${ids.A.eKari}`);
		assert.ok(ids.A.measures, 'the sobriety-test routes are missing');
		{
			const obs = byType('Observation');
			const loinc = (o) => o.code.coding.find((c) => c.system === 'http://loinc.org')?.code;
			const audit = obs.find((o) => loinc(o) === '75624-7');
			assert.ok(audit, 'no AUDIT total with its LOINC code');
			assert.equal(audit.valueInteger, 20);
			assert.equal(audit.effectiveDateTime, DAY);
			const auditc = obs.find((o) => loinc(o) === '75626-2');
			assert.ok(auditc, 'no AUDIT-C total with its LOINC code');
			assert.equal(auditc.valueInteger, 3);
			const days = obs.find((o) => o.code.coding.some((c) => c.code === 'days-abstinent'));
			assert.deepEqual([days.valueQuantity.value, days.valueQuantity.code], [20, 'd']);
			const breath = obs.filter((o) => o.code.coding[0].code === 'breath');
			assert.equal(breath.length, 2);
			assert.ok(breath.some((o) => o.valueQuantity?.value === 0.42 && o.valueQuantity.code === '[ppth]'));
			assert.ok(breath.some((o) => o.dataAbsentReason?.coding[0].code === 'asked-declined'), 'the refused test');
			const drug = obs.find((o) => o.code.coding[0].code === 'drug');
			assert.equal(drug.interpretation[0].coding[0].code, 'POS');
			assert.ok(drug.component.some((c) => c.code.coding[0].code === 'cannabis' && c.valueCodeableConcept.coding[0].code === 'positive'));
			assert.equal(drug.note[0].text, `Prøve ${NASTY}`);
			const qr = byType('QuestionnaireResponse');
			assert.equal(qr.length, 3);
			assert.ok(qr.every((q) => q.status === 'completed' && q.subject.reference === `Patient/${ids.A.kari}`));
			const flags = byType('Flag');
			assert.ok(flags.some((f) => f.id === String(ids.A.relapse) && f.status === 'active' && f.period.start === DAY));
		}
		const audits = byType('AuditEvent');
		assert.ok(audits.length > 0, 'no access log for the administrator');
		assert.ok(audits.every((a) => a.entity[0].what.reference === `Patient/${ids.A.kari}`));
		// Every reference to a resource of the Bundle's types resolves inside it.
		const have = new Set(res.map((r) => `${r.resourceType}/${r.id}`));
		const refs = JSON.stringify(b).match(/"reference":"[^"]+"/g) ?? [];
		for (const ref of refs) {
			const to = JSON.parse(`{${ref}}`).reference;
			assert.ok(have.has(to), `dangling reference ${to}`);
		}
		// No other person's data.
		assert.ok(!JSON.stringify(b).includes('Gruppesen'), "another attendee's name");
		// A therapist's Bundle has no access log.
		const bt = await read(ther, `/fhir/Patient/${ids.A.kari}/$everything`, 'Bundle');
		assert.equal(bt.entry.filter((e) => e.resource.resourceType === 'AuditEvent').length, 0);
		// The path with the dollar sign percent-encoded is the same route.
		const enc24 = await admin.get(`/fhir/Patient/${ids.A.kari}/%24everything`);
		assert.equal(enc24.status, 200);
	});
});

describe('access', () => {
	const routes = () => [
		[`/fhir/Patient/{p}`, 'p'],
		[`/fhir/Patient/{p}/$everything`, 'p'],
		[`/fhir/EpisodeOfCare/{e}`, 'e'],
		[`/fhir/CarePlan/{e}`, 'e'],
	];
	const fill = (pat, org) => pat.replace('{p}', org.person ?? org.kari).replace('{e}', org.enrolment ?? org.eKari);

	test("another organisation's ids: 404 OperationOutcome, none of its data", async () => {
		for (const [pat] of routes()) {
			const r = await ther.get(fill(pat, ids.B));
			assertOutcome(r, 404, `A → B ${pat}`);
			assert.ok(!r.text.includes(MARK_B), 'B data');
			const r2 = await foreign.get(fill(pat, ids.A));
			assertOutcome(r2, 404, `B → A ${pat}`);
			assert.ok(!r2.text.includes(MARK_A), 'A data');
		}
		assertOutcome(await ther.get('/fhir/Patient/999999999'), 404, 'no such id');
		assertOutcome(await ther.get('/fhir/Nonsense/1'), 404, 'no such route');
		assertOutcome(await ther.get('/fhir/Patient/abc'), 404, 'not a number');
	});

	test('who may call: staff yes; auditor 403; nobody 401; a session works as well as a token', async () => {
		for (const [pat] of routes()) {
			assertOutcome(await auditor.get(fill(pat, ids.A)), 403, `auditor ${pat}`);
			assertOutcome(await new Api(inst.base, null).get(fill(pat, ids.A)), 401, `anonymous ${pat}`);
			assertOutcome(await new Api(inst.base, 'not-a-token').get(fill(pat, ids.A)), 401, `bad token ${pat}`);
		}
		const coord = inst.api('coordinator');
		await read(coord, `/fhir/Patient/${ids.A.kari}`, 'Patient');
		const c = await inst.login('therapist');
		const r = await c.get(`/fhir/Patient/${ids.A.kari}`);
		assert.equal(r.status, 200);
		assert.equal(JSON.parse(r.text).resourceType, 'Patient');
		assertOutcome(await admin.request('POST', `/fhir/Patient/${ids.A.kari}`, { json: {} }), 405, 'POST');
	});

	test('every read is audited like any other read', async () => {
		const before = (await ok200(admin.get(`/api/v1/audit?action=person.read&limit=1000`))).entries.length;
		await read(ther, `/fhir/Patient/${ids.A.sven}`, 'Patient');
		await read(ther, `/fhir/Patient/${ids.A.sven}/$everything`, 'Bundle');
		const list = (await ok200(admin.get(`/api/v1/audit?action=person.read&limit=1000`))).entries;
		assert.equal(list.length, before + 2);
		const mine = list.slice(0, 2).filter((e) => e.object_id === String(ids.A.sven) && e.actor === inst.users.therapist.email);
		assert.deepEqual(mine.map((e) => e.detail).sort(), ['fhir $everything', 'fhir Patient']);
		await read(ther, `/fhir/EpisodeOfCare/${ids.A.eKari}`, 'EpisodeOfCare');
		await read(ther, `/fhir/CarePlan/${ids.A.eKari}`, 'CarePlan');
		const er = (await ok200(admin.get(`/api/v1/audit?action=enrolment.read&limit=1000`))).entries.filter(
			(e) => e.object_id === String(ids.A.eKari),
		);
		assert.ok(er.some((e) => e.detail === 'fhir EpisodeOfCare'));
		assert.ok(er.some((e) => e.detail === 'fhir CarePlan'));
		// A refused read (another organisation) is not a read of anyone's record.
		const n = (await ok200(foreign.get(`/api/v1/audit?action=person.read&limit=1000`))).entries.length;
		await ther.get(`/fhir/Patient/${ids.B.person}`);
		assert.equal((await ok200(foreign.get(`/api/v1/audit?action=person.read&limit=1000`))).entries.length, n);
		const v = inst.cli(['audit', 'verify']);
		assert.equal(v.code, 0, v.stdout + v.stderr);
	});
});

async function ok200(p) {
	const r = await p;
	assert.equal(r.status, 200, r.text);
	return r.data;
}
