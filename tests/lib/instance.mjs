// instance.mjs: one running tolv with a fresh database and a known cast of synthetic users:
//
//   organisation A "Testkommune Alfa":  admin, coordinator, therapist, auditor
//   organisation B "Testkommune Beta":  foreignAdmin, foreignTherapist
//
// Users are made through the CLI with a known password (TOLV_USER_PASSWORD), which is much
// cheaper than the web's one-time-password flow. Every name carries a marker string so a
// test can say "none of organisation B's data is in this body".
import { Api, Client } from './client.mjs';
import { freshDatabase, makeTempDir, removeDir, startServer, tolv } from './tolv.mjs';

export const PASSWORD = 'Testpassord-for-tolv-42';

export const ORG_A = 'Testkommune Alfa';
export const ORG_B = 'Testkommune Beta';

// Markers: strings that appear only in one organisation's data.
export const MARK_A = 'Alfamerke';
export const MARK_B = 'Betamerke';

export const CAST = {
	admin: { email: 'admin@alfa.example', role: 'admin', org: 'A', name: `Ada ${MARK_A} Administrator` },
	coordinator: { email: 'koordinator@alfa.example', role: 'coordinator', org: 'A', name: `Kai ${MARK_A} Koordinator` },
	therapist: { email: 'behandler@alfa.example', role: 'therapist', org: 'A', name: `Bo ${MARK_A} Behandler` },
	auditor: { email: 'revisor@alfa.example', role: 'auditor', org: 'A', name: `Rut ${MARK_A} Revisor` },
	foreignAdmin: { email: 'admin@beta.example', role: 'admin', org: 'B', name: `Beda ${MARK_B} Administrator` },
	foreignTherapist: { email: 'behandler@beta.example', role: 'therapist', org: 'B', name: `Bent ${MARK_B} Behandler` },
};

/**
 * Starts an instance. opts.cast: which of CAST to create (default all). opts.env: extra
 * environment for `tolv serve`. Returns the instance; call `await inst.stop()` at the end.
 */
export async function startInstance(opts = {}) {
	const tmp = makeTempDir();
	const db = freshDatabase(tmp, opts);
	const orgName = { A: ORG_A, B: ORG_B };
	const users = {};
	const keys = opts.cast ?? Object.keys(CAST);
	let server;
	const inst = {
		tmp,
		db: db.url,
		backend: db.backend,
		orgName,
		users,
		/** tolv CMD ... --db URL (synchronous; check: throw on non-zero exit) */
		cli(args, o = {}) {
			return tolv([...args, '--db', db.url], o);
		},
		get server() {
			return server;
		},
		get base() {
			return server.base;
		},
		get port() {
			return server.port;
		},
		client(o) {
			return new Client(server.base, o);
		},
		/** A Client logged in as users[key], in its organisation. */
		async login(key, o) {
			const u = users[key];
			const c = new Client(server.base, o);
			await c.login(u.email, u.password, { org: orgName[u.org] });
			return c;
		},
		/** An Api client with users[key]'s bearer token (made on first use). */
		api(key) {
			return new Api(server.base, inst.token(key));
		},
		token(key) {
			const u = users[key];
			if (!u.token) u.token = createToken(inst, u.email, orgName[u.org]);
			return u.token;
		},
		async restart(o = {}) {
			if (server) await server.stop();
			server = await startServer(db.url, { env: opts.env, ...o });
			return server;
		},
		async stop() {
			let err;
			try {
				if (server && !server.exitInfo) {
					const exit = await server.stop();
					// A clean stop exits 0; the sanitizer build exits non-zero when
					// LeakSanitizer or AddressSanitizer found something at exit.
					if (exit && exit.code !== 0)
						throw new Error(`tolv serve exited ${exit.code ?? exit.signal} on SIGTERM:\n${server.log().slice(-4000)}`);
				}
			} catch (e) {
				err = e;
			}
			db.drop();
			removeDir(tmp);
			if (err) throw err;
		},
	};

	try {
		const admin = keys.includes('admin') ? CAST.admin : { email: 'admin@alfa.example' };
		const initArgs = ['init', '--org', ORG_A, '--admin', admin.email];
		if (admin.name) initArgs.push('--name', admin.name);
		inst.cli(initArgs, {
			env: { TOLV_ADMIN_PASSWORD: PASSWORD },
			check: true,
		});
		if (keys.includes('admin')) users.admin = { ...CAST.admin, password: PASSWORD };
		if (keys.some((k) => CAST[k].org === 'B')) inst.cli(['org', 'add', ORG_B], { check: true });
		for (const k of keys) {
			if (k === 'admin') continue;
			const u = CAST[k];
			addUser(inst, u.email, orgName[u.org], u.role, u.name);
			users[k] = { ...u, password: PASSWORD };
		}
		fillIds(inst);
		server = await startServer(db.url, { env: opts.env });
	} catch (e) {
		await inst.stop().catch(() => {});
		throw e;
	}
	return inst;
}

/** tolv user add with a known password. */
export function addUser(inst, email, org, role, name, password = PASSWORD) {
	const args = ['user', 'add', email, '--org', org, '--role', role];
	if (name !== undefined) args.push('--name', name);
	return inst.cli(args, { env: { TOLV_USER_PASSWORD: password }, check: true });
}

/** tolv token create: the token is the one word of the output that looks like one. */
export function createToken(inst, email, org) {
	const r = inst.cli(['token', 'create', email, '--org', org], { check: true });
	const m = r.stdout.match(/\btolv_[A-Za-z0-9_-]{16,}/);
	if (!m) throw new Error(`no token in the output of tolv token create:\n${r.stdout}\n${r.stderr}`);
	return m[0];
}

/** The users array of an API list answer, whatever it is wrapped in. */
export function usersOf(data) {
	if (Array.isArray(data)) return data;
	for (const k of ['users', 'items', 'data', 'results']) if (Array.isArray(data?.[k])) return data[k];
	throw new Error(`cannot find a list of users in ${JSON.stringify(data).slice(0, 300)}`);
}

/** The entries array of an API audit answer, whatever it is wrapped in. */
export function entriesOf(data) {
	if (Array.isArray(data)) return data;
	for (const k of ['entries', 'audit', 'items', 'events', 'data', 'results']) if (Array.isArray(data?.[k])) return data[k];
	throw new Error(`cannot find a list of audit entries in ${JSON.stringify(data).slice(0, 300)}`);
}

/** `tolv user list [--org NAME]` as [{id, email, role, state, name}]. */
export function listUsers(inst, org) {
	const r = inst.cli(['user', 'list', ...(org ? ['--org', org] : [])], { check: true });
	return r.stdout
		.split('\n')
		.filter((l) => l.trim())
		.map((l) => {
			const [id, email, role, state, ...name] = l.split('\t');
			return { id: Number(id), email, role, state, name: name.join('\t') };
		});
}

/** Fills users[k].id for every cast member, from `tolv user list`. */
export function fillIds(inst) {
	const all = listUsers(inst);
	for (const u of Object.values(inst.users)) {
		const row = all.find((x) => x.email === u.email);
		if (!row) throw new Error(`${u.email} is not in tolv user list`);
		u.id = row.id;
	}
}
