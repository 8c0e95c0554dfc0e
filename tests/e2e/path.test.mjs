// path (browser): one person's way through the municipal day-treatment programme, in
// Norwegian, through the pages, as the users do it:
//
//   the coordinator sets up the programme (template) with a motivation group and a
//   day-treatment group; a member of the public sends the self-referral form (no login);
//   the coordinator takes it in from the intake queue, moves the referral through
//   assessed → offered a pre-treatment conversation → accepted, registers the person
//   from the referral (a synthetic fødselsnummer with both check digits), enrols them
//   with a primary therapist, moves them to the motivation group and registers that
//   group's attendance, moves them to day treatment, registers attendance on the
//   day-treatment roster for four days (the progress bar moves 1 → 4 of 100), moves
//   them to aftercare; the person page's timeline shows the referral, the phases and
//   the attendance, and the therapist finds the person on their caseload.
//
// Attendance cannot be registered for a day that has not come, so the path after
// intake is dated in the past weeks (every date form takes a date). Every page visited
// passes axe-core (WCAG 2.1 A/AA and best practice) and logs no console error, CSP
// violation or unexpected 4xx/5xx.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startInstance } from '../lib/instance.mjs';
import { checkA11y, checkSkipLink, launch, watchConsole } from './lib.mjs';

let inst, browser;
const seen = [];

before(async () => {
	inst = await startInstance({ cast: ['admin', 'coordinator', 'therapist'] });
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await inst?.stop();
});

