// The expert's worklist: their open cases, soonest due first, overdue and awaiting-information marked.
import { search, searchAll, resources } from './fhir.js';
import { h, show, loading, patientName, dueCell, stateBadge, isOverdue, stateOf, idOf, codeText } from './ui.js';
import { me, referenceTo } from './people.js';

export async function showWorklist() {
	show('worklist', 'My cases', loading());
	const person = await me();
	if (!person?.practitionerRole) {
		show('worklist', 'My cases', h('p', {}, 'Your account is not linked to an expert in the directory (' + (person?.fhirUser || 'no fhirUser') + ').'));
		return;
	}
	const bundle = await searchAll('Task', {
		owner: referenceTo(person.practitionerRole), status: 'accepted,in-progress,on-hold',
		_sort: 'due', _include: 'Task:focus', _count: '100'
	});
	const { tasks, requests, patients } = await casesOf(bundle);
	show('worklist', 'My cases', tasks.length === 0
		? h('p', { id: 'worklist-empty' }, 'No open cases are assigned to you.')
		: caseTable('worklist', tasks, requests, patients));
}

/** A Task search with its requests included, and the requests' patients: what a case table shows. */
export async function casesOf(bundle) {
	const requests = new Map(resources(bundle, 'ServiceRequest').map(request => ['ServiceRequest/' + request.id, request]));
	return { tasks: resources(bundle, 'Task'), requests, patients: await patientsOf([...requests.values()]) };
}

/** The patients of these requests, read a hundred at a time. */
async function patientsOf(requests) {
	const ids = [...new Set(requests.map(request => idOf(request.subject?.reference)).filter(Boolean))];
	const batches = [];
	for (let start = 0; start < ids.length; start += 100) {
		const batch = ids.slice(start, start + 100);
		batches.push(search('Patient', { _id: batch.join(','), _count: String(batch.length) }));
	}
	const bundles = await Promise.all(batches);
	return new Map(bundles.flatMap(bundle => resources(bundle, 'Patient')).map(patient => ['Patient/' + patient.id, patient]));
}

export function caseTable(id, tasks, requests, patients) {
	const rows = tasks.map(task => {
		const request = requests.get(task.focus?.reference);
		const patient = request && patients.get(request.subject?.reference);
		const requestId = idOf(task.focus?.reference);
		return h('tr', { 'data-case': requestId, 'data-state': stateOf(task), class: isOverdue(task) ? 'table-danger' : null },
			h('td', {}, dueCell(task)),
			h('td', {}, h('a', { href: '#/case/' + requestId }, patientName(patient))),
			h('td', {}, questionOf(request)),
			h('td', {}, task.priority || 'routine'),
			h('td', {}, stateBadge(task)));
	});
	return h('div', { class: 'table-responsive' },
		h('table', { class: 'table table-hover', id },
			h('caption', { class: 'visually-hidden' }, 'Cases, soonest due first'),
			h('thead', {}, h('tr', {}, ['Due', 'Patient', 'Question', 'Priority', 'State'].map(title => h('th', { scope: 'col' }, title)))),
			h('tbody', {}, rows)));
}

export function questionOf(request) {
	if (!request) return '';
	const text = (request.note || []).map(note => note.text).filter(Boolean).join(' ') || codeText(request.code);
	return text.length > 160 ? text.substring(0, 157) + '…' : text;
}
