// score: the questionnaire definitions and the stateless scoring API —
// GET /api/v1/questionnaires[/{id}] and POST /api/v1/score/{audit,audit-c,dudit,days-abstinent}:
// every zone edge and sex-specific cut-off through HTTP, each error with its status, code and
// field in the one error shape, the three languages, who may call what (definitions public,
// scoring with a token or a session of any role), and that nothing is stored or logged.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertApiError, assertSecurityHeaders } from '../lib/checks.mjs';
import { Api } from '../lib/client.mjs';
import { startInstance } from '../lib/instance.mjs';

// A token answers in its user's language setting (which wins over Accept-Language), so
// each language has its own caller: the therapist's tokens speak English, the auditor's
// Swedish, the administrator's bokmål (the default).
let inst, anon, api;
const apiIn = {};
before(async () => {
	inst = await startInstance({ cast: ['admin', 'therapist', 'auditor', 'foreignTherapist'] });
	anon = new Api(inst.base, null);
	for (const [who, l] of [['therapist', 'en'], ['auditor', 'sv']]) {
		const c = await inst.login(who);
		const r = await c.post('/account/language', { form: { lang: l, csrf: await c.csrf('/account') } });
		assert.ok(r.status < 400, `setting ${who}'s language: ${r.status}`);
	}
	apiIn.en = inst.api('therapist');
	apiIn.sv = inst.api('auditor');
	apiIn.nb = inst.api('admin');
	api = apiIn.en;
});
after(async () => {
	await inst?.stop();
});

const lang = (l) => ({ headers: { 'accept-language': l } });
const score = (id, body, l = 'en') => apiIn[l].post(`/api/v1/score/${id}`, body);

// Answers adding up to total: the last items take the largest score they allow first, so
// the 0/2/4 items at the end of AUDIT and DUDIT never leave an odd remainder.
const SCORES = {
	audit: [...Array(8).fill([0, 1, 2, 3, 4]), [0, 2, 4], [0, 2, 4]],
	'audit-c': Array(3).fill([0, 1, 2, 3, 4]),
	dudit: [...Array(9).fill([0, 1, 2, 3, 4]), [0, 2, 4], [0, 2, 4]],
};
function answersFor(id, total) {
	const items = SCORES[id];
	const out = new Array(items.length).fill(0);
	let left = total;
	for (let i = items.length - 1; i >= 0; i--) {
		out[i] = Math.max(...items[i].filter((s) => s <= left));
		left -= out[i];
	}
	assert.equal(left, 0, `cannot make ${total} for ${id}`);
	return out;
}

async function expectScore(id, total, sex, zone, positive) {
	const body = { answers: answersFor(id, total) };
	if (sex) body.sex = sex;
	const r = await score(id, body);
	assert.equal(r.status, 200, `${id} ${total} ${sex}: ${r.text}`);
	assert.equal(r.data.questionnaire, id);
	assert.equal(r.data.total, total);
	assert.equal(r.data.zone?.key, zone, `${id} ${total} ${sex}: zone ${JSON.stringify(r.data.zone)}`);
	assert.equal(typeof r.data.zone.label, 'string');
	assert.equal(r.data.positive, positive, `${id} ${total} ${sex}: positive ${r.data.positive}`);
	return r.data;
}