// ---- dates: the server's calendar is Norway's ----------------------------------------
function osloToday() {
	// en-CA formats as YYYY-MM-DD.
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function addDays(iso, n) {
	const d = new Date(`${iso}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}
/** 0 = Monday … 6 = Sunday */
const weekdayOf = (iso) => (new Date(`${iso}T12:00:00Z`).getUTCDay() + 6) % 7;
const WEEKDAYS_NB = ['mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag', 'søndag'];

// ---- a synthetic Norwegian identity number ----------------------------------------------
// A fødselsnummer DDMMYYIIIKK with month + 80: the synthetic numbers of the Norwegian
// test environment (Tenor), which no real person has. Both mod-11 check digits.
function mod11(digits, weights) {
	const s = digits.reduce((acc, d, i) => acc + d * weights[i], 0);
	const k = 11 - (s % 11);
	return k === 11 ? 0 : k;
}
function syntheticFnr(dd, mm, yyyy) {
	const pad = (n, w = 2) => String(n).padStart(w, '0');
	// 1900–1999: individual numbers 000–499.
	for (let ind = 101; ind < 500; ind++) {
		const base = `${pad(dd)}${pad(mm + 80)}${pad(yyyy % 100)}${pad(ind, 3)}`;
		const d = [...base].map(Number);
		const k1 = mod11(d, [3, 7, 6, 1, 8, 9, 4, 5, 2]);
		if (k1 === 10) continue;
		const k2 = mod11([...d, k1], [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
		if (k2 === 10) continue;
		return `${base}${k1}${k2}`;
	}
	throw new Error('no synthetic number');
}

// ---- the person (synthetic) ----------------------------------------------------------------
const PERSON = {
	given: 'Siri Syntetisk',
	family: 'Testesen',
	phone: '+47 400 12 345',
	email: 'siri.testesen@example.no',
	message: 'Jeg drikker for mye og vil ha hjelp. Best å nå meg etter klokka 16.',
	born: { dd: 14, mm: 3, yyyy: 1984 },
};
const FULL_NAME = `${PERSON.given} ${PERSON.family}`;
const PROGRAMME = 'Dagbehandling Alfa';
const MOTIVATION = 'Motivasjonsgruppe tirsdag';
const DAYGROUP = 'Dagbehandling Alfa, gruppe A';

// ---- page helpers ----------------------------------------------------------------------------
const pathOf = (page) => new URL(page.url()).pathname;
const idFrom = (page, re) => {
	const m = pathOf(page).match(re);
	assert.ok(m, `${page.url()} does not match ${re}`);
	return Number(m[1]);
};
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

test('a person walks from self-referral to aftercare, in the browser', async (t) => {
	const today = osloToday();
	// The day-treatment days: the four weekdays before today, oldest first.
	const dtDays = [];
	for (let d = addDays(today, -1); dtDays.length < 4; d = addDays(d, -1)) if (weekdayOf(d) < 5) dtDays.unshift(d);
	const dayTreatmentFrom = dtDays[0];
	const motivationFrom = addDays(dayTreatmentFrom, -7); // a weekday, the group's day
	const enrolledOn = addDays(motivationFrom, -7);
	const nid = syntheticFnr(PERSON.born.dd, PERSON.born.mm, PERSON.born.yyyy);
	const birthDate = `${PERSON.born.yyyy}-${String(PERSON.born.mm).padStart(2, '0')}-${String(PERSON.born.dd).padStart(2, '0')}`;

	// ---- the coordinator's browser ----
	const staff = await browser.newContext({ locale: 'nb-NO' });
	const page = await staff.newPage();
	page.setDefaultTimeout(15_000);
	const problems = watchConsole(page);
	const visit = async (what) => {
		await checkA11y(page, seen);
		assert.deepEqual(problems, [], `browser problems (${what}):\n${problems.join('\n')}`);
	};
	const h1 = async () => norm(await page.innerText('main h1'));
	const main = async () => norm(await page.innerText('main'));
	/** Follows a link (or presses a button) and waits for the next page. */
	const follow = async (locator) => {
		await Promise.all([page.waitForNavigation(), locator.click()]);
	};
	/** Submits a form with its (first) submit button and waits for the next page. */
	const submit = async (form) => {
		await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').first().click()]);
	};
	const successAlert = async () => norm(await page.innerText('main .ds-alert[data-color=success]'));

	// --- log in ---
	await page.goto(`${inst.base}/login`);
	assert.equal(await page.getAttribute('html', 'lang'), 'nb');
	await page.fill('input[name=email]', inst.users.coordinator.email);
	await page.fill('input[name=password]', inst.users.coordinator.password);
	await submit(page.locator('main form'));
	assert.equal(pathOf(page), '/', `after log-in: ${page.url()}`);
	await visit('start page');

	// ===================================================== the programme and its groups
	await follow(page.locator('nav a[href="/programmes"]'));
	assert.equal(await h1(), 'Programmer');
	await visit('programmes');
	await follow(page.locator('main a[href="/programmes/new"]'));
	assert.equal(await h1(), 'Nytt program');
	await visit('new programme');
	// The municipal day-treatment template is the one offered first.
	assert.equal(await page.inputValue('select[name=template]'), 'municipal_day_treatment');
	await page.selectOption('select[name=template]', 'municipal_day_treatment');
	await page.fill('input[name=name]', PROGRAMME);
	await submit(page.locator('main form[action="/programmes"]'));
	const programmeId = idFrom(page, /^\/programmes\/(\d+)$/);
	assert.equal(await h1(), PROGRAMME);
	assert.match(await successAlert(), /Endringene er lagret/);
	assert.match(await main(), /Kommunal dagbehandling/);
	// The template's four phases, with day treatment's target of 100 days.
	const legends = (await page.locator('main fieldset.tolv-phase legend').allInnerTexts()).map(norm);
	assert.deepEqual(legends, [
		'Fase 1: Forvernsamtale eller informasjonsmøte',
		'Fase 2: Motivasjonsgruppe',
		'Fase 3: Dagbehandling',
		'Fase 4: Ettervern',
	]);
	assert.equal(await page.locator('main fieldset.tolv-phase').nth(2).getByLabel('Måltall dager').inputValue(), '100');
	await visit('programme');

	/** Makes a group of the programme through the "New group" page; returns its id. */
	const newGroup = async ({ name, phase, weekdays, start, end, place, capacity }) => {
		await follow(page.locator(`main a[href="/programmes/${programmeId}/groups/new"]`));
		assert.equal(await h1(), 'Ny gruppe');
		await visit('new group');
		const form = page.locator(`main form[action="/programmes/${programmeId}/groups"]`);
		await form.locator('input[name=name]').fill(name);
		await form.locator('select[name=phase_key]').selectOption(phase);
		for (const d of weekdays) await form.locator(`input[name=day${d + 1}]`).check();
		await form.locator('input[name=start]').fill(start);
		await form.locator('input[name=end]').fill(end);
		await form.locator('input[name=place]').fill(place);
		await form.locator('input[name=capacity]').fill(String(capacity));
		await submit(form);
		const id = idFrom(page, /^\/groups\/(\d+)$/);
		assert.equal(await h1(), name);
		assert.match(await successAlert(), /Endringene er lagret/);
		assert.match(await main(), new RegExp(`0 av ${capacity} plasser`));
		await visit('group');
		// Back to the programme, which lists the group under its phase.
		await follow(page.locator(`main a[href="/programmes/${programmeId}"]`).last());
		assert.equal(await h1(), PROGRAMME);
		return id;
	};
	const motivationGroup = await newGroup({
		name: MOTIVATION,
		phase: 'motivation',
		weekdays: [weekdayOf(motivationFrom)],
		start: '17:00',
		end: '19:00',
		place: 'Rom 2, Storgata 1',
		capacity: 12,
	});
	const dayGroup = await newGroup({
		name: DAYGROUP,
		phase: 'day_treatment',
		weekdays: [0, 1, 2, 3, 4],
		start: '09:00',
		end: '14:00',
		place: 'Dagsenteret',
		capacity: 10,
	});
	const groupRows = (await page.locator('main table tbody tr').allInnerTexts()).map(norm);
	assert.ok(groupRows.some((r) => r.includes(MOTIVATION) && r.includes('Motivasjonsgruppe')), groupRows.join('\n'));
	assert.ok(groupRows.some((r) => r.includes(DAYGROUP) && r.includes('Dagbehandling')), groupRows.join('\n'));
	await visit('programme with groups');

	// ===================================================== the intake queue, empty
	await follow(page.locator('nav a[href="/referrals"]'));
	assert.equal(await h1(), 'Henvisninger');
	await visit('referrals');
	await follow(page.locator('main a[href="/referrals/self"]'));
	assert.equal(await h1(), 'Egenhenvisninger');
	await visit('self-referral queue, empty');
	// The queue tells where the public form is.
	const formPath = norm(await page.innerText('main code'));
	assert.match(formPath, /^\/p\/\d+\/self-referral$/);

	// ===================================================== the public: the self-referral form
	{
		const pub = await browser.newContext({ locale: 'nb-NO' });
		const pp = await pub.newPage();
		pp.setDefaultTimeout(15_000);
		const pprob = watchConsole(pp);
		// The 422 of the deliberately incomplete submission (and Chromium's console line
		// about it, which may come a moment later) is expected; nothing else is.
		const expected422 = (p) => p.includes(`${inst.base}${formPath}`) && /\b422\b/.test(p);
		const pvisit = async (what) => {
			await checkA11y(pp, seen);
			const real = pprob.filter((p) => !expected422(p));
			assert.deepEqual(real, [], `browser problems (${what}):\n${real.join('\n')}`);
		};
		await pp.goto(`${inst.base}${formPath}`);
		assert.equal(await pp.getAttribute('html', 'lang'), 'nb');
		assert.equal(norm(await pp.innerText('main h1')), 'Egenhenvisning');
		assert.match(norm(await pp.innerText('header')), /Testkommune Alfa/);
		assert.equal(await pp.locator('nav').count(), 0, 'the public form shows staff navigation');
		await pvisit('self-referral form');
		await checkSkipLink(pp);
		await pp.fill('input[name=name]', FULL_NAME);
		await pp.fill('input[name=phone]', PERSON.phone);
		await pp.fill('input[name=email]', PERSON.email);
		await pp.fill('textarea[name=message]', PERSON.message);
		// First without the consent: the form comes back with everything kept.
		await Promise.all([pp.waitForNavigation(), pp.click('main form button[type=submit]')]);
		assert.ok(pprob.includes(`422 for ${inst.base}${formPath}`), `the incomplete form did not answer 422: ${pprob.join('\n')}`);
		assert.equal(await pp.inputValue('input[name=name]'), FULL_NAME);
		assert.equal(await pp.inputValue('input[name=phone]'), PERSON.phone);
		assert.equal(await pp.inputValue('input[name=email]'), PERSON.email);
		assert.equal(await pp.inputValue('textarea[name=message]'), PERSON.message);
		assert.equal(await pp.getAttribute('#f-consent', 'aria-invalid'), 'true');
		assert.ok(norm(await pp.innerText('#f-consent-error')).length > 0, 'no message at the consent box');
		await pvisit('self-referral form with an error');
		await pp.check('#f-consent');
		await Promise.all([pp.waitForNavigation(), pp.click('main form button[type=submit]')]);
		assert.equal(norm(await pp.innerText('main h1')), 'Takk');
		const receipt = norm(await pp.innerText('main'));
		assert.match(receipt, /Meldingen din er mottatt\. Vi kontakter deg\./);
		// Nothing of what was sent is shown back.
		for (const s of [PERSON.given, PERSON.family, PERSON.phone, PERSON.email]) assert.ok(!receipt.includes(s), `the receipt shows ${s}`);
		await pvisit('self-referral receipt');
		await pub.close();
	}

	// ===================================================== intake: take it in, move the referral
	await page.reload();
	assert.equal(pathOf(page), '/referrals/self');
	const card = page.locator('main section.tolv-card', { hasText: FULL_NAME });
	assert.equal(await card.count(), 1, 'the self-referral is not in the queue');
	const cardText = norm(await card.innerText());
	assert.ok(cardText.includes(PERSON.phone) && cardText.includes(PERSON.email), `the card lacks contact details: ${cardText}`);
	assert.ok(cardText.includes(PERSON.message), 'the card lacks the message');
	await visit('self-referral queue');
	await submit(card.locator('form[action$="/take"]'));
	const referralId = idFrom(page, /^\/referrals\/(\d+)$/);
	assert.equal(await h1(), 'Henvisning');
	assert.match(await successAlert(), /Endringene er lagret/);
	const facts = async () => norm(await page.innerText('main dl.tolv-facts'));
	assert.match(await facts(), /Status Mottatt/);
	assert.match(await facts(), /Kilde Egenhenvisning/);
	const referralText = await main();
	assert.ok(referralText.includes(PERSON.message), 'the referral does not carry the message');
	await visit('referral, received');
	// Once taken in, the self-referral leaves the queue: the referral itself must show the
	// name, phone and e-mail the person sent.
	await t.test('the referral taken in shows who sent it and how to reach them', () => {
		for (const s of [FULL_NAME, PERSON.phone, PERSON.email]) assert.ok(referralText.includes(s), `the referral page does not show ${s}`);
	});

	const statusForm = page.locator(`main form[action="/referrals/${referralId}/status"]`);
	const moveReferral = async (status, label, note) => {
		await statusForm.locator('select[name=status]').selectOption(status);
		if (note) await statusForm.locator('textarea[name=note]').fill(note);
		await submit(statusForm);
		assert.equal(pathOf(page), `/referrals/${referralId}`);
		assert.match(await successAlert(), /Endringene er lagret/);
		assert.match(await facts(), new RegExp(`Status ${label}`));
		await visit(`referral, ${status}`);
	};
	await moveReferral('assessed', 'Vurdert', 'Ringt opp; motivert for dagbehandling.');
	await moveReferral('offered_conversation', 'Tilbudt forvernsamtale', 'Forvernsamtale avtalt.');
	await moveReferral('accepted', 'Tatt inn', 'Forvernsamtalen er holdt: tas inn i programmet.');
	// The history lists every change, oldest first, attributed to the coordinator.
	const history = (await page.locator('main table tbody tr').allInnerTexts()).map(norm);
	assert.deepEqual(
		history.map((r) => r.match(/Mottatt|Vurdert|Tilbudt forvernsamtale|Tatt inn/)?.[0]),
		['Mottatt', 'Vurdert', 'Tilbudt forvernsamtale', 'Tatt inn'],
		history.join('\n'),
	);
	assert.ok(history.slice(1).every((r) => r.includes(inst.users.coordinator.name)), history.join('\n'));

	// ===================================================== the person, from the referral
	await follow(page.locator(`main a[href="/persons/new?referral=${referralId}"]`));
	assert.equal(await h1(), 'Registrer en person');
	assert.match(await main(), /Når du lagrer, knyttes personen til henvisningen mottatt \d{4}-\d\d-\d\d\./);
	await visit('register a person');
	const pform = page.locator('main form[action="/persons"]');
	assert.equal(await pform.locator('input[name=referral]').inputValue(), String(referralId));
	const prefilled = {};
	for (const f of ['given_name', 'family_name', 'phone', 'email']) prefilled[f] = await pform.locator(`input[name=${f}]`).inputValue();
	await t.test('the person form of a self-referral starts with what the person sent', () => {
		assert.equal(`${prefilled.given_name} ${prefilled.family_name}`.trim(), FULL_NAME);
		assert.equal(prefilled.phone, PERSON.phone);
		assert.equal(prefilled.email, PERSON.email);
	});
	await pform.locator('input[name=given_name]').fill(PERSON.given);
	await pform.locator('input[name=family_name]').fill(PERSON.family);
	await pform.locator('input[name=national_id]').fill(nid);
	await pform.locator('input[name=phone]').fill(PERSON.phone);
	await pform.locator('input[name=email]').fill(PERSON.email);
	await pform.locator('input[name=substance][value=alcohol]').check();
	await submit(pform);
	const personId = idFrom(page, /^\/persons\/(\d+)$/);
	assert.equal(await h1(), FULL_NAME);
	const alerts = norm(await page.locator('main .ds-alert').allInnerTexts().then((a) => a.join(' ')));
	assert.match(alerts, /Personen ble registrert\./);
	assert.match(alerts, /Henvisningen ble knyttet til personen\./);
	const details = norm(await page.innerText('main dl.tolv-facts'));
	// Shown as DDMMYY NNNNN.
	assert.ok(details.includes(`Fødselsnummer ${nid.slice(0, 6)} ${nid.slice(6)} (Norsk fødselsnummer)`), `the identity number is not shown: ${details}`);
	assert.ok(details.includes(birthDate), `the date of birth (from the number) is not ${birthDate}: ${details}`);
	assert.match(details, /Alkohol/);
	assert.match(await main(), /Personen er ikke skrevet inn i noe program\./);
	await visit('person, registered');

	// ===================================================== enrolment
	await follow(page.locator(`main a[href="/persons/${personId}/enrol"]`));
	assert.equal(await h1(), 'Skriv inn i et program');
	await visit('enrol');
	const eform = page.locator(`main form[action="/persons/${personId}/enrol"]`);
	await eform.locator('select[name=programme]').selectOption({ label: PROGRAMME });
	await eform.locator('select[name=therapist]').selectOption({ label: inst.users.therapist.name });
	await eform.locator('input[name=start_date]').fill(enrolledOn);
	await eform.locator('select[name=referral]').selectOption(String(referralId));
	await submit(eform);
	const enrolmentId = idFrom(page, /^\/enrolments\/(\d+)$/);
	assert.equal(await h1(), PROGRAMME);
	assert.match(await successAlert(), /Personen ble skrevet inn\./);
	const efacts = async () => norm(await page.innerText('main dl.tolv-facts'));
	assert.match(await efacts(), new RegExp(`Nåværende fase Forvernsamtale eller informasjonsmøte \\(fase 1 av 4, siden ${enrolledOn}\\)`));
	assert.ok((await efacts()).includes(inst.users.therapist.name), 'the primary therapist is not shown');
	await visit('enrolment, pre-treatment');

	/** Moves the enrolment to the next phase on a date; checks the page says so. */
	const nextPhase = async (label, n, on) => {
		const form = page.locator(`main form[action="/enrolments/${enrolmentId}/events"]:has(input[name=kind][value=next])`);
		assert.match(norm(await form.innerText()), new RegExp(`Neste fase: ${label}`));
		if (on) await form.locator('input[name=next_date]').fill(on);
		await submit(form);
		assert.equal(pathOf(page), `/enrolments/${enrolmentId}`);
		assert.match(await successAlert(), /Endringen ble lagret\./);
		assert.match(await efacts(), new RegExp(`Nåværende fase ${label} \\(fase ${n} av 4, siden ${on ?? '\\d{4}-\\d\\d-\\d\\d'}\\)`));
		await visit(`enrolment, ${label}`);
	};

	/** Adds the enrolment to a group from a day: Programmes → the programme → the group. */
	const addMember = async (groupId, groupName, from) => {
		await follow(page.locator('nav a[href="/programmes"]'));
		await follow(page.locator(`main a[href="/programmes/${programmeId}"]`));
		await follow(page.locator(`main a[href="/groups/${groupId}"]`));
		assert.equal(await h1(), groupName);
		await visit('group, before adding');
		const form = page.locator(`main form[action="/groups/${groupId}/members"]`);
		await form.locator('select[name=enrolment_id]').selectOption({ label: FULL_NAME });
		await form.locator('input[name=from]').fill(from);
		await submit(form);
		assert.equal(pathOf(page), `/groups/${groupId}`);
		assert.match(await successAlert(), /Endringene er lagret/);
		const members = (await page.locator('#members + table tbody tr').allInnerTexts()).map(norm);
		assert.equal(members.length, 1, members.join('\n'));
		assert.ok(members[0].includes(FULL_NAME) && members[0].includes(from), members[0]);
		assert.match(await main(), /1 av \d+ plasser/);
		await visit('group, with the member');
	};

	/** Opens the group's roster on a day through its date field, ticks the person, saves. */
	const registerDay = async (groupId, groupName, day, hours) => {
		if (!/\/roster/.test(pathOf(page)) || !page.url().includes(`/groups/${groupId}/`)) {
			await page.goto(`${inst.base}/groups/${groupId}`);
			await follow(page.locator(`main a[href="/groups/${groupId}/roster"]`));
			await visit('roster, today');
		}
		const pick = page.locator(`main form[method=get][action="/groups/${groupId}/roster"]`);
		await pick.locator('input[name=date]').fill(day);
		await submit(pick);
		assert.equal(pathOf(page), `/groups/${groupId}/roster`);
		assert.equal(new URL(page.url()).searchParams.get('date'), day);
		assert.equal(await h1(), `Oppmøteliste: ${groupName}, ${WEEKDAYS_NB[weekdayOf(day)]} ${day}`);
		assert.match(await main(), /Ikke registrert ennå/);
		await visit(`roster ${day}`);
		const row = page.locator('main table.tolv-roster tbody tr', { hasText: FULL_NAME });
		assert.equal(await row.count(), 1, `${FULL_NAME} is not on the roster of ${day}`);
		const box = row.getByLabel(`${FULL_NAME} møtte`);
		assert.equal(await box.isChecked(), false);
		await box.check();
		if (hours) await row.getByLabel(`Timer for ${FULL_NAME}`).fill(hours);
		await submit(page.locator(`main form[method=post][action="/groups/${groupId}/roster"]`));
		assert.equal(pathOf(page), `/groups/${groupId}/roster`);
		assert.match(await successAlert(), /Oppmøtet ble lagret\./);
		assert.match(await main(), /Registrert \(du kan endre det\)/);
		assert.equal(await row.getByLabel(`${FULL_NAME} møtte`).isChecked(), true, 'the saved roster does not show the attendance');
		await visit(`roster ${day}, saved`);
	};

	// ===================================================== motivation group
	await nextPhase('Motivasjonsgruppe', 2, motivationFrom);
	await addMember(motivationGroup, MOTIVATION, motivationFrom);
	await registerDay(motivationGroup, MOTIVATION, motivationFrom);
	// The default length of a motivation-group session: 2 hours.
	assert.equal(await page.locator('main table.tolv-roster tbody tr', { hasText: FULL_NAME }).getByLabel(`Timer for ${FULL_NAME}`).inputValue(), '2');

	// ===================================================== day treatment
	await page.goto(`${inst.base}/enrolments/${enrolmentId}`);
	await visit('enrolment, motivation group');
	// In the motivation group: days attended, no day count toward a target.
	assert.match(norm(await page.innerText('main section.tolv-progress')), /Dager møtt i denne fasen 1/);
	await nextPhase('Dagbehandling', 3, dayTreatmentFrom);
	/** The progress bar of the enrolment, on its progress page. */
	const progress = async () => {
		await page.goto(`${inst.base}/enrolments/${enrolmentId}/progress`);
		assert.equal(await h1(), 'Framdrift');
		const sec = page.locator('main section.tolv-progress');
		assert.equal(norm(await sec.locator('h2').innerText()), 'Framdrift i Dagbehandling');
		const bar = sec.locator('progress.tolv-progress-bar');
		const out = {
			label: norm(await sec.locator('.tolv-progress-label').innerText()),
			value: Number(await bar.getAttribute('value')),
			max: Number(await bar.getAttribute('max')),
			// What the browser reports, not just the markup.
			position: await bar.evaluate((b) => b.position),
			name: await bar.evaluate((b) => {
				const ids = (b.getAttribute('aria-labelledby') || '').split(/\s+/);
				return ids.map((id) => document.getElementById(id)?.textContent || '').join(' ').trim();
			}),
		};
		await visit(`progress (${out.label})`);
		return out;
	};
	const p0 = await progress();
	assert.deepEqual({ label: p0.label, value: p0.value, max: p0.max }, { label: '0 av 100 dager', value: 0, max: 100 });
	await addMember(dayGroup, DAYGROUP, dayTreatmentFrom);
	let last = p0;
	for (let i = 0; i < dtDays.length; i++) {
		await registerDay(dayGroup, DAYGROUP, dtDays[i], i === 1 ? '4,5' : undefined);
		const p = await progress();
		assert.equal(p.label, `${i + 1} av 100 dager`, `after ${i + 1} day(s)`);
		assert.equal(p.value, i + 1);
		assert.equal(p.max, 100);
		assert.ok(Math.abs(p.position - (i + 1) / 100) < 1e-9, `the bar's position is ${p.position}`);
		assert.equal(p.name, p.label, 'the progress bar is not named by its label');
		assert.ok(p.value > last.value, 'the progress bar did not move');
		last = p;
	}
	// Every open day since the start attended: above the minimum pace, no warning, a
	// projected completion; the last attended day is the last roster day.
	const dtText = norm(await page.innerText('main section.tolv-progress'));
	assert.match(dtText, /Takt, siste to uker [\d,]+ dager i uka \(4 av \d+ åpne dager\)/);
	assert.match(dtText, /Minimum 3 dager i uka/);
	assert.match(dtText, /Beregnet fullført med nåværende takt \d{4}-\d\d-\d\d/);
	assert.match(dtText, new RegExp(`Sist møtt ${dtDays[3]}`));
	assert.equal(await page.locator('main section.tolv-progress .ds-alert[data-color=warning]').count(), 0, dtText);

	// ===================================================== aftercare
	await page.goto(`${inst.base}/enrolments/${enrolmentId}`);
	await visit('enrolment, day treatment');
	assert.match(norm(await page.innerText('main section.tolv-progress')), /4 av 100 dager/);
	await nextPhase('Ettervern', 4); // today, as the form proposes
	const after = norm(await page.innerText('main section.tolv-progress'));
	assert.match(after, /Framdrift i Ettervern/);
	assert.match(after, /Uker med oppmøte 0 av \d+ uker/);
	// The last phase: no "next phase" form any more, but completing is offered.
	assert.equal(await page.locator('main input[name=kind][value=next]').count(), 0);
	assert.equal(await page.locator('main input[name=kind][value=complete]').count(), 1);
	const events = (await page.locator('main table tbody tr').allInnerTexts()).map(norm);
	assert.equal(events.length, 4, events.join('\n'));

	// ===================================================== the person page: the whole path
	await follow(page.locator(`main a[href="/persons/${personId}"]`).first());
	assert.equal(await h1(), FULL_NAME);
	await visit('person, in aftercare');
	const enrolRow = norm(await page.locator(`main a[href="/enrolments/${enrolmentId}"]`).locator('xpath=ancestor::tr').innerText());
	assert.match(enrolRow, new RegExp(`${PROGRAMME} Ettervern Aktiv ${enrolledOn}`));
	const refRow = norm(await page.locator('main table').first().locator('tbody tr').first().innerText());
	assert.match(refRow, /Egenhenvisning/);
	assert.match(refRow, /Tatt inn/);
	const timeline = (await page.locator('main ol.tolv-timeline > li').allInnerTexts()).map(norm);
	const find = (re) => timeline.findIndex((l) => re.test(l));
	const at = {
		enrolled: find(new RegExp(`^${enrolledOn} Skrevet inn: Forvernsamtale eller informasjonsmøte — ${PROGRAMME}`)),
		motivation: find(new RegExp(`^${motivationFrom} Flyttet til en annen fase: Motivasjonsgruppe — ${PROGRAMME}`)),
		motivationAttended: find(new RegExp(`^${motivationFrom} Møtte \\(2:00 timer\\) — ${PROGRAMME}`)),
		dayTreatment: find(new RegExp(`^${dayTreatmentFrom} Flyttet til en annen fase: Dagbehandling — ${PROGRAMME}`)),
		aftercare: find(new RegExp(`^\\d{4}-\\d\\d-\\d\\d Flyttet til en annen fase: Ettervern — ${PROGRAMME}`)),
		received: find(/^\d{4}-\d\d-\d\d Henvisning: Mottatt/),
		accepted: find(/^\d{4}-\d\d-\d\d Henvisning: Tatt inn/),
	};
	for (const [k, v] of Object.entries(at)) assert.ok(v >= 0, `the timeline has no "${k}" line:\n${timeline.join('\n')}`);
	// Newest first.
	assert.ok(at.enrolled > at.motivation && at.motivation > at.dayTreatment && at.dayTreatment > at.aftercare, `the phases are out of order:\n${timeline.join('\n')}`);
	assert.ok(at.motivationAttended < at.motivation && at.motivationAttended > at.dayTreatment, `the motivation-group attendance is misplaced:\n${timeline.join('\n')}`);
	const dtAttended = dtDays.map((d, i) => find(new RegExp(`^${d} Møtte \\(${i === 1 ? '4:30' : '4:00'} timer\\) — ${PROGRAMME}`)));
	assert.ok(dtAttended.every((i) => i < at.dayTreatment && i > at.aftercare), `the day-treatment attendance is not between the phases:\n${timeline.join('\n')}`);
	assert.deepEqual([...dtAttended].sort((a, b) => b - a), dtAttended, `the attendance days are not newest first:\n${timeline.join('\n')}`);
	await checkSkipLink(page);
	await staff.close();

	// ===================================================== the therapist's caseload
	const tctx = await browser.newContext({ locale: 'nb-NO' });
	const tp = await tctx.newPage();
	tp.setDefaultTimeout(15_000);
	const tprob = watchConsole(tp);
	await tp.goto(`${inst.base}/login`);
	await tp.fill('input[name=email]', inst.users.therapist.email);
	await tp.fill('input[name=password]', inst.users.therapist.password);
	await Promise.all([tp.waitForNavigation(), tp.click('main form button[type=submit]')]);
	assert.equal(pathOf(tp), '/');
	await Promise.all([tp.waitForNavigation(), tp.click('nav a[href="/caseload"]')]);
	await checkA11y(tp, seen);
	const caseRow = norm(await tp.locator('main table tbody tr', { hasText: PERSON.family }).first().innerText());
	assert.match(caseRow, /Ettervern/, caseRow);
	await Promise.all([tp.waitForNavigation(), tp.click(`main a[href="/enrolments/${enrolmentId}/progress"]`)]);
	assert.match(norm(await tp.innerText('main')), /Framdrift i Ettervern/);
	await checkA11y(tp, seen);
	assert.deepEqual(tprob, [], tprob.join('\n'));
	await tctx.close();

	assert.ok(seen.length >= 40, `only ${seen.length} pages checked`);
});
