// stepwork (browser): a therapist runs a person's individual plan and step work, in
// Norwegian, through the pages (issue 4):
//
//   the programme, the person and the enrolment (with the therapist as primary therapist)
//   are made through the API, which the pages add nothing to; the therapist logs in, opens
//   the enrolment's plan, adds a goal and an assignment tied to step 4 with a due date and
//   saves (version 1, listed on the versions page with what was added); marks the
//   assignment done (version 2), then reviewed with a review note (version 3) — the
//   versions page lists each change; opens the steps page and moves steps 1–4 through
//   working → presented → completed, the chart's text alternative and the companion table
//   following every move; writes a step-presentation note on the person's notes page,
//   signs it, sees it can no longer be edited, adds an addendum and sees it beside the note.
//
// Every page visited passes axe-core (WCAG 2.1 A/AA and best practice) and logs no console
// error, CSP violation or unexpected 4xx/5xx. No fixed sleeps: every step waits for the
// navigation its form causes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startInstance } from '../lib/instance.mjs';
import { checkA11y, checkSkipLink, launch, watchConsole } from './lib.mjs';

let inst, browser;
const seen = [];
let doneRow = null; // the assignment's row on the plan page once it is marked done

before(async () => {
	inst = await startInstance({ cast: ['admin', 'therapist'] });
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await inst?.stop();
});

