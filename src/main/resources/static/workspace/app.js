// The workspace: a SMART app for the centre's experts and coordinators. It reads and writes only through
// the public FHIR API with the signed-in person's token.
import { signIn, completeSignIn, session, signOut } from './smart.js';
import { h, say, clear, routeTo, isRouted } from './ui.js';
import { showWorklist } from './worklist.js';
import { showQueue } from './queue.js';
import { showCase } from './casepage.js';
import { showNotifications } from './notifications.js';
import { me } from './people.js';

const ROUTES = [
	[/^#\/worklist$/, () => showWorklist()],
	[/^#\/queue$/, () => showQueue()],
	[/^#\/notifications$/, () => showNotifications()],
	[/^#\/case\/([A-Za-z0-9][A-Za-z0-9\-.]{0,63})$/, match => showCase(match[1])]
];

function homeOf(role) {
	return role === 'coordinator' ? '#/queue' : '#/worklist';
}

function renderShell(current) {
	const role = current.user.role;
	const links = role === 'coordinator'
		? [['#/queue', 'Queue'], ['#/notifications', 'Failing notifications']]
		: [['#/worklist', 'My cases']];
	document.getElementById('nav').replaceChildren(...links.map(([href, text]) =>
		h('a', { class: 'nav-link', href, 'aria-current': location.hash === href ? 'page' : null }, text)));
	document.getElementById('user').replaceChildren(
		h('span', { id: 'signed-in-as' }, current.user.name || 'Signed in', role ? ' (' + role + ')' : ''),
		h('button', { type: 'button', class: 'btn btn-outline-light btn-sm', onclick: () => location.assign(signOut() || '/workspace/') }, 'Sign out'));
}

function showSignIn(reason) {
	document.getElementById('nav').replaceChildren();
	document.getElementById('user').replaceChildren();
	const button = h('button', { type: 'button', class: 'btn btn-primary', id: 'sign-in' }, 'Sign in');
	button.addEventListener('click', () => signIn(location.hash).catch(error => say(error.message)));
	document.getElementById('view').replaceChildren(
		h('h1', { class: 'h3', tabindex: '-1' }, 'Sign in to the workspace'),
		h('p', {}, reason || 'Experts and coordinators of the centre sign in with their own account.'),
		button);
	button.focus();
}

async function route() {
	const current = session();
	if (!current) return showSignIn();
	if (current.user.role !== 'expert' && current.user.role !== 'coordinator') {
		return showSignIn('The workspace is for the centre\'s experts and coordinators; this account is a ' + (current.user.role || 'different') + ' account.');
	}
	renderShell(current);
	clear();
	const hash = location.hash || homeOf(current.user.role);
	const page = hash.substring(2);
	routeTo(page);
	for (const [pattern, view] of ROUTES) {
		const match = hash.match(pattern);
		if (match) {
			try {
				await view(match);
			} catch (error) {
				if (isRouted(page)) say(error.message);
			}
			return;
		}
	}
	location.hash = homeOf(current.user.role);
}

window.addEventListener('hashchange', route);
window.addEventListener('workspace:signed-out', () => { signOut(); showSignIn('Your session has ended; please sign in again.'); });

(async () => {
	try {
		const returnTo = await completeSignIn();
		if (returnTo !== null) {
			const current = session();
			await me().catch(() => null);
			history.replaceState(null, '', returnTo || homeOf(current.user.role));
		}
	} catch (error) {
		showSignIn();
		say(error.message);
		return;
	}
	await route();
})();
