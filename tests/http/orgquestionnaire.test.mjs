// orgquestionnaire: an organisation's own questionnaire definition (issue 6) — after
// `tolv questionnaire load` of an AUDIT file with other Norwegian item wording and a lower
// cut-off, the person's AUDIT form (staff and one-time link) shows the new wording (escaped),
// results are scored with the new cut-off and carry its version, and another organisation
// still sees and scores the built-in; after `tolv questionnaire remove` the built-in is back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '../lib/client.mjs';
import { csrfOf } from '../lib/html.mjs';
import { ORG_A, ORG_B, startInstance } from '../lib/instance.mjs';
import { ROOT } from '../lib/tolv.mjs';

const NASTY = `<script>'"&`;
const OWN_ITEM1 = 'Hvor ofte drikker du alkohol (lisensiert ordlyd)?';
const OWN_ITEM2 = `Hvor mange enheter en vanlig dag ${NASTY}`;
const BUILTIN_ITEM1 = 'Hvor ofte alkohol';
const OWN_TITLE = `AUDIT – Lister ${NASTY}`;
const TODAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
/** Total 6: positive at the organisation's cut-off of 6, not at the manual's 8. */
const AUDIT_6 = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0];
const auditForm = (scores) => Object.fromEntries(scores.map((s, i) => [`a${i}`, String(s)]));

let inst, ther, foreign, file;
const ids = {};

