// html.mjs: just enough HTML reading for the tests — forms, attributes, entities, text.
// tolv renders plain, well-formed HTML on the server, so regular expressions suffice;
// these helpers are deliberately lenient (any attribute order, either quote).

const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s) {
	return String(s).replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
		if (e[0] === '#') {
			const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
			return Number.isFinite(cp) ? String.fromCodePoint(cp) : m;
		}
		return NAMED[e.toLowerCase()] ?? m;
	});
}

/** The attributes of one start tag ("<input a=b c='d' e>") as an object, decoded. */
export function attrs(tag) {
	const out = {};
	const inner = tag.replace(/^<\s*[a-z0-9-]+/i, '').replace(/\/?>$/, '');
	const re = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;
	let m;
	while ((m = re.exec(inner))) out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
	return out;
}

/** Every start tag of a kind, e.g. tags(html, 'input') → [{tag, attrs}] */
export function tags(html, name) {
	const re = new RegExp(`<${name}\\b(?:[^>"']|"[^"]*"|'[^']*')*>`, 'gi');
	return [...html.matchAll(re)].map((m) => ({ tag: m[0], attrs: attrs(m[0]), index: m.index }));
}

/** Text with tags removed and entities decoded (for "does the page say X"). */
export function text(html) {
	return decodeEntities(
		String(html)
			.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
			.replace(/<[^>]*>/g, ' ')
			.replace(/\s+/g, ' '),
	).trim();
}

/** The <html lang="…"> of a page. */
export function htmlLang(html) {
	const t = tags(html, 'html')[0];
	return t ? t.attrs.lang : undefined;
}

/**
 * The forms of a page: [{action, method, fields: {name: value}, inputs: [...], html}]
 * fields holds what a browser would submit without user input: hidden and text inputs
 * with their value, checked boxes/radios, the selected (or first) option of each select,
 * textareas. Submit buttons are listed in inputs only.
 */
export function forms(html) {
	const out = [];
	const re = /<form\b(?:[^>"']|"[^"]*"|'[^']*')*>([\s\S]*?)<\/form>/gi;
	let m;
	while ((m = re.exec(html))) {
		const fa = attrs(m[0].match(/^<form\b(?:[^>"']|"[^"]*"|'[^']*')*>/i)[0]);
		const body = m[1];
		const fields = {};
		const inputs = [];
		for (const t of tags(body, 'input')) {
			const a = t.attrs;
			const type = (a.type || 'text').toLowerCase();
			inputs.push({ ...a, type, kind: 'input' });
			if (!a.name || 'disabled' in a) continue;
			if (type === 'submit' || type === 'button' || type === 'image' || type === 'reset' || type === 'file') continue;
			if ((type === 'checkbox' || type === 'radio') && !('checked' in a)) continue;
			fields[a.name] = a.value ?? (type === 'checkbox' || type === 'radio' ? 'on' : '');
		}
		for (const s of body.matchAll(/<select\b(?:[^>"']|"[^"]*"|'[^']*')*>([\s\S]*?)<\/select>/gi)) {
			const sa = attrs(s[0].match(/^<select\b(?:[^>"']|"[^"]*"|'[^']*')*>/i)[0]);
			const opts = [...s[1].matchAll(/(<option\b(?:[^>"']|"[^"]*"|'[^']*')*>)([\s\S]*?)(?=<option\b|<\/option>|$)/gi)].map((o) => {
				const a = attrs(o[1]);
				a.label ??= text(o[2]);
				a.value ??= text(o[2]);
				return a;
			});
			inputs.push({ ...sa, type: 'select', kind: 'select', options: opts });
			if (!sa.name || 'disabled' in sa) continue;
			const sel = opts.find((o) => 'selected' in o) ?? opts[0];
			if (sel) fields[sa.name] = sel.value ?? '';
		}
		for (const t of body.matchAll(/<textarea\b(?:[^>"']|"[^"]*"|'[^']*')*>([\s\S]*?)<\/textarea>/gi)) {
			const ta = attrs(t[0].match(/^<textarea\b(?:[^>"']|"[^"]*"|'[^']*')*>/i)[0]);
			inputs.push({ ...ta, type: 'textarea', kind: 'textarea' });
			if (ta.name) fields[ta.name] = decodeEntities(t[1]);
		}
		for (const b of tags(body, 'button')) inputs.push({ ...b.attrs, type: b.attrs.type || 'submit', kind: 'button' });
		out.push({ action: fa.action ?? '', method: (fa.method || 'get').toLowerCase(), attrs: fa, fields, inputs, html: m[0] });
	}
	return out;
}

/** The csrf hidden field of the first form that has one. */
export function csrfOf(html) {
	for (const f of forms(html)) if (f.fields.csrf) return f.fields.csrf;
	return undefined;
}