// ---- dates: the server's calendar is Norway's ----------------------------------------
function osloToday() {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function addDays(iso, n) {
	const d = new Date(`${iso}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

const GIVEN = 'Stine Syntetisk';
const FAMILY = 'Stegesen';
const FULL_NAME = `${GIVEN} ${FAMILY}`;
const GOAL = 'Være rusfri på fødselsdagen til datteren';
const TASK = 'Skriv ferdig den personlige inventarlisten (steg 4)';
const REVIEW = 'Gjennomgått sammen; ærlig og grundig arbeid.';
const NOTE = 'Presenterte steg 4 i samtalen. Ærlig om gamle konflikter.';
const ADDENDUM = 'Rettelse: samtalen varte 60 minutter, ikke 45.';

// The step statuses as the nb pages name them.
const LABEL = { not_started: 'Ikke påbegynt', working: 'Arbeider med', presented: 'Presentert', completed: 'Fullført' };

/** The chart's text alternative for a set of statuses ("Fullført: steg 1–3. …"). */
function describe(states) {
	const parts = [];
	for (const s of ['completed', 'presented', 'working', 'not_started']) {
		const runs = [];
		for (let i = 0; i < states.length; i++) {
			if (states[i] !== s) continue;
			let j = i;
			while (j + 1 < states.length && states[j + 1] === s) j++;
			runs.push(j > i ? `${i + 1}\u2013${j + 1}` : `${i + 1}`);
			i = j;
		}
		if (runs.length) parts.push(`${LABEL[s]}: steg ${runs.join(', ')}.`);
	}
	return parts.join(' ');
}

const pathOf = (page) => new URL(page.url()).pathname;
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

test('a therapist runs the plan, the steps and the notes of a person, in the browser', async () => {
	const today = osloToday();
	const due = addDays(today, 7);
	const target = addDays(today, 90);

	// ---- set-up through the API: a person enrolled with the therapist ----
	const admin = inst.api('admin');
	const me = await inst.api('therapist').get('/api/v1/me');
	assert.equal(me.status, 200, me.text);
	const therapistId = me.data.user.id;
	const p = await admin.post('/api/v1/persons', { given_name: GIVEN, family_name: FAMILY });
	assert.equal(p.status, 201, p.text);
	const personId = p.data.person.id;
	const prog = await admin.post('/api/v1/programmes', { template: 'municipal_day_treatment', name: 'Poliklinikk Steg' });
	assert.equal(prog.status, 201, prog.text);
	const e = await admin.post('/api/v1/enrolments', { person_id: personId, programme_id: prog.data.programme.id, therapist_id: therapistId });
	assert.equal(e.status, 201, e.text);
	const eid = e.data.enrolment.id;

	// ---- the therapist's browser ----
	const ctx = await browser.newContext({ locale: 'nb-NO' });
	const page = await ctx.newPage();
	page.setDefaultTimeout(15_000);
	const problems = watchConsole(page);
	const visit = async (what) => {
		await checkA11y(page, seen);
		assert.deepEqual(problems, [], `browser problems (${what}):\n${problems.join('\n')}`);
	};
	const h1 = async () => norm(await page.innerText('main h1'));
	const main = async () => norm(await page.innerText('main'));
	const follow = async (locator) => {
		await Promise.all([page.waitForNavigation(), locator.click()]);
	};
	const submit = async (form) => {
		await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').first().click()]);
	};
	const successAlert = async () => norm(await page.innerText('main .ds-alert[data-color=success]'));

	await page.goto(`${inst.base}/login`);
	assert.equal(await page.getAttribute('html', 'lang'), 'nb');
	await page.fill('input[name=email]', inst.users.therapist.email);
	await page.fill('input[name=password]', inst.users.therapist.password);
	await submit(page.locator('main form'));
	assert.equal(pathOf(page), '/', `after log-in: ${page.url()}`);
	await visit('start page');

	// ===================================================== the individual plan
	await page.goto(`${inst.base}/enrolments/${eid}`);
	await visit('enrolment');
	await follow(page.locator(`main a[href="/enrolments/${eid}/plan"]`).first());
	assert.equal(pathOf(page), `/enrolments/${eid}/plan`);
	assert.match(await h1(), new RegExp(`^Individuell plan: ${FULL_NAME}$`));
	assert.match(await main(), /Planen er ikke lagret ennå\./);
	assert.match(await main(), /Ingen mål ennå\./);
	await visit('plan, empty');

	const planForm = () => page.locator(`main form[method=post][action="/enrolments/${eid}/plan"]`);
	const assignmentRow = () => page.locator('main table tbody tr', { hasText: TASK });
	/** Saves the plan's form; checks the new version number and the alert. */
	const savePlan = async (version) => {
		await submit(planForm());
		assert.equal(pathOf(page), `/enrolments/${eid}/plan`, `after saving: ${page.url()}`);
		assert.match(await successAlert(), /Planen ble lagret som en ny versjon\./);
		assert.match(await main(), new RegExp(`Versjon ${version}\\.`));
		assert.equal(await planForm().locator('input[name=version]').inputValue(), String(version));
		await visit(`plan, version ${version}`);
	};

	// A goal and an assignment tied to step 4, in one save.
	let form = planForm();
	assert.equal(await form.locator('input[name=version]').inputValue(), '0');
	await form.getByLabel('Mål', { exact: true }).first().fill(GOAL);
	await form.locator('input[name=new_goal_target]').fill(target);
	await form.locator('textarea[name=new_a_text]').fill(TASK);
	await form.locator('select[name=new_a_step]').selectOption('4');
	await form.locator('input[name=new_a_due]').fill(due);
	await savePlan(1);
	const goals = (await page.locator('main h2:text-is("Mål") + ul li').allInnerTexts()).map(norm);
	assert.equal(goals.length, 1, goals.join('\n'));
	assert.ok(goals[0].includes(GOAL) && goals[0].includes(target), goals[0]);
	let row = norm(await assignmentRow().innerText());
	assert.match(row, /Steg 4/, row);
	assert.ok(row.includes(due), row);
	assert.match(row, /Gitt/, row);
	assert.doesNotMatch(row, /Forfalt/, row);

	// The versions page lists version 1 with what was added.
	await follow(page.locator(`main a[href="/enrolments/${eid}/plan/versions"]`));
	assert.match(await h1(), /^Versjoner av planen/);
	await visit('plan versions, 1');
	let versions = page.locator('main section.tolv-plan-version');
	assert.equal(await versions.count(), 1);
	assert.equal(norm(await versions.first().locator('h2').innerText()), 'Versjon 1');
	let changes = (await versions.first().locator('li').allInnerTexts()).map(norm);
	assert.ok(changes.some((c) => c.includes('mål 1 lagt til') && c.includes(GOAL)), changes.join('\n'));
	assert.ok(changes.some((c) => c.includes('oppgave 1 lagt til') && c.includes(TASK)), changes.join('\n'));
	assert.ok(norm(await versions.first().innerText()).includes(inst.users.therapist.name), 'the author is not shown');
	await follow(page.locator(`main a[href="/enrolments/${eid}/plan"]`).last());

	// Done.
	form = planForm();
	assert.equal(await form.locator('select[name=a1_step]').inputValue(), '4');
	assert.equal(await form.locator('select[name=a1_status]').inputValue(), 'given');
	await form.locator('select[name=a1_status]').selectOption('done');
	await savePlan(2);
	assert.equal(await planForm().locator('select[name=a1_status]').inputValue(), 'done');
	row = norm(await assignmentRow().innerText());
	assert.doesNotMatch(row, /Gitt/, row);
	doneRow = row;

	// Reviewed, with a review note.
	form = planForm();
	await form.locator('select[name=a1_status]').selectOption('reviewed');
	await form.locator('textarea[name=a1_review]').fill(REVIEW);
	await savePlan(3);
	row = norm(await assignmentRow().innerText());
	assert.match(row, /Gjennomgått/, row);
	assert.ok(row.includes(REVIEW), row);

	// Every version, newest first, with what changed.
	await follow(page.locator(`main a[href="/enrolments/${eid}/plan/versions"]`));
	await visit('plan versions, 3');
	versions = page.locator('main section.tolv-plan-version');
	assert.deepEqual((await versions.locator('h2').allInnerTexts()).map(norm), ['Versjon 3', 'Versjon 2', 'Versjon 1']);
	const v3 = (await versions.nth(0).locator('li').allInnerTexts()).map(norm);
	assert.ok(v3.some((c) => /oppgave 1: status gjort → gjennomgått/.test(c)), v3.join('\n'));
	assert.ok(v3.some((c) => c.includes('oppgave 1: gjennomgangsnotat lagt til') && c.includes(REVIEW)), v3.join('\n'));
	const v2 = (await versions.nth(1).locator('li').allInnerTexts()).map(norm);
	assert.ok(v2.some((c) => /oppgave 1: status gitt → gjort/.test(c)), v2.join('\n'));
	// Version 1 as it was saved: the assignment still given.
	await follow(page.locator(`main a[href="/enrolments/${eid}/plan/versions?v=1"]`));
	assert.match(await main(), /Versjon 1, slik den ble lagret\./);
	const v1row = norm(await page.locator('main table tbody tr', { hasText: TASK }).innerText());
	assert.match(v1row, /Gitt/, v1row);
	assert.ok(!v1row.includes(REVIEW), v1row);
	await visit('plan version 1');

	// ===================================================== the steps
	await page.goto(`${inst.base}/enrolments/${eid}/plan`);
	await follow(page.locator(`main a[href="/enrolments/${eid}/steps"]`).first());
	assert.equal(pathOf(page), `/enrolments/${eid}/steps`);
	assert.equal(await h1(), `Steg: ${FULL_NAME}`);
	await visit('steps, none started');
	const desc = async () => norm(await page.locator(`main svg.tolv-stepchart #stepchart-${eid}-desc`).textContent());
	const cell = async (s) => norm(await page.locator('main table.tolv-steptable tbody tr').nth(s - 1).locator('td').nth(2).textContent());
	const states = Array(12).fill('not_started');
	assert.equal(await desc(), describe(states));
	assert.equal(await page.locator('main svg.tolv-stepchart').getAttribute('role'), 'img');
	assert.equal(norm(await page.locator(`main svg.tolv-stepchart #stepchart-${eid}-title`).textContent()), `Stegene til ${FULL_NAME}`);
	assert.equal(await page.locator('main svg.tolv-stepchart').getAttribute('aria-labelledby'), `stepchart-${eid}-title stepchart-${eid}-desc`);
	/** The step's own title in the chart ("Steg 4: Selvransakelse — Fullført"). */
	const markTitle = async (s) =>
		norm(await page.locator('main svg.tolv-stepchart title').filter({ hasText: new RegExp(`^Steg ${s}:`) }).textContent());
	for (let s = 1; s <= 4; s++) assert.ok((await cell(s)).includes(LABEL.not_started), await cell(s));

	let moves = 0;
	for (let s = 1; s <= 4; s++) {
		for (const to of ['working', 'presented', 'completed']) {
			const before = await page.locator('main svg.tolv-stepchart').innerHTML();
			const sf = page.locator(`main form[method=post][action="/enrolments/${eid}/steps"]:has(input[name=step][value="${s}"])`);
			assert.equal(await sf.count(), 1, `no form for step ${s}`);
			await sf.locator('select[name=to]').selectOption(to);
			assert.equal(await sf.locator('input[name=date]').inputValue(), today);
			await sf.locator('textarea[name=note]').fill(`Steg ${s}: ${LABEL[to].toLowerCase()}`);
			await submit(sf);
			moves++;
			assert.equal(pathOf(page), `/enrolments/${eid}/steps`, `after moving step ${s} to ${to}: ${page.url()}`);
			assert.match(await successAlert(), /Endringen ble lagret\./);
			states[s - 1] = to;
			assert.equal(await desc(), describe(states), `the chart's text after step ${s} → ${to}`);
			assert.notEqual(await page.locator('main svg.tolv-stepchart').innerHTML(), before, 'the chart did not change');
			assert.match(await markTitle(s), new RegExp(` — ${LABEL[to]} siden ${today}$`), `the chart's mark for step ${s}`);
			const c = await cell(s);
			assert.ok(c.includes(LABEL[to]), `step ${s}'s table cell says "${c}", not ${LABEL[to]}`);
			const since = norm(await page.locator('main table.tolv-steptable tbody tr').nth(s - 1).locator('td').nth(3).textContent());
			assert.equal(since, today);
			const history = page.locator('main table:not(.tolv-steptable) tbody tr');
			assert.equal(await history.count(), moves, 'the history does not list every move');
			await visit(`steps, ${s} → ${to}`);
		}
	}
	assert.equal(await desc(), `Fullført: steg 1\u20134. Ikke påbegynt: steg 5\u201312.`);
	// A completed step offers only the moves the rules allow: not "presented" straight away.
	const done1 = page.locator(`main form[method=post][action="/enrolments/${eid}/steps"]:has(input[name=step][value="1"]) select[name=to] option`);
	const opts = await done1.evaluateAll((os) => os.map((o) => o.value));
	assert.ok(!opts.includes('presented') && !opts.includes('completed'), opts.join(','));
	await checkSkipLink(page);

	// ===================================================== a note, signed, with an addendum
	await page.goto(`${inst.base}/persons/${personId}`);
	await visit('person');
	await follow(page.locator(`main a[href="/persons/${personId}/notes"]`).first());
	assert.ok((await h1()).endsWith(`: ${FULL_NAME}`), await h1());
	await visit('notes, none');
	const nf = page.locator(`main form[method=post][action="/persons/${personId}/notes"]`);
	await nf.locator('select[name=type]').selectOption('step_presentation');
	await nf.locator('input[name=date]').fill(today);
	await nf.locator('select[name=step]').selectOption('4');
	await nf.locator('textarea[name=text]').fill(NOTE);
	await submit(nf);
	const m = pathOf(page).match(/^\/notes\/(\d+)$/);
	assert.ok(m, `after saving the draft: ${page.url()}`);
	const nid = Number(m[1]);
	assert.match(await successAlert(), /Utkastet ble lagret\./);
	const details = async () => norm(await page.innerText('main dl.tolv-details'));
	assert.match(await details(), /Status Utkast/);
	assert.match(await details(), /Steg 4/);
	assert.equal(await page.locator(`main form[action="/notes/${nid}"] textarea[name=text]`).inputValue(), NOTE);
	await visit('note, draft');

	await submit(page.locator(`main form[action="/notes/${nid}/sign"]`));
	assert.equal(pathOf(page), `/notes/${nid}`);
	assert.match(await successAlert(), /Notatet ble signert\./);
	assert.match(await details(), /Status Signert/);
	// Signed: no longer editable, signable or deletable; the text is shown as it was signed.
	assert.equal(await page.locator(`main form[action="/notes/${nid}"]`).count(), 0, 'the edit form is still there');
	assert.equal(await page.locator(`main form[action="/notes/${nid}/sign"]`).count(), 0, 'the sign form is still there');
	assert.equal(await page.locator(`main form[action="/notes/${nid}/delete"]`).count(), 0, 'the delete form is still there');
	assert.equal(await page.locator('main textarea[name=text]').count(), 0);
	assert.equal(norm(await page.locator('main .tolv-note-text').first().innerText()), NOTE);
	assert.match(await main(), /Ingen tillegg\./);
	await visit('note, signed');

	const af = page.locator(`main form[action="/notes/${nid}/addenda"]`);
	await af.locator('textarea[name=addendum]').fill(ADDENDUM);
	await submit(af);
	assert.equal(pathOf(page), `/notes/${nid}`);
	assert.match(await successAlert(), /Tillegget ble lagt til\./);
	const addenda = page.locator('main section.tolv-addendum');
	assert.equal(await addenda.count(), 1);
	const add = norm(await addenda.first().innerText());
	assert.ok(add.includes(ADDENDUM), add);
	assert.ok(add.includes(inst.users.therapist.name), `the addendum's author is not shown: ${add}`);
	// Beside the note: the signed text unchanged, the addendum after it.
	assert.equal(norm(await page.locator('main .tolv-note-text').first().innerText()), NOTE);
	assert.equal(await page.locator(`main form[action="/notes/${nid}"]`).count(), 0);
	await visit('note, with an addendum');

	// The list of the person's notes: signed, one addendum.
	await follow(page.locator(`main a[href="/persons/${personId}/notes"]`));
	const noteRow = norm(await page.locator(`main a[href="/notes/${nid}"]`).locator('xpath=ancestor::tr').innerText());
	assert.match(noteRow, /Signert/, noteRow);
	assert.ok(noteRow.includes(today), noteRow);
	assert.match(noteRow, /\b1\b/, noteRow);
	await visit('notes, one signed');
	await checkSkipLink(page);

	assert.deepEqual(problems, [], problems.join('\n'));
	await ctx.close();
	assert.ok(seen.length >= 25, `only ${seen.length} pages checked`);
});

// The assignment status "Done" once shared its msgid with the meetings page's tab of handled
// change requests, translated there as the plural "Ferdige": the status must read as one
// assignment's state.
test('a done assignment reads "Gjort" in the plan table (nb)', () => {
	assert.ok(doneRow, 'the walk did not reach the done assignment');
	assert.match(doneRow, /\b(Gjort|Ferdig)$/, doneRow);
});