describe('definitions', () => {
	test('GET /api/v1/questionnaires lists the four, without logging in', async () => {
		const r = await anon.get('/api/v1/questionnaires', lang('en'));
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers.get('content-type'), /^application\/json/);
		assertSecurityHeaders(r.headers, 'GET /api/v1/questionnaires');
		assert.equal(r.headers.get('cache-control'), 'no-store');
		const byId = Object.fromEntries(r.data.questionnaires.map((q) => [q.id, q]));
		assert.deepEqual(Object.keys(byId), ['audit', 'audit-c', 'dudit', 'days-abstinent']);
		assert.equal(byId.audit.loinc, '75624-7');
		assert.equal(byId['audit-c'].loinc, '75626-2');
		assert.equal(byId.dudit.loinc, null);
		assert.deepEqual([byId.audit.max, byId['audit-c'].max, byId.dudit.max, byId['days-abstinent'].max], [40, 12, 44, 30]);
		assert.deepEqual([byId.audit.item_count, byId['audit-c'].item_count, byId.dudit.item_count], [10, 3, 11]);
		assert.equal(byId.audit.sex_specific, false);
		assert.equal(byId.dudit.sex_specific, true);
		assert.equal(byId.audit.title, 'AUDIT – alcohol use');
	});

	test('GET /api/v1/questionnaires/audit: items, options with scores, zones, cut-offs', async () => {
		const r = await anon.get('/api/v1/questionnaires/audit', lang('en'));
		assert.equal(r.status, 200, r.text);
		const q = r.data.questionnaire;
		assert.equal(q.id, 'audit');
		assert.equal(q.lang, 'en');
		assert.equal(q.items.length, 10);
		for (const it of q.items.slice(0, 8)) assert.deepEqual(it.options.map((o) => o.score), [0, 1, 2, 3, 4]);
		for (const it of q.items.slice(8)) assert.deepEqual(it.options.map((o) => o.score), [0, 2, 4]);
		assert.equal(q.items[0].options[0].label, 'Never');
		assert.deepEqual(q.scoring, { rule: 'sum', items: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] });
		assert.deepEqual(
			q.zones.map((z) => [z.key, z.min, z.max]),
			[['I', 0, 7], ['II', 8, 15], ['III', 16, 19], ['IV', 20, 40]],
		);
		assert.equal(q.positive_cutoff, 'hazardous');
		assert.match(q.source, /not the official text/);
	});

	test('sex-specific thresholds are given per sex', async () => {
		const c = (await anon.get('/api/v1/questionnaires/audit-c')).data.questionnaire;
		assert.deepEqual(c.cutoffs[0].min, { female: 3, male: 4 });
		assert.equal(c.sex_specific, true);
		const d = (await anon.get('/api/v1/questionnaires/dudit')).data.questionnaire;
		const cut = Object.fromEntries(d.cutoffs.map((x) => [x.key, x.min]));
		assert.deepEqual(cut, { problems: { female: 2, male: 6 }, dependence: 25 });
		const days = (await anon.get('/api/v1/questionnaires/days-abstinent')).data.questionnaire;
		assert.deepEqual(days.items[0].range, { min: 0, max: 30 });
		assert.deepEqual(days.zones, []);
		assert.equal(days.positive_cutoff, null);
	});

	for (const [l, title, never, zone] of [
		['nb', 'AUDIT – alkoholbruk', 'Aldri', 'Sone I: lav risiko'],
		['sv', 'AUDIT – alkoholvanor', 'Aldrig', 'Zon I: låg risk'],
		['en', 'AUDIT – alcohol use', 'Never', 'Zone I: low risk'],
	]) {
		test(`labels in the caller's language: ${l}`, async () => {
			const r = await anon.get('/api/v1/questionnaires/audit', lang(l));
			assert.equal(r.status, 200);
			const q = r.data.questionnaire;
			assert.equal(q.lang, l);
			assert.equal(q.title, title);
			assert.equal(q.items[0].options[0].label, never);
			assert.equal(q.zones[0].label, zone);
			const s = await score('audit', { answers: Array(10).fill(0) }, l);
			assert.equal(s.data.zone.label, zone);
			assert.equal(s.data.lang, l);
		});
	}

	test("with a token, the user's language setting wins over Accept-Language", async () => {
		const r = await apiIn.sv.post('/api/v1/score/audit', { answers: Array(10).fill(0) }, lang('en'));
		assert.equal(r.status, 200, r.text);
		assert.equal(r.data.lang, 'sv');
		assert.equal(r.data.zone.label, 'Zon I: låg risk');
	});

	test('without Accept-Language: bokmål', async () => {
		const r = await anon.get('/api/v1/questionnaires/dudit');
		assert.equal(r.data.questionnaire.lang, 'nb');
		assert.equal(r.data.questionnaire.title, 'DUDIT – narkotikabruk');
	});

	test('an unknown questionnaire: 404 in the error shape', async () => {
		for (const p of ['/api/v1/questionnaires/audit-x', '/api/v1/questionnaires/AUDIT', '/api/v1/questionnaires/1']) {
			assertApiError(await anon.get(p), 404, p);
		}
	});

	test('HEAD works where GET does; other methods are 405', async () => {
		const h = await anon.request('HEAD', '/api/v1/questionnaires/audit');
		assert.equal(h.status, 200);
		assertApiError(await anon.post('/api/v1/questionnaires/audit', {}), 405);
		assertApiError(await api.get('/api/v1/score/audit'), 405);
	});
});

