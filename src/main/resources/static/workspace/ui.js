// Building the page from data. Text always goes in as text (textContent, attributes), never as markup, so
// nothing an EHR sent can become script or markup in the page.

export function h(tag, attributes = {}, ...children) {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes || {})) {
		if (value === undefined || value === null || value === false) continue;
		if (name.startsWith('on') && typeof value === 'function') {
			element.addEventListener(name.substring(2), value);
		} else if (name === 'class') {
			element.className = value;
		} else {
			element.setAttribute(name, value === true ? '' : String(value));
		}
	}
	append(element, children);
	return element;
}

function append(element, children) {
	for (const child of children.flat(Infinity)) {
		if (child === undefined || child === null || child === false) continue;
		element.append(child instanceof Node ? child : document.createTextNode(String(child)));
	}
}

let routed = null;

/** The page the router is showing now (the hash without '#/', e.g. case/123): only its view may draw. */
export function routeTo(page) {
	routed = page;
}

export const isRouted = page => page === routed;

/**
 * Replaces the view and moves the keyboard focus to its heading, so screen readers announce the new page.
 * A view still loading when the person has gone to another page draws nothing.
 */
export function show(view, title, ...content) {
	if (!isRouted(view)) return;
	const main = document.getElementById('view');
	const heading = h('h1', { class: 'h3 mb-3', tabindex: '-1' }, title);
	main.replaceChildren(heading, ...content.flat());
	document.title = title + ' · Second-opinion workspace';
	heading.focus();
}

/** A message in the page's alert region: an error the person can act on, or a confirmation. */
export function say(text, kind = 'danger') {
	const region = document.getElementById('message');
	region.replaceChildren(text ? h('div', { class: 'alert alert-' + kind + ' mb-3', role: kind === 'danger' ? 'alert' : 'status' }, text) : '');
}

export function clear() {
	say(null);
}

export function loading() {
	return h('p', { class: 'text-secondary', role: 'status' }, 'Loading…');
}

export const idOf = reference => (reference || '').split('/').pop();

export function patientName(patient) {
	if (!patient) return 'Unknown patient';
	const name = (patient.name || [])[0];
	if (!name) return 'Unnamed patient';
	return name.text || [...(name.given || []), name.family].filter(Boolean).join(' ');
}

export function date(value) {
	if (!value) return '—';
	const parsed = new Date(value);
	return isNaN(parsed) ? value : parsed.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: value.length > 10 ? 'short' : undefined });
}

export const isOverdue = task => task && task.restriction && task.restriction.period && task.restriction.period.end
	&& new Date(task.restriction.period.end) < new Date() && ['requested', 'received', 'accepted', 'in-progress', 'on-hold'].includes(task.status);

export const stateOf = task => ((task && task.businessStatus && task.businessStatus.coding) || [])[0]?.code || task?.status || 'unknown';

const STATE_LABELS = {
	'submitted': 'Submitted', 'awaiting-records': 'Awaiting records', 'triage': 'Triage', 'assigned': 'Assigned',
	'in-review': 'In review', 'awaiting-information': 'Awaiting information', 'completed': 'Completed',
	'rejected': 'Rejected', 'cancelled': 'Cancelled'
};

export function stateBadge(task) {
	const state = stateOf(task);
	const kind = state === 'awaiting-information' || state === 'awaiting-records' ? 'warning text-dark'
		: state === 'completed' ? 'success' : state === 'rejected' || state === 'cancelled' ? 'secondary' : 'primary';
	return h('span', { class: 'badge bg-' + kind, 'data-state': state }, STATE_LABELS[state] || state);
}

export function dueCell(task) {
	const due = task?.restriction?.period?.end;
	return h('span', {}, date(due), isOverdue(task) ? [' ', h('span', { class: 'badge bg-danger', 'data-overdue': 'true' }, 'Overdue')] : null);
}

export const codeText = concept => concept ? (concept.text || (concept.coding || []).map(c => c.display || c.code).filter(Boolean).join(', ')) : '';

/** Runs an action, showing the server's words when it fails; the button is disabled meanwhile. */
export async function act(button, action) {
	clear();
	if (button) button.disabled = true;
	try {
		return await action();
	} catch (error) {
		say(error.message);
		return undefined;
	} finally {
		if (button) button.disabled = false;
	}
}