async function ok(res, status, what) {
	assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 400)}`);
	return res.data;
}

async function person(api, given) {
	const p = await ok(await api.post('/api/v1/persons', { given_name: given, family_name: 'Egendef' }), 201, 'person');
	return p.person.id;
}

before(async () => {
	inst = await startInstance({ cast: ['admin', 'therapist', 'auditor', 'foreignAdmin'] });
	ther = inst.api('therapist');
	foreign = inst.api('foreignAdmin');
	ids.A = await person(ther, 'Ada');
	ids.B = await person(foreign, 'Bea');
	const d = JSON.parse(fs.readFileSync(path.join(ROOT, 'data/questionnaires/audit.json'), 'utf8'));
	d.version = 5;
	d.items[0].label.nb = OWN_ITEM1;
	d.items[1].label.nb = OWN_ITEM2;
	d.title.nb = OWN_TITLE;
	d.zones[0].max = 5;
	d.zones[1].min = 6;
	d.cutoffs[0].min = 6;
	file = path.join(inst.tmp, 'audit-own.json');
	fs.writeFileSync(file, JSON.stringify(d, null, 2));
	const r = inst.cli(['questionnaire', 'load', '--org', ORG_A, file]);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /^Loaded audit version 5 for /);
});
after(async () => {
	await inst?.stop();
});

describe('an organisation that loaded its own AUDIT', () => {
	test('the staff form shows its wording, escaped', async () => {
		const c = await inst.login('therapist');
		const form = await c.get(`/persons/${ids.A}/outcomes/new?q=audit`);
		assert.equal(form.status, 200);
		assert.ok(form.text.includes(OWN_ITEM1), 'the own wording');
		assert.ok(!form.text.includes(`>${BUILTIN_ITEM1}<`), 'the built-in wording');
		assert.ok(form.text.includes('Hvor mange enheter en vanlig dag &lt;script&gt;'), 'escaped');
		assert.ok(!form.text.includes(NASTY));
		assert.equal((form.text.match(/<fieldset class="ds-fieldset tolv-item"/g) || []).length, 10);
	});

	test('a result through the form and the API is scored with its cut-off and version', async () => {
		const c = await inst.login('therapist');
		const form = await c.get(`/persons/${ids.A}/outcomes/new?q=audit`);
		const res = await c.post(`/persons/${ids.A}/outcomes`, {
			form: { csrf: csrfOf(form.text), questionnaire: 'audit', taken_on: TODAY, ...auditForm(AUDIT_6) },
		});
		assert.equal(res.status, 303, res.text.slice(0, 300));
		const d = await ok(await ther.post(`/api/v1/persons/${ids.A}/outcomes`, { questionnaire: 'audit', taken_on: TODAY, answers: AUDIT_6 }), 201, 'api');
		assert.equal(d.outcome.total, 6);
		assert.equal(d.outcome.positive, true);
		assert.equal(d.outcome.zone.key, 'II');
		assert.equal(d.outcome.version, 5);
		const l = await ok(await ther.get(`/api/v1/persons/${ids.A}/outcomes`), 200, 'list');
		assert.equal(l.outcomes.length, 2);
		for (const o of l.outcomes) {
			assert.equal(o.positive, true);
			assert.equal(o.version, 5);
		}
	});

	test('the one-time link form shows its wording', async () => {
		const c = await inst.login('therapist');
		const csrf = await c.csrf(`/persons/${ids.A}/outcomes`);
		const made = await c.post(`/persons/${ids.A}/outcomes/links`, { form: { csrf, questionnaire: 'audit', hours: '72' } });
		assert.equal(made.status, 200, made.text.slice(0, 300));
		const link = made.text.match(/value="(\/q\?t=[A-Za-z0-9_-]{40,})"/)[1];
		const p = new Client(inst.base);
		assert.equal((await p.get(link)).status, 303);
		const form = await p.get('/q');
		assert.equal(form.status, 200);
		assert.ok(form.text.includes(OWN_ITEM1));
		const sent = await p.post('/q', { form: { csrf: csrfOf(form.text), ...auditForm(AUDIT_6) } });
		assert.equal(sent.status, 200, sent.text.slice(0, 300));
		const l = await ok(await ther.get(`/api/v1/persons/${ids.A}/outcomes`), 200, 'list');
		const self = l.outcomes.find((o) => o.self);
		assert.equal(self.positive, true);
		assert.equal(self.version, 5);
	});

	test('the stateless scoring API stays on the built-in', async () => {
		const d = await ok(await ther.post('/api/v1/score/audit', { answers: AUDIT_6 }), 200, 'score');
		assert.equal(d.positive, false);
		assert.equal(d.version, 1);
	});

	test('/settings/questionnaires lists it for an administrator and an auditor, not for a therapist', async () => {
		for (const key of ['admin', 'auditor']) {
			const c = await inst.login(key);
			const page = await c.get('/settings/questionnaires');
			assert.equal(page.status, 200, key);
			const row = page.text.match(/<tr><th scope="row">AUDIT – Lister &lt;script&gt;[^\n]*<\/tr>/);
			assert.ok(row, `${key}: no row of the own AUDIT`);
			assert.match(row[0], /<td>Virksomhetens egen<\/td><td>5<\/td><td>\d{4}-\d\d-\d\d [^<]+<\/td><td>kommandolinjen<\/td>/);
			assert.match(page.text, /<tr><th scope="row">DUDIT[^<]*<\/th><td>tolvs standard<\/td><td>1<\/td>/);
			assert.match(page.text, /<caption>/);
			assert.ok(!page.text.includes(NASTY));
		}
		const t = await inst.login('therapist');
		assert.equal((await t.get('/settings/questionnaires')).status, 403);
		const b = await inst.login('foreignAdmin');
		const other = await b.get('/settings/questionnaires');
		assert.equal(other.status, 200);
		assert.ok(!other.text.includes('Virksomhetens egen'));
		assert.ok(!other.text.includes('Lister'));
	});

	test('tolv questionnaire list names it', () => {
		const r = inst.cli(['questionnaire', 'list', '--org', ORG_A], { check: true });
		assert.match(r.stdout, /^audit\town\tversion 5\tsha256 [0-9a-f]{12}\tloaded .*\tby the command line$/m);
	});
});

describe('another organisation', () => {
	test('sees the built-in wording and scores with the manual cut-off', async () => {
		const c = await inst.login('foreignAdmin');
		const form = await c.get(`/persons/${ids.B}/outcomes/new?q=audit`);
		assert.equal(form.status, 200);
		assert.ok(form.text.includes(BUILTIN_ITEM1));
		assert.ok(!form.text.includes(OWN_ITEM1));
		const d = await ok(await foreign.post(`/api/v1/persons/${ids.B}/outcomes`, { questionnaire: 'audit', taken_on: TODAY, answers: AUDIT_6 }), 201, 'api');
		assert.equal(d.outcome.positive, false);
		assert.equal(d.outcome.zone.key, 'I');
		assert.equal(d.outcome.version, 1);
		const r = inst.cli(['questionnaire', 'list', '--org', ORG_B], { check: true });
		assert.match(r.stdout, /^audit\tbuilt-in\tversion 1$/m);
	});

	test("cannot reach the first organisation's person", async () => {
		assert.equal((await foreign.get(`/api/v1/persons/${ids.A}/outcomes`)).status, 404);
	});
});

describe('after tolv questionnaire remove', () => {
	test('the built-in applies again, and earlier results keep their version', async () => {
		const r = inst.cli(['questionnaire', 'remove', '--org', ORG_A, 'audit']);
		assert.equal(r.code, 0, r.stderr);
		const c = await inst.login('therapist');
		const form = await c.get(`/persons/${ids.A}/outcomes/new?q=audit`);
		assert.ok(form.text.includes(BUILTIN_ITEM1));
		assert.ok(!form.text.includes(OWN_ITEM1));
		const d = await ok(await ther.post(`/api/v1/persons/${ids.A}/outcomes`, { questionnaire: 'audit', taken_on: TODAY, answers: AUDIT_6 }), 201, 'api');
		assert.equal(d.outcome.positive, false);
		assert.equal(d.outcome.version, 1);
		const l = await ok(await ther.get(`/api/v1/persons/${ids.A}/outcomes`), 200, 'list');
		assert.equal(l.outcomes.filter((o) => o.version === 5).length, 3);
	});

	test('a bad file is refused by load and changes nothing', () => {
		const d = JSON.parse(fs.readFileSync(file, 'utf8'));
		d.items.pop();
		d.scoring.items.pop();
		d.zones[3].max = 36;
		const bad = path.join(inst.tmp, 'audit-nine.json');
		fs.writeFileSync(bad, JSON.stringify(d));
		const r = inst.cli(['questionnaire', 'load', '--org', ORG_A, bad]);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /audit has 10 items and this file has 9/);
		const l = inst.cli(['questionnaire', 'list', '--org', ORG_A], { check: true });
		assert.match(l.stdout, /^audit\tbuilt-in/m);
	});
});