describe('scoring', () => {
	test('AUDIT: the edges of each WHO zone, either sex or none', async () => {
		for (const sex of [undefined, 'female', 'male']) {
			for (const [t, zone, pos] of [
				[0, 'I', false], [7, 'I', false], [8, 'II', true], [15, 'II', true],
				[16, 'III', true], [19, 'III', true], [20, 'IV', true], [40, 'IV', true],
			]) {
				const d = await expectScore('audit', t, sex, zone, pos);
				assert.equal(d.max, 40);
				assert.equal(d.min, 0);
				assert.equal(d.loinc, '75624-7');
			}
		}
	});

	test('AUDIT: the response shape', async () => {
		const r = await score('audit', { answers: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0], sex: 'female' }, 'en');
		assert.equal(r.status, 200);
		assert.deepEqual(r.data, {
			questionnaire: 'audit',
			version: 1,
			loinc: '75624-7',
			total: 8,
			min: 0,
			max: 40,
			zone: { key: 'II', label: 'Zone II: hazardous drinking' },
			positive: true,
			cutoffs: [
				{ key: 'hazardous', label: 'Hazardous or harmful drinking', min: 8, reached: true },
				{ key: 'dependence', label: 'Possible dependence', min: 20, reached: false },
			],
			lang: 'en',
		});
	});

	test('AUDIT-C: positive at 3 for women, 4 for men', async () => {
		await expectScore('audit-c', 2, 'female', 'negative', false);
		await expectScore('audit-c', 3, 'female', 'positive', true);
		await expectScore('audit-c', 3, 'male', 'negative', false);
		await expectScore('audit-c', 4, 'male', 'positive', true);
		const d = await expectScore('audit-c', 12, 'male', 'positive', true);
		assert.equal(d.max, 12);
		assert.equal(d.loinc, '75626-2');
	});

	test('DUDIT: problems at 2 for women and 6 for men, dependence at 25', async () => {
		await expectScore('dudit', 1, 'female', 'none', false);
		await expectScore('dudit', 2, 'female', 'problems', true);
		await expectScore('dudit', 5, 'male', 'none', false);
		await expectScore('dudit', 6, 'male', 'problems', true);
		for (const sex of ['female', 'male']) {
			let d = await expectScore('dudit', 24, sex, 'problems', true);
			assert.equal(d.cutoffs.find((c) => c.key === 'dependence').reached, false);
			d = await expectScore('dudit', 25, sex, 'dependence', true);
			assert.equal(d.cutoffs.find((c) => c.key === 'dependence').reached, true);
			d = await expectScore('dudit', 44, sex, 'dependence', true);
			assert.equal(d.max, 44);
		}
	});

	test('days abstinent: 0–30, no zone, no positive', async () => {
		for (const n of [0, 17, 30]) {
			const r = await score('days-abstinent', { answers: [n] });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.data.total, n);
			assert.equal(r.data.zone, null);
			assert.equal(r.data.positive, null);
			assert.equal(r.data.max, 30);
		}
		const e = assertApiError(await score('days-abstinent', { answers: [31] }, 'en'), 422);
		assert.equal(e.field, 'answers[0]');
		assert.equal(e.message, 'Item days cannot score 31 (allowed: 0–30).');
	});

	test('any role of any organisation may score, with a token', async () => {
		for (const who of ['admin', 'therapist', 'auditor', 'foreignTherapist']) {
			const r = await inst.api(who).post('/api/v1/score/audit', { answers: Array(10).fill(4) });
			assert.equal(r.status, 200, `${who}: ${r.text}`);
			assert.equal(r.data.total, 40);
		}
	});

	test('with a session: X-CSRF-Token is needed, as for every POST', async () => {
		const c = await inst.login('admin');
		const body = { answers: [1, 1, 1], sex: 'female' };
		const no = await c.post('/api/v1/score/audit-c', { json: body, headers: { accept: 'application/json' } });
		assert.equal(no.status, 403, no.text);
		const me = await c.get('/api/v1/me', { headers: { accept: 'application/json' } });
		const csrf = me.json().csrf_token;
		assert.ok(csrf, me.text);
		const s = await c.post('/api/v1/score/audit-c', { json: body, headers: { 'x-csrf-token': csrf } });
		assert.equal(s.status, 200, s.text);
		assert.equal(s.json().positive, true);
	});

	test('without a token: 401 (the definitions stay public)', async () => {
		assertApiError(await anon.post('/api/v1/score/audit', { answers: Array(10).fill(0) }), 401);
		assertApiError(await new Api(inst.base, 'tolv_' + 'A'.repeat(43)).post('/api/v1/score/audit', { answers: Array(10).fill(0) }), 401);
		assert.equal((await anon.get('/api/v1/questionnaires/audit')).status, 200);
		// A token that is sent to a public route must still be good: it is not silently ignored.
		assertApiError(await new Api(inst.base, 'tolv_' + 'A'.repeat(43)).get('/api/v1/questionnaires'), 401);
	});
});

