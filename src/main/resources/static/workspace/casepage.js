// One case as $case returns it: the patient, the question, the original diagnosis, completeness, the
// records, the discussion and the opinion; the expert's and the coordinator's actions beside them.
import { request, create } from './fhir.js';
import { h, show, loading, patientName, date, dueCell, stateBadge, stateOf, codeText, act, say } from './ui.js';
import { documentList, structuredRecords } from './records.js';
import { opinionSection } from './opinion.js';
import { coordinatorActions } from './assign.js';
import { me, referenceTo } from './people.js';

const GROUP = 'https://second-opinion.example.org/fhir/StructureDefinition/so-record-group';
const CODES = 'https://second-opinion.example.org/fhir/CodeSystem/so-codes';

/** The $case Bundle taken apart: what each section of the page needs. */
export function caseOf(bundle) {
	const entries = bundle.entry || [];
	const all = entries.map(entry => entry.resource);
	const byType = type => all.filter(resource => resource.resourceType === type);
	const request = byType('ServiceRequest')[0];
	const reasons = new Set((request.reasonReference || []).map(reference => reference.reference));
	const opinions = byType('DiagnosticReport').filter(report => (report.basedOn || []).some(based => based.reference === 'ServiceRequest/' + request.id));
	return {
		request,
		patient: byType('Patient')[0],
		task: byType('Task')[0],
		expert: byType('PractitionerRole')[0],
		diagnoses: byType('Condition').filter(condition => reasons.has('Condition/' + condition.id)),
		documents: byType('DocumentReference'),
		structured: entries.filter(entry => (entry.extension || []).some(extension => extension.url === GROUP))
			.filter(entry => !opinions.includes(entry.resource))
			.map(entry => ({ group: entry.extension.find(extension => extension.url === GROUP).valueCode, resource: entry.resource })),
		messages: byType('Communication').sort((a, b) => (a.sent || '').localeCompare(b.sent || '')),
		opinions
	};
}

export async function showCase(id) {
	show('case/' + id, 'Case', loading());
	const [bundle, completeness, person] = await Promise.all([
		request('ServiceRequest/' + id + '/$case'),
		request('ServiceRequest/' + id + '/$completeness').catch(() => null),
		me()
	]);
	const theCase = caseOf(bundle);
	const viewer = h('section', { class: 'card card-body mb-3', id: 'viewer', 'aria-label': 'Record viewer', hidden: true });
	const reload = () => showCase(id);
	show('case/' + id, 'Case of ' + patientName(theCase.patient),
		summaryCard(theCase),
		h('div', { class: 'row g-3' },
			h('div', { class: 'col-lg-6' },
				section('question', 'The question', h('p', { class: 'prewrap' }, (theCase.request.note || []).map(note => note.text).join('\n') || codeText(theCase.request.code))),
				section('diagnosis', 'Original diagnosis', theCase.diagnoses.length
					? h('ul', {}, theCase.diagnoses.map(condition => h('li', {}, codeText(condition.code), condition.onsetDateTime ? ' (' + date(condition.onsetDateTime) + ')' : '')))
					: h('p', { class: 'text-secondary' }, 'None given.')),
				section('completeness', 'Completeness', completenessOf(completeness)),
				section('records', 'Records', documentList(theCase.documents, viewer), structuredRecords(theCase.structured))),
			h('div', { class: 'col-lg-6' },
				viewer,
				section('discussion', 'Discussion', discussion(theCase), person.role === 'expert' ? questionForm(theCase, person, reload) : null),
				person.role === 'expert' ? opinionSection(theCase, person, reload) : opinionsRead(theCase),
				person.role === 'coordinator' ? coordinatorActions(theCase, reload) : null)));
}

function section(id, title, ...content) {
	return h('section', { class: 'card card-body mb-3', id, 'aria-labelledby': id + '-title' },
		h('h2', { class: 'h5', id: id + '-title' }, title), content);
}

function summaryCard({ request, patient, task, expert }) {
	const facts = [
		['Patient', patientName(patient) + (patient?.birthDate ? ', born ' + patient.birthDate : '') + (patient?.gender ? ', ' + patient.gender : '')],
		['State', stateBadge(task)],
		['Due', dueCell(task)],
		['Priority', request.priority || 'routine'],
		['Referred by', request.requester?.display || request.requester?.reference || '—'],
		['Expert', expert?.practitioner?.display || task?.owner?.display || '—'],
		['Why this state', (task?.statusReason && codeText(task.statusReason)) || '—']
	];
	return h('dl', { class: 'row mb-3', id: 'case-summary', 'data-state': stateOf(task) },
		facts.map(([term, value]) => [h('dt', { class: 'col-sm-3 col-lg-2' }, term), h('dd', { class: 'col-sm-9 col-lg-10 mb-1' }, value)]));
}

