// The coordinator's queue: every open case by state and due date. Triage and awaiting records first,
// since they wait on the centre or the referrer; overdue cases are listed again on their own.
import { searchAll } from './fhir.js';
import { h, show, loading, isOverdue, stateOf } from './ui.js';
import { caseTable, casesOf } from './worklist.js';

const SECTIONS = [
	['queue-triage', 'Triage: waiting for an expert', task => stateOf(task) === 'triage'],
	['queue-awaiting-records', 'Awaiting records', task => stateOf(task) === 'awaiting-records'],
	['queue-overdue', 'Overdue', isOverdue],
	['queue-with-experts', 'With an expert', task => ['assigned', 'in-review', 'awaiting-information'].includes(stateOf(task))]
];

export async function showQueue() {
	show('queue', 'Queue', loading());
	const bundle = await searchAll('Task', {
		status: 'requested,received,accepted,in-progress,on-hold', _sort: 'due', _include: 'Task:focus', _count: '200'
	});
	const { tasks, requests, patients } = await casesOf(bundle);
	const sections = SECTIONS.map(([id, title, belongs]) => {
		const mine = tasks.filter(belongs);
		return h('section', { class: 'mb-4', 'aria-labelledby': id + '-title' },
			h('h2', { class: 'h5', id: id + '-title' }, title, ' ', h('span', { class: 'badge bg-secondary' }, String(mine.length))),
			mine.length ? caseTable(id, mine, requests, patients) : h('p', { class: 'text-secondary' }, 'None.'));
	});
	show('queue', 'Queue', sections);
}