describe('errors', () => {
	const A10 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
	for (const [what, id, body, status, code, field] of [
		['nine answers for AUDIT', 'audit', { answers: A10.slice(1) }, 422, 'validation_failed', 'answers'],
		['eleven answers for AUDIT', 'audit', { answers: [...A10, 0] }, 422, 'validation_failed', 'answers'],
		['no answers at all', 'audit', { answers: [] }, 422, 'validation_failed', 'answers'],
		['item 9 scoring 3', 'audit', { answers: [0, 0, 0, 0, 0, 0, 0, 0, 3, 0] }, 422, 'validation_failed', 'answers[8]'],
		['item 1 scoring 5', 'audit', { answers: [5, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, 422, 'validation_failed', 'answers[0]'],
		['a negative score', 'dudit', { answers: [0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0], sex: 'male' }, 422, 'validation_failed', 'answers[1]'],
		['a huge score', 'audit', { answers: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1e15] }, 422, 'validation_failed', 'answers[9]'],
		['no answers field', 'audit', {}, 422, 'validation_failed', 'answers'],
		['answers null', 'audit', { answers: null }, 422, 'validation_failed', 'answers'],
		['AUDIT-C without sex', 'audit-c', { answers: [1, 1, 1] }, 422, 'validation_failed', 'sex'],
		['DUDIT without sex', 'dudit', { answers: Array(11).fill(0) }, 422, 'validation_failed', 'sex'],
		['sex neither female nor male', 'audit', { answers: A10, sex: 'other' }, 422, 'validation_failed', 'sex'],
		['sex in capitals', 'audit-c', { answers: [1, 1, 1], sex: 'Female' }, 422, 'validation_failed', 'sex'],
		['answers a string', 'audit', { answers: '0,0,0' }, 400, 'bad_type', 'answers'],
		['answers an object', 'audit', { answers: { 1: 0 } }, 400, 'bad_type', 'answers'],
		['an answer as a string', 'audit', { answers: [0, '1', 0, 0, 0, 0, 0, 0, 0, 0] }, 400, 'bad_type', 'answers[1]'],
		['an answer with a fraction', 'audit', { answers: [0, 0, 1.5, 0, 0, 0, 0, 0, 0, 0] }, 400, 'bad_type', 'answers[2]'],
		['an answer null', 'audit', { answers: [0, 0, 0, null, 0, 0, 0, 0, 0, 0] }, 400, 'bad_type', 'answers[3]'],
		['an answer true', 'audit', { answers: [true, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, 400, 'bad_type', 'answers[0]'],
		['sex a number', 'audit', { answers: A10, sex: 1 }, 400, 'bad_type', 'sex'],
		['an unknown field', 'audit', { answers: A10, name: 'Ola Nordmann' }, 400, 'unknown_field', 'name'],
		['an identity number sent along', 'audit', { answers: A10, person: '12345678901' }, 400, 'unknown_field', 'person'],
	]) {
		test(`${what}: ${status} ${code} naming ${field}`, async () => {
			const e = assertApiError(await score(id, body, 'en'), status, what);
			assert.equal(e.code, code, `${what}: ${JSON.stringify(e)}`);
			assert.equal(e.field, field, `${what}: ${JSON.stringify(e)}`);
		});
	}

	test('the messages name the item and what it allows, in each language', async () => {
		const body = { answers: [0, 0, 0, 0, 0, 0, 0, 0, 3, 0] };
		for (const [l, msg] of [
			['en', 'Item 9 cannot score 3 (allowed: 0, 2, 4).'],
			['nb', 'Spørsmål 9 kan ikke gi 3 poeng (tillatt: 0, 2, 4).'],
			['sv', 'Fråga 9 kan inte ge 3 poäng (tillåtet: 0, 2, 4).'],
		]) {
			const e = assertApiError(await score('audit', body, l), 422, l);
			assert.equal(e.message, msg);
		}
		for (const [l, msg] of [
			['en', 'Give one answer for each item: 10 expected, 9 given.'],
			['nb', 'Gi ett svar for hvert spørsmål: 10 ventet, 9 gitt.'],
			['sv', 'Ange ett svar för varje fråga: 10 förväntade, 9 angivna.'],
		]) {
			const e = assertApiError(await score('audit', { answers: Array(9).fill(0) }, l), 422, l);
			assert.equal(e.message, msg);
		}
		const e = assertApiError(await score('audit-c', { answers: [0, 0, 0] }, 'sv'), 422);
		assert.match(e.message, /kön/);
	});

	test('an unknown questionnaire: 404', async () => {
		for (const id of ['audit-x', 'phq-9', 'AUDIT', '']) {
			assertApiError(await score(id, { answers: [0] }), 404, id);
		}
	});

	test('not JSON, not an object, not application/json, too large', async () => {
		assertApiError(await api.request('POST', '/api/v1/score/audit', { body: '{"answers": [', headers: { 'content-type': 'application/json' } }), 400);
		assertApiError(await api.request('POST', '/api/v1/score/audit', { body: '[0,0,0,0,0,0,0,0,0,0]', headers: { 'content-type': 'application/json' } }), 400);
		assertApiError(
			await api.request('POST', '/api/v1/score/audit', { body: '{"answers": [1], "answers": [2]}', headers: { 'content-type': 'application/json' } }),
			400,
			'duplicate keys',
		);
		assertApiError(await api.request('POST', '/api/v1/score/audit', { body: 'answers=0', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
		const big = JSON.stringify({ answers: Array(40000).fill(0) });
		assert.ok(big.length > 64 * 1024);
		assertApiError(await api.request('POST', '/api/v1/score/audit', { body: big, headers: { 'content-type': 'application/json' } }), 413);
	});
});

describe('nothing kept', () => {
	test('scoring writes no audit entry and logs no answers', async () => {
		const before = inst.cli(['audit', 'verify'], { check: true }).stdout;
		// A marker value that could only reach the log from the request.
		const r = await score('audit', { answers: [0, 0, 0, 0, 0, 0, 0, 0, 0, 987654321] }, 'en');
		assertApiError(r, 422);
		assert.equal((await score('dudit', { answers: Array(11).fill(0), sex: 'female' })).status, 200);
		const after = inst.cli(['audit', 'verify'], { check: true }).stdout;
		assert.equal(after, before, 'scoring wrote to the audit log');
		assert.ok(!inst.server.log().includes('987654321'), 'the answers reached the server log');
		assert.ok(!/female/.test(inst.server.log()), 'the sex reached the server log');
		assert.ok(!r.headers.get('set-cookie'), 'a token call set a cookie');
	});
});
