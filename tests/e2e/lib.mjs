// lib.mjs (e2e): chromium through playwright-core, and the accessibility check (axe-core)
// run on every page a browser test visits.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/tolv.mjs';

export const CHROMIUM = process.env.TOLV_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic',
];

const AXE_SOURCE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

export async function launch() {
	const { chromium } = await import('playwright-core');
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/**
 * Watches a page for console errors and CSP violations (a style or script the policy
 * blocks is a bug: the page looks or works differently than meant). Returns the list,
 * which fills as the page is used.
 */
export function watchConsole(page) {
	const problems = [];
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
	page.on('requestfailed', (r) => problems.push(`request failed on ${page.url()}: ${r.url()} ${r.failure()?.errorText}`));
	page.on('response', (r) => {
		if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} for ${r.url()}`);
	});
	return problems;
}

/** A readable report of axe violations. */
export function formatViolations(url, violations) {
	const out = [`${violations.length} accessibility violation(s) on ${url}:`];
	for (const v of violations) {
		out.push(`- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
		for (const n of v.nodes.slice(0, 5)) {
			out.push(`    at ${n.target.join(' ')}`);
			out.push(`       ${n.html.slice(0, 200)}`);
			if (n.failureSummary) out.push(`       ${n.failureSummary.replace(/\n/g, '\n       ')}`);
		}
		if (v.nodes.length > 5) out.push(`    … and ${v.nodes.length - 5} more`);
	}
	return out.join('\n');
}

/**
 * Runs axe-core in the page (injected through the devtools protocol: the CSP forbids
 * inline scripts, so a script tag with the source would be blocked) and fails on any
 * violation. Returns the list of pages checked so far (in `seen`).
 */
export async function checkA11y(page, seen = []) {
	await page.waitForLoadState('load');
	const url = page.url();
	const has = await page.evaluate(() => typeof window.axe !== 'undefined');
	if (!has) await page.evaluate(AXE_SOURCE);
	const result = await page.evaluate(
		(tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
		AXE_TAGS,
	);
	seen.push(url);
	assert.equal(result.violations.length, 0, formatViolations(url, result.violations));
	return result;
}

/**
 * The first element the keyboard reaches is a skip link to the main content, which
 * exists, and following it moves focus there.
 */
export async function checkSkipLink(page) {
	const url = page.url();
	// Start from the top of the document with nothing focused.
	await page.evaluate(() => {
		if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
		window.scrollTo(0, 0);
	});
	await page.keyboard.press('Tab');
	const info = await page.evaluate(() => {
		const a = document.activeElement;
		const href = a?.getAttribute?.('href') || '';
		const target = href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
		const r = a?.getBoundingClientRect?.();
		return {
			tag: a?.tagName,
			href,
			text: (a?.textContent || '').trim(),
			targetTag: target?.tagName ?? null,
			visible: !!r && r.width > 1 && r.height > 1,
		};
	});
	assert.equal(info.tag, 'A', `${url}: the first Tab lands on <${info.tag}>, not a link`);
	assert.match(info.href, /^#./, `${url}: the first focusable link is not a skip link (href=${info.href})`);
	assert.ok(info.text.length > 0, `${url}: the skip link has no text`);
	assert.ok(info.targetTag, `${url}: the skip link points at ${info.href}, which does not exist`);
	assert.ok(info.visible, `${url}: the skip link is not visible when focused`);
	await page.keyboard.press('Enter');
	const focused = await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
	assert.equal(`#${focused}`, info.href, `${url}: following the skip link did not move focus to ${info.href}`);
}
