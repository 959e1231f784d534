// The coordinator's actions on a case: assign or reassign it to an expert, chosen among $match-experts'
// candidates with their reasons, or reject it with a reason.
import { request, operation, partsOf } from './fhir.js';
import { h, act, say, stateOf } from './ui.js';

const OPEN = ['awaiting-records', 'triage', 'assigned', 'in-review', 'awaiting-information'];


export function coordinatorActions(theCase, reload) {
	const state = stateOf(theCase.task);
	const container = h('section', { class: 'card card-body mb-3', id: 'coordinator-actions', 'aria-labelledby': 'coordinator-title' },
		h('h2', { class: 'h5', id: 'coordinator-title' }, theCase.task?.owner?.reference?.startsWith('PractitionerRole/') ? 'Reassign or reject' : 'Assign or reject'));
	if (!OPEN.includes(state)) {
		container.append(h('p', { class: 'text-secondary' }, 'The case is ' + state + '; nothing is left to assign.'));
		return container;
	}
	const candidates = h('div', { id: 'candidates' });
	const find = h('button', { type: 'button', class: 'btn btn-outline-primary mb-2', id: 'find-experts' }, 'Find experts');
	find.addEventListener('click', () => act(find, async () => {
		const result = await request('ServiceRequest/' + theCase.request.id + '/$match-experts');
		candidates.replaceChildren(assignForm(theCase, result, reload));
		candidates.querySelector('input, button')?.focus();
	}));
	container.append(find, candidates, rejectForm(theCase, reload));
	return container;
}

function assignForm(theCase, result, reload) {
	const ranked = (result.parameter || []).filter(parameter => parameter.name === 'candidate').map(partsOf);
	const skipped = (result.parameter || []).filter(parameter => parameter.name === 'skipped').map(partsOf);
	const option = (expert, index, reason, unavailable) => h('div', { class: 'form-check mb-1' },
		h('input', { class: 'form-check-input', type: 'radio', name: 'expert', id: 'expert-' + index, value: expert.reference, 'data-unavailable': unavailable ? 'true' : null }),
		h('label', { class: 'form-check-label', for: 'expert-' + index }, h('strong', {}, expert.display || expert.reference), ': ', reason));
	const reason = h('input', { class: 'form-control', id: 'assign-reason', type: 'text' });
	const button = h('button', { type: 'submit', class: 'btn btn-primary mt-2', id: 'assign' }, 'Assign');
	const form = h('form', { id: 'assign-form' },
		h('fieldset', {}, h('legend', { class: 'fs-6 fw-semibold' }, 'Candidates, best first'),
			ranked.length ? ranked.map((candidate, index) => option(candidate.expert, index, candidate.reason, false)) : h('p', { class: 'text-secondary' }, 'No expert matches this case.'),
			skipped.length ? [h('p', { class: 'small text-secondary mt-2 mb-1' }, 'Skipped (assigning one of them overrides why):'),
				skipped.map((candidate, index) => option(candidate.expert, ranked.length + index, candidate.reason, true))] : null),
		h('label', { for: 'assign-reason', class: 'form-label mt-2' }, 'Reason (shown on the case)'), reason, button);
	form.addEventListener('submit', event => {
		event.preventDefault();
		act(button, async () => {
			const chosen = form.querySelector('input[name=expert]:checked');
			if (!chosen) throw new Error('Choose an expert first.');
			const parameters = [{ name: 'expert', valueReference: { reference: chosen.value } }];
			if (reason.value.trim()) parameters.push({ name: 'reason', valueString: reason.value.trim() });
			if (chosen.dataset.unavailable) parameters.push({ name: 'force', valueBoolean: true });
			await operation('ServiceRequest/' + theCase.request.id + '/$assign', parameters);
			await reload();
			say('The case was assigned to ' + chosen.labels[0].querySelector('strong').textContent + '.', 'success');
		});
	});
	return form;
}

function rejectForm(theCase, reload) {
	const reason = h('textarea', { class: 'form-control', id: 'reject-reason', rows: '2' });
	const button = h('button', { type: 'submit', class: 'btn btn-outline-danger mt-2', id: 'reject' }, 'Reject the case');
	const form = h('form', { id: 'reject-form', class: 'mt-3' },
		h('label', { for: 'reject-reason', class: 'form-label' }, 'Reason for rejecting (sent to the referrer)'), reason, button);
	form.addEventListener('submit', event => {
		event.preventDefault();
		act(button, async () => {
			if (!reason.value.trim()) { reason.focus(); throw new Error('Give the reason for rejecting the case.'); }
			await operation('ServiceRequest/' + theCase.request.id + '/$reject', [{ name: 'reason', valueString: reason.value.trim() }]);
			await reload();
			say('The case was rejected.', 'success');
		});
	});
	return form;
}