function completenessOf(result) {
	if (!result) return h('p', { class: 'text-secondary' }, 'Not available.');
	const value = name => (result.parameter || []).filter(parameter => parameter.name === name);
	const complete = value('complete')[0]?.valueBoolean;
	const missing = value('missing').map(parameter => parameter.valueString);
	return h('div', { id: 'completeness-result', 'data-complete': String(!!complete) },
		h('p', { class: complete ? 'text-success' : 'text-danger fw-semibold' }, complete ? 'The file is complete.' : 'Records are missing:'),
		missing.length ? h('ul', {}, missing.map(item => h('li', {}, item))) : null);
}

/** The sender's name: the message's own display, else the referrer's or the expert's as the case names them. */
function senderOf(message, request) {
	const sender = message.sender || {};
	if (sender.display) return sender.display;
	if (sender.reference && sender.reference === request.requester?.reference) return (request.requester.display || 'The referrer') + ' (referrer)';
	return sender.reference || 'Unknown sender';
}

function discussion({ messages, request }) {
	if (messages.length === 0) return h('p', { class: 'text-secondary', id: 'discussion-empty' }, 'No messages yet.');
	return h('ol', { class: 'list-unstyled discussion', id: 'messages' }, messages.map(message => {
		const isQuestion = (message.category || []).some(category => (category.coding || []).some(coding => coding.system === CODES && coding.code === 'question'));
		return h('li', { class: 'card card-body mb-2', 'data-message': message.id },
			h('div', { class: 'small text-secondary' },
				senderOf(message, request), ' · ', date(message.sent),
				isQuestion ? [' · ', h('span', { class: 'badge bg-info text-dark' }, 'Question')] : null,
				message.inResponseTo?.length ? [' · ', h('span', { class: 'badge bg-light text-dark' }, 'Answer')] : null),
			(message.payload || []).map(payload => payload.contentString
				? h('p', { class: 'prewrap mb-0' }, payload.contentString)
				: h('p', { class: 'small mb-0' }, 'Attached: ', payload.contentReference?.display || payload.contentReference?.reference || payload.contentAttachment?.title || 'a record')));
	}));
}

/** The expert asks the referrer; the server puts the case on hold until the answer comes. */
function questionForm(theCase, person, reload) {
	const state = stateOf(theCase.task);
	if (!['assigned', 'in-review'].includes(state) || !person.practitionerRole) return null;
	const text = h('textarea', { class: 'form-control', id: 'question-text', rows: '3', required: true });
	const button = h('button', { type: 'submit', class: 'btn btn-outline-primary mt-2', id: 'ask' }, 'Ask the referrer');
	const form = h('form', { class: 'mt-3', id: 'question-form' },
		h('label', { for: 'question-text', class: 'form-label' }, 'Ask the referrer a question'),
		text, button);
	form.addEventListener('submit', event => {
		event.preventDefault();
		act(button, async () => {
			if (!text.value.trim()) throw new Error('Write the question first.');
			await create({
				resourceType: 'Communication', status: 'completed',
				basedOn: [{ reference: 'ServiceRequest/' + theCase.request.id }],
				category: [{ coding: [{ system: CODES, code: 'question', display: 'Question to the referrer' }] }],
				subject: theCase.request.subject,
				sent: new Date().toISOString(),
				sender: { reference: referenceTo(person.practitionerRole), display: person.name },
				recipient: [theCase.request.requester],
				payload: [{ contentString: text.value.trim() }]
			});
			await reload();
			say('Your question was sent; the case waits for the answer.', 'success');
		});
	});
	return form;
}

/** What the coordinator sees of the opinions: the latest of each, read-only. */
function opinionsRead({ opinions }) {
	return section('opinions', 'Opinion', opinions.length === 0 ? h('p', { class: 'text-secondary' }, 'No opinion yet.')
		: opinions.map(opinion => h('div', { 'data-opinion': opinion.id },
			h('p', { class: 'mb-1' }, h('strong', {}, opinion.status), ' · ', date(opinion.issued || opinion.meta?.lastUpdated)),
			h('p', { class: 'prewrap' }, opinion.conclusion || ''))));
}

